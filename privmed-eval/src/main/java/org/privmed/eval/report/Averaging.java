package org.privmed.eval.report;

import org.privmed.eval.metrics.ClassificationMetrics;

/** Which precision / recall / F1 the common table shows (JSON always holds all of them). */
public enum Averaging {
    /** Unweighted mean over classes; the default, comparable across binary and multiclass sets. */
    MACRO("macro"),
    /** Mean weighted by class support. */
    WEIGHTED("weighted"),
    /** Class 1 only (e.g. pneumonia = sensitivity for recall); binary reports only. */
    POSITIVE_CLASS("class 1");

    private final String label;

    Averaging(String label) {
        this.label = label;
    }

    /** Short label shown in column headers, e.g. "macro". */
    public String label() {
        return label;
    }

    double precision(ClassificationMetrics m) {
        return switch (this) {
            case MACRO -> m.macroPrecision();
            case WEIGHTED -> m.weightedPrecision();
            case POSITIVE_CLASS -> m.precision(1);
        };
    }

    double recall(ClassificationMetrics m) {
        return switch (this) {
            case MACRO -> m.macroRecall();
            case WEIGHTED -> m.weightedRecall();
            case POSITIVE_CLASS -> m.recall(1);
        };
    }

    double f1(ClassificationMetrics m) {
        return switch (this) {
            case MACRO -> m.macroF1();
            case WEIGHTED -> m.weightedF1();
            case POSITIVE_CLASS -> m.f1(1);
        };
    }
}
