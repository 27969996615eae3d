package org.privmed.eval.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.privmed.eval.metrics.Agreement;
import org.privmed.eval.metrics.ClassificationMetrics;
import org.privmed.eval.metrics.FoldSummary;
import org.privmed.eval.metrics.RocCurve;
import org.privmed.eval.metrics.ScoreLog;
import org.privmed.eval.timing.ByteCounts;
import org.privmed.eval.timing.PhaseTimes;

/**
 * One line of the common table: a technique or setting ("plaintext", "encrypted, latency packing",
 * "DP + SecAgg+, 10 clients") with what was measured for it.
 *
 * @param label unique within its report
 * @param metrics classification figures, or null for a cost-only row
 * @param times accumulated phase times ({@link PhaseTimes#EMPTY} when none)
 * @param bytes bytes up and down, or null when not measured (shown as "—", not 0)
 * @param extras further figures in insertion order (ε, δ, clients, agreement, …); values are
 *     String, Boolean or Number, stored as Long (integral types) or Double (all other numbers)
 * @param rocCurves ROC curves by class index (one, for class 1, in a binary task; one per class
 *     one-vs-rest otherwise), empty when no scores were kept
 */
public record ReportRow(String label, ClassificationMetrics metrics, PhaseTimes times, ByteCounts bytes,
        Map<String, Object> extras, Map<Integer, RocCurve> rocCurves) {

    public ReportRow {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("row label must be non-blank, got "
                    + (label == null ? "null" : "'" + label + "'"));
        }
        times = times == null ? PhaseTimes.EMPTY : times;
        Map<String, Object> canonical = new LinkedHashMap<>();
        if (extras != null) {
            for (Map.Entry<String, Object> e : extras.entrySet()) {
                checkExtra(label, e.getKey(), e.getValue());
                canonical.put(e.getKey(), canonical(e.getValue()));
            }
        }
        extras = Collections.unmodifiableMap(canonical);
        rocCurves = rocCurves == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(rocCurves));
        if (metrics != null) {
            for (Integer c : rocCurves.keySet()) {
                if (c == null || c < 0 || c >= metrics.numClasses()) {
                    throw new IllegalArgumentException("row '" + label + "': ROC curve for class " + c
                            + " but the metrics have " + metrics.numClasses() + " classes");
                }
            }
        }
    }

    /**
     * Integral numbers become Long and the others Double, so a row read back from JSON equals the
     * row that was written.
     */
    private static Object canonical(Object v) {
        if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        return v;
    }

    private static void checkExtra(String label, String key, Object value) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("row '" + label + "': extra key must be non-blank");
        }
        if (!(value instanceof String || value instanceof Boolean || value instanceof Number)) {
            throw new IllegalArgumentException("row '" + label + "': extra '" + key + "' has value " + value
                    + (value == null ? "" : " of type " + value.getClass().getName())
                    + "; only String, Boolean and Number are written");
        }
    }

    public Optional<ClassificationMetrics> metricsIfAny() {
        return Optional.ofNullable(metrics);
    }

    public static Builder builder(String label) {
        return new Builder(label);
    }

    /** Assembles a row; every setter is optional. */
    public static final class Builder {
        private final String label;
        private ClassificationMetrics metrics;
        private PhaseTimes times = PhaseTimes.EMPTY;
        private ByteCounts bytes;
        private final Map<String, Object> extras = new LinkedHashMap<>();
        private final Map<Integer, RocCurve> rocCurves = new TreeMap<>();

        private Builder(String label) {
            this.label = label;
        }

        public Builder metrics(ClassificationMetrics m) {
            this.metrics = m;
            return this;
        }

        public Builder times(PhaseTimes t) {
            this.times = t;
            return this;
        }

        public Builder bytes(ByteCounts b) {
            this.bytes = b;
            return this;
        }

        /** Adds an extra figure (String, Boolean or Number); a repeated key replaces the earlier value. */
        public Builder extra(String key, Object value) {
            extras.put(key, value);
            return this;
        }

        public Builder rocCurve(int classIndex, RocCurve curve) {
            rocCurves.put(classIndex, curve);
            return this;
        }

        /**
         * Computes metrics (prediction = argmax) and keeps the ROC curves of an n x k score matrix:
         * the usual call after evaluating a model.
         */
        public Builder scores(int[] labels, double[][] scores) {
            this.metrics = ClassificationMetrics.fromScores(labels, scores);
            rocCurves.clear();
            rocCurves.putAll(RocCurve.forScores(labels, scores));
            return this;
        }

        /** {@link #scores(int[], double[][])} of everything a {@link ScoreLog} collected. */
        public Builder scores(ScoreLog log) {
            return scores(log.labels(), log.scores());
        }

        /**
         * A cross-validated row: the table shows the pooled metrics (see {@link FoldSummary}), and
         * extras "folds", "accuracy sd", "macro F1 sd" and "AUROC sd" give the spread over folds.
         */
        public Builder folds(FoldSummary summary) {
            this.metrics = summary.pooled();
            extras.put("folds", (long) summary.folds().size());
            extras.put("accuracy sd", summary.accuracy().std());
            extras.put("macro F1 sd", summary.macroF1().std());
            extras.put("AUROC sd", summary.auroc().std());
            return this;
        }

        /**
         * Records how closely this row follows a reference row: extras "agreement" (fraction of
         * equal predicted classes) and, when scores were compared, "max |Δscore|".
         */
        public Builder agreement(Agreement a) {
            extras.put("agreement", a.fraction());
            if (!Double.isNaN(a.maxAbsDifference())) {
                extras.put("max |Δscore|", a.maxAbsDifference());
            }
            return this;
        }

        public ReportRow build() {
            return new ReportRow(label, metrics, times, bytes, extras, rocCurves);
        }
    }
}
