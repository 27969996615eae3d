package org.privmed.eval.timing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of accumulated phase times: nanoseconds and number of laps per phase name,
 * standard phases first (in {@link Phase} order), then extra phases in the order first seen.
 * A phase that was never timed is absent: {@link #millis} returns NaN for it and reports print
 * "—", so a missing measurement is never shown as zero.
 */
public record PhaseTimes(Map<String, Long> nanos, Map<String, Long> laps) {
    public static final PhaseTimes EMPTY = new PhaseTimes(Map.of(), Map.of());

    public PhaseTimes {
        if (nanos == null || laps == null) {
            throw new IllegalArgumentException("nanos and laps must not be null");
        }
        if (!nanos.keySet().equals(laps.keySet())) {
            throw new IllegalArgumentException("nanos and laps must name the same phases, got "
                    + nanos.keySet() + " and " + laps.keySet());
        }
        for (Map.Entry<String, Long> e : nanos.entrySet()) {
            PhaseTimer.checkName(e.getKey());
            if (e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException("phase '" + e.getKey() + "' has time " + e.getValue()
                        + " ns; times must be non-negative");
            }
            Long n = laps.get(e.getKey());
            if (n == null || n < 0) {
                throw new IllegalArgumentException("phase '" + e.getKey() + "' has lap count " + n);
            }
        }
        nanos = Collections.unmodifiableMap(ordered(nanos));
        laps = Collections.unmodifiableMap(ordered(laps));
    }

    /** Times given directly (one lap each), e.g. figures reported by a remote server. */
    public static PhaseTimes ofNanos(Map<String, Long> nanos) {
        Map<String, Long> laps = new LinkedHashMap<>();
        for (String k : nanos.keySet()) {
            laps.put(k, 1L);
        }
        return new PhaseTimes(nanos, laps);
    }

    /** Times in milliseconds (one lap each). */
    public static PhaseTimes ofMillis(Map<String, Double> millis) {
        Map<String, Long> ns = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : millis.entrySet()) {
            double v = e.getValue() == null ? Double.NaN : e.getValue();
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("phase '" + e.getKey() + "' has time " + e.getValue()
                        + " ms; times must be finite and non-negative");
            }
            ns.put(e.getKey(), Math.round(v * 1e6));
        }
        return ofNanos(ns);
    }

    private static Map<String, Long> ordered(Map<String, Long> in) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Phase p : Phase.values()) {
            if (in.containsKey(p.label())) {
                out.put(p.label(), in.get(p.label()));
            }
        }
        for (Map.Entry<String, Long> e : in.entrySet()) {
            out.putIfAbsent(e.getKey(), e.getValue());
        }
        return out;
    }

    public boolean has(String phase) {
        return nanos.containsKey(phase);
    }

    public boolean has(Phase phase) {
        return has(phase.label());
    }

    /** Accumulated milliseconds, NaN if the phase was never timed. */
    public double millis(String phase) {
        Long v = nanos.get(phase);
        return v == null ? Double.NaN : v / 1e6;
    }

    public double millis(Phase phase) {
        return millis(phase.label());
    }

    /** Milliseconds per lap (e.g. per image when each image is one lap), NaN if never timed. */
    public double meanMillis(String phase) {
        Long v = nanos.get(phase);
        Long n = laps.get(phase);
        return v == null || n == null || n == 0 ? Double.NaN : v / 1e6 / n;
    }

    /** The timed phases that are not standard {@link Phase}s, in first-seen order. */
    public List<String> extraPhases() {
        List<String> out = new ArrayList<>();
        for (String k : nanos.keySet()) {
            if (!Phase.isStandard(k)) {
                out.add(k);
            }
        }
        return out;
    }

    /** Phase-wise sum, e.g. to pool the times of several clients or batches. */
    public PhaseTimes plus(PhaseTimes other) {
        Map<String, Long> ns = new LinkedHashMap<>(nanos);
        Map<String, Long> ls = new LinkedHashMap<>(laps);
        other.nanos.forEach((k, v) -> ns.merge(k, v, Long::sum));
        other.laps.forEach((k, v) -> ls.merge(k, v, Long::sum));
        return new PhaseTimes(ns, ls);
    }
}
