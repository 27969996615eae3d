package org.privmed.eval.metrics;

import java.util.Arrays;

/**
 * The classification figures of one evaluation: accuracy, per-class precision / recall / F1 with
 * macro and weighted means, and AUROC, all derived from one {@link ConfusionMatrix} plus, when the
 * caller has them, per-class scores. Immutable.
 *
 * <p>Definitions (scikit-learn's {@code precision_recall_fscore_support} with
 * {@code zero_division=0}):
 * <ul>
 *   <li>precision<sub>c</sub> = TP / (TP + FP), and 0 when class c is never predicted;</li>
 *   <li>recall<sub>c</sub> = TP / (TP + FN), and 0 when class c never occurs in the labels;</li>
 *   <li>F1<sub>c</sub> = 2 TP / (2 TP + FP + FN), and 0 when that denominator is 0;</li>
 *   <li>macro = unweighted mean over the classes that occur in the labels or in the predictions
 *       (scikit-learn's default label set), so a class absent from both does not drag the mean
 *       to 0;</li>
 *   <li>weighted = mean weighted by support (true count), over all classes.</li>
 * </ul>
 * AUROC: with two classes it is the binary area of class 1 ranked by its score (scikit-learn's
 * binary convention, column 1); with more classes it is the one-vs-rest macro mean of
 * {@link Auroc}. It is NaN when no scores were given or when the labels hold a single class;
 * reports print NaN as "n/a".
 */
public final class ClassificationMetrics {
    private final ConfusionMatrix confusion;
    private final double[] precision;
    private final double[] recall;
    private final double[] f1;
    private final boolean[] inMacro;
    private final double auroc;
    private final double[] aurocPerClass;

    private ClassificationMetrics(ConfusionMatrix confusion, double auroc, double[] aurocPerClass) {
        this.confusion = confusion;
        int k = confusion.numClasses();
        this.precision = new double[k];
        this.recall = new double[k];
        this.f1 = new double[k];
        this.inMacro = new boolean[k];
        for (int c = 0; c < k; c++) {
            long tp = confusion.truePositives(c);
            long fp = confusion.falsePositives(c);
            long fn = confusion.falseNegatives(c);
            precision[c] = ratioOrZero(tp, tp + fp);
            recall[c] = ratioOrZero(tp, tp + fn);
            f1[c] = ratioOrZero(2 * tp, 2 * tp + fp + fn);
            inMacro[c] = tp + fp + fn > 0;
        }
        this.auroc = auroc;
        this.aurocPerClass = aurocPerClass;
    }

    private static double ratioOrZero(long num, long den) {
        return den == 0 ? 0.0 : (double) num / den;
    }

    /** Metrics from hard predictions only; AUROC is NaN. */
    public static ClassificationMetrics of(int numClasses, int[] labels, int[] predicted) {
        ConfusionMatrix cm = ConfusionMatrix.of(numClasses, labels, predicted);
        return new ClassificationMetrics(cm, Double.NaN, nanArray(numClasses));
    }

    /**
     * Metrics from predictions and an n x k score (probability) matrix; k is the number of classes.
     * The predictions are taken as given (they need not be the argmax, e.g. a tuned threshold).
     */
    public static ClassificationMetrics of(int[] labels, int[] predicted, double[][] scores) {
        if (labels == null || predicted == null) {
            throw new IllegalArgumentException("labels and predicted must not be null");
        }
        int k = Inputs.scoreMatrix(scores, labels.length);
        Inputs.classCount(k);
        ConfusionMatrix cm = ConfusionMatrix.of(k, labels, predicted);
        double[] perClass = Auroc.oneVsRest(labels, scores);
        return new ClassificationMetrics(cm, Auroc.fromOneVsRest(perClass), perClass);
    }

