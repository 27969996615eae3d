package org.privmed.eval.metrics;

import java.util.List;

/**
 * Metrics of a k-fold cross-validation (or of repeated runs): the spread of each headline figure
 * over folds, and the pooled metrics.
 *
 * <p>Pooled metrics come from the sum of the fold confusion matrices, so pooled accuracy is the
 * sample-weighted mean of fold accuracies. Scores of different folds come from different models
 * and are not comparable, so the pooled AUROC is the mean of the defined fold AUROCs rather than
 * the area of pooled scores.
 */
public record FoldSummary(List<ClassificationMetrics> folds, ClassificationMetrics pooled, Spread accuracy,
        Spread macroPrecision, Spread macroRecall, Spread macroF1, Spread auroc) {

    public FoldSummary {
        folds = List.copyOf(folds);
    }

    /** Summarises per-fold metrics; all folds must have the same number of classes. */
    public static FoldSummary of(List<ClassificationMetrics> folds) {
        if (folds == null || folds.isEmpty()) {
            throw new IllegalArgumentException("a fold summary needs at least one fold");
        }
        int k = folds.size();
        double[] acc = new double[k];
        double[] p = new double[k];
        double[] r = new double[k];
        double[] f = new double[k];
        double[] a = new double[k];
        ConfusionMatrix sum = null;
        int classes = folds.get(0).numClasses();
        for (int i = 0; i < k; i++) {
            ClassificationMetrics m = folds.get(i);
            if (m == null) {
                throw new IllegalArgumentException("fold " + i + " is null");
            }
            if (m.numClasses() != classes) {
                throw new IllegalArgumentException("fold " + i + " has " + m.numClasses()
                        + " classes but fold 0 has " + classes);
            }
            acc[i] = m.accuracy();
            p[i] = m.macroPrecision();
            r[i] = m.macroRecall();
            f[i] = m.macroF1();
            a[i] = m.auroc();
            sum = sum == null ? m.confusionMatrix() : sum.plus(m.confusionMatrix());
        }
        Spread aurocSpread = Spread.of(a);
        double[] perClass = new double[classes];
        for (int c = 0; c < classes; c++) {
            double[] col = new double[k];
            for (int i = 0; i < k; i++) {
                col[i] = folds.get(i).aurocPerClass()[c];
            }
            perClass[c] = Spread.of(col).mean();
        }
        ClassificationMetrics pooled = ClassificationMetrics.fromConfusion(sum, aurocSpread.mean(), perClass);
        return new FoldSummary(folds, pooled, Spread.of(acc), Spread.of(p), Spread.of(r), Spread.of(f), aurocSpread);
    }
}
