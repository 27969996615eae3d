package org.privmed.eval.timing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Accumulates wall-clock time per phase across calls, from {@link System#nanoTime()}.
 *
 * <pre>{@code
 * PhaseTimer timer = new PhaseTimer();
 * try (PhaseTimer.Lap total = timer.start(Phase.TOTAL)) {
 *     try (PhaseTimer.Lap lap = timer.start(Phase.ENCRYPT)) { ... }
 *     Scores s = timer.time(Phase.EVALUATE, () -> server.evaluate(ct));
 * }
 * PhaseTimes times = timer.snapshot();
 * }</pre>
 *
 * <p>Thread-safe. Laps of the same phase running concurrently on several threads each add their
 * own elapsed time, so the phase then holds summed thread time, not wall time; time the parallel
 * section as a whole from one thread when wall time is wanted.
 */
public final class PhaseTimer {
    private final LongSupplier clock;
    private final Map<String, long[]> totals = new LinkedHashMap<>(); // name -> {nanos, laps}

    /** A timer on {@link System#nanoTime()}. */
    public PhaseTimer() {
        this(System::nanoTime);
    }

    /** A timer on a given nanosecond clock (for deterministic tests or a shared clock). */
    public PhaseTimer(LongSupplier nanoClock) {
        if (nanoClock == null) {
            throw new IllegalArgumentException("nanoClock is null");
        }
        this.clock = nanoClock;
    }

    /** Starts a lap of {@code phase}; closing it adds the elapsed time. */
    public Lap start(Phase phase) {
        return start(phase.label());
    }

    /** Starts a lap of a free-form phase (e.g. "keygen"); closing it adds the elapsed time. */
    public Lap start(String phase) {
        return new Lap(checkName(phase), clock.getAsLong());
    }

    /** Runs {@code body} as one lap of {@code phase} and returns its result. */
    public <T> T time(Phase phase, Supplier<T> body) {
        return time(phase.label(), body);
    }

    public <T> T time(String phase, Supplier<T> body) {
        Lap lap = start(phase);
        try {
            return body.get();
        } finally {
            lap.close();
        }
    }

    /** Runs {@code body} as one lap of {@code phase}. */
    public void run(Phase phase, Runnable body) {
        run(phase.label(), body);
    }

    public void run(String phase, Runnable body) {
        Lap lap = start(phase);
        try {
            body.run();
        } finally {
            lap.close();
        }
    }

    /** Adds a duration measured elsewhere (e.g. reported by a server) as one lap. */
    public void add(String phase, long nanos) {
        checkName(phase);
        if (nanos < 0) {
            throw new IllegalArgumentException("phase '" + phase + "' given negative time " + nanos + " ns");
        }
        accumulate(phase, nanos);
    }

    public void add(Phase phase, long nanos) {
        add(phase.label(), nanos);
    }

    /** Accumulated nanoseconds of {@code phase}; 0 if never timed. */
    public synchronized long nanos(String phase) {
        long[] t = totals.get(phase);
        return t == null ? 0 : t[0];
    }

    public long nanos(Phase phase) {
        return nanos(phase.label());
    }

    /** Number of laps recorded for {@code phase}. */
    public synchronized long laps(String phase) {
        long[] t = totals.get(phase);
        return t == null ? 0 : t[1];
    }

    /** An immutable copy of everything recorded so far. */
    public synchronized PhaseTimes snapshot() {
        Map<String, Long> ns = new LinkedHashMap<>();
        Map<String, Long> laps = new LinkedHashMap<>();
        totals.forEach((k, v) -> {
            ns.put(k, v[0]);
            laps.put(k, v[1]);
        });
        return new PhaseTimes(ns, laps);
    }

    /** Forgets every phase. */
    public synchronized void reset() {
        totals.clear();
    }

    private synchronized void accumulate(String phase, long nanos) {
        long[] t = totals.computeIfAbsent(phase, k -> new long[2]);
        t[0] += nanos;
        t[1]++;
    }

    static String checkName(String phase) {
        if (phase == null || phase.isBlank()) {
            throw new IllegalArgumentException("phase name must be non-blank, got "
                    + (phase == null ? "null" : "'" + phase + "'"));
        }
        if (!phase.equals(phase.strip())) {
            throw new IllegalArgumentException("phase name '" + phase + "' has surrounding whitespace");
        }
        return phase;
    }

    /** One running measurement; close it (try-with-resources) to record it. Closing twice is harmless. */
    public final class Lap implements AutoCloseable {
        private final String phase;
        private final long startNanos;
        private boolean closed;

        private Lap(String phase, long startNanos) {
            this.phase = phase;
            this.startNanos = startNanos;
        }

        public String phase() {
            return phase;
        }

        /** Nanoseconds since the lap started. */
        public long elapsedNanos() {
            return clock.getAsLong() - startNanos;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            // nanoTime is monotonic; a custom clock that goes back must not subtract time.
            accumulate(phase, Math.max(0, elapsedNanos()));
        }
    }
}