    /** Metrics where the prediction is the argmax of each score row (first index on ties). */
    public static ClassificationMetrics fromScores(int[] labels, double[][] scores) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        Inputs.scoreMatrix(scores, labels.length);
        return of(labels, argmax(scores), scores);
    }

    /**
     * Binary metrics from one positive-class score per sample (a sigmoid output or a logit):
     * predicted class is 1 when {@code score >= threshold}.
     *
     * @param labels 0 (negative) or 1 (positive)
     */
    public static ClassificationMetrics binary(int[] labels, double[] positiveScores, double threshold) {
        if (labels == null || positiveScores == null) {
            throw new IllegalArgumentException("labels and positiveScores must not be null");
        }
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold is NaN");
        }
        Inputs.sameLength(labels.length, positiveScores.length, "positiveScores");
        Inputs.nonEmpty(labels.length, "labels");
        Inputs.labelsInRange(labels, 2, "labels");
        Inputs.finiteOrInfinite(positiveScores, "positiveScores");
        int[] predicted = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            predicted[i] = positiveScores[i] >= threshold ? 1 : 0;
        }
        ConfusionMatrix cm = ConfusionMatrix.of(2, labels, predicted);
        double area = Auroc.rankArea(flags(labels, 1), positiveScores);
        double[] negated = new double[positiveScores.length];
        for (int i = 0; i < negated.length; i++) {
            negated[i] = -positiveScores[i];
        }
        // Class 0's one-vs-rest score is the reversed positive score, so its area mirrors class 1's.
        double[] perClass = {Auroc.rankArea(flags(labels, 0), negated), area};
        return new ClassificationMetrics(cm, area, perClass);
    }

    /**
     * Metrics from an existing confusion matrix, e.g. pooled over folds or clients, or read back
     * from a report. {@code aurocPerClass} may be null (all NaN).
     */
    public static ClassificationMetrics fromConfusion(ConfusionMatrix confusion, double auroc,
            double[] aurocPerClass) {
        if (confusion == null) {
            throw new IllegalArgumentException("confusion matrix is null");
        }
        if (confusion.total() == 0) {
            throw new IllegalArgumentException("confusion matrix is empty: metrics need at least one sample");
        }
        checkArea(auroc, "auroc");
        double[] perClass;
        if (aurocPerClass == null) {
            perClass = nanArray(confusion.numClasses());
        } else {
            if (aurocPerClass.length != confusion.numClasses()) {
                throw new IllegalArgumentException("aurocPerClass has " + aurocPerClass.length
                        + " entries but the matrix has " + confusion.numClasses() + " classes");
            }
            for (int c = 0; c < aurocPerClass.length; c++) {
                checkArea(aurocPerClass[c], "aurocPerClass[" + c + "]");
            }
            perClass = aurocPerClass.clone();
        }
        return new ClassificationMetrics(confusion, auroc, perClass);
    }

    private static void checkArea(double v, String what) {
        if (!Double.isNaN(v) && (v < 0 || v > 1)) {
            throw new IllegalArgumentException(what + " = " + v + " is outside [0, 1] (NaN means undefined)");
        }
    }

    /** Index of the largest entry of each row; the first such index on ties. */
    public static int[] argmax(double[][] scores) {
        if (scores == null) {
            throw new IllegalArgumentException("scores is null");
        }
        int[] out = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            double[] row = scores[i];
            if (row == null || row.length == 0) {
                throw new IllegalArgumentException("scores[" + i + "] is " + (row == null ? "null" : "empty"));
            }
            int best = 0;
            for (int c = 0; c < row.length; c++) {
                if (Double.isNaN(row[c])) {
                    throw new IllegalArgumentException("scores[" + i + "][" + c + "] is NaN");
                }
                if (row[c] > row[best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private static boolean[] flags(int[] labels, int positiveClass) {
        boolean[] f = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            f[i] = labels[i] == positiveClass;
        }
        return f;
    }

    private static double[] nanArray(int k) {
        double[] a = new double[Math.max(k, 0)];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    public ConfusionMatrix confusionMatrix() {
        return confusion;
    }

    public int numClasses() {
        return confusion.numClasses();
    }

    /** Number of evaluated samples. */
    public long total() {
        return confusion.total();
    }

    public double accuracy() {
        return confusion.accuracy();
    }

    public double precision(int c) {
        return precision[checkClass(c)];
    }

    public double recall(int c) {
        return recall[checkClass(c)];
    }

    public double f1(int c) {
        return f1[checkClass(c)];
    }

    /** True count of class c. */
    public long support(int c) {
        return confusion.support(checkClass(c));
    }

    public double[] precisions() {
        return precision.clone();
    }

    public double[] recalls() {
        return recall.clone();
    }

    public double[] f1s() {
        return f1.clone();
    }

    public long[] supports() {
        long[] s = new long[numClasses()];
        for (int c = 0; c < s.length; c++) {
            s[c] = confusion.support(c);
        }
        return s;
    }

    public double macroPrecision() {
        return macro(precision);
    }

    public double macroRecall() {
        return macro(recall);
    }

    public double macroF1() {
        return macro(f1);
    }

    public double weightedPrecision() {
        return weighted(precision);
    }

    public double weightedRecall() {
        return weighted(recall);
    }

    public double weightedF1() {
        return weighted(f1);
    }

    /** Binary (class 1) or one-vs-rest macro AUROC; NaN when undefined or no scores were given. */
    public double auroc() {
        return auroc;
    }

    /** One-vs-rest AUROC per class; NaN entries where undefined or without scores. */
    public double[] aurocPerClass() {
        return aurocPerClass.clone();
    }

    /** Whether scores were available and the AUROC is defined. */
    public boolean hasAuroc() {
        return !Double.isNaN(auroc);
    }

    private double macro(double[] perClass) {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < perClass.length; c++) {
            if (inMacro[c]) {
                sum += perClass[c];
                n++;
            }
        }
        return n == 0 ? 0.0 : sum / n;
    }

    private double weighted(double[] perClass) {
        double sum = 0;
        for (int c = 0; c < perClass.length; c++) {
            sum += perClass[c] * confusion.support(c);
        }
        return sum / confusion.total();
    }

    private int checkClass(int c) {
        if (c < 0 || c >= numClasses()) {
            throw new IndexOutOfBoundsException("class " + c + " is outside [0, " + numClasses() + ")");
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassificationMetrics m && confusion.equals(m.confusion)
                && Double.compare(auroc, m.auroc) == 0 && Arrays.equals(aurocPerClass, m.aurocPerClass);
    }

    @Override
    public int hashCode() {
        return 31 * confusion.hashCode() + Double.hashCode(auroc);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "ClassificationMetrics[n=%d, accuracy=%.4f, macroP=%.4f, macroR=%.4f, macroF1=%.4f, auroc=%s]",
                total(), accuracy(), macroPrecision(), macroRecall(), macroF1(),
                Double.isNaN(auroc) ? "n/a" : String.format(java.util.Locale.ROOT, "%.4f", auroc));
    }
}
