package org.privmed.eval.metrics;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Points of a receiver operating characteristic curve, one per distinct score threshold, from
 * (0, 0) at threshold +infinity to (1, 1) at the lowest score (Fawcett 2006, "An introduction to
 * ROC analysis", section 5 "Efficient generation of ROC curves", Algorithm 1, emitting a point only
 * after a whole group of tied scores so ties become diagonal segments). Its trapezoidal area equals
 * {@link Auroc#binary(boolean[], double[])}. Immutable.
 */
public final class RocCurve {
    private final double[] fpr;
    private final double[] tpr;
    private final double[] thresholds;

    private RocCurve(double[] fpr, double[] tpr, double[] thresholds) {
        this.fpr = fpr;
        this.tpr = tpr;
        this.thresholds = thresholds;
    }

    /**
     * The curve of {@code scores} for the positives flagged in {@code positive}.
     *
     * @throws IllegalArgumentException on mismatched lengths, empty input, a NaN score, or when
     *     there are no positives or no negatives (one of the rates is then undefined)
     */
    public static RocCurve of(boolean[] positive, double[] scores) {
        if (positive == null || scores == null) {
            throw new IllegalArgumentException("positive flags and scores must not be null");
        }
        Inputs.sameLength(positive.length, scores.length, "scores");
        Inputs.nonEmpty(positive.length, "labels");
        Inputs.finiteOrInfinite(scores, "scores");
        long nPos = 0;
        for (boolean p : positive) {
            if (p) {
                nPos++;
            }
        }
        long nNeg = positive.length - nPos;
        if (nPos == 0 || nNeg == 0) {
            throw new IllegalArgumentException("ROC curve undefined: the labels have " + nPos
                    + " positives and " + nNeg + " negatives; both must be non-zero");
        }
        Integer[] order = Auroc.sortedAscending(scores);
        int n = scores.length;
        double[] f = new double[n + 1];
        double[] t = new double[n + 1];
        double[] th = new double[n + 1];
        th[0] = Double.POSITIVE_INFINITY;
        int points = 1;
        long tp = 0;
        long fp = 0;
        int j = n - 1;
        while (j >= 0) {
            double s = scores[order[j]];
            while (j >= 0 && scores[order[j]] == s) {
                if (positive[order[j]]) {
                    tp++;
                } else {
                    fp++;
                }
                j--;
            }
            f[points] = (double) fp / nNeg;
            t[points] = (double) tp / nPos;
            th[points] = s;
            points++;
        }
        return new RocCurve(Arrays.copyOf(f, points), Arrays.copyOf(t, points), Arrays.copyOf(th, points));
    }

    /** Curve for class {@code positiveClass} against every other label. */
    public static RocCurve of(int[] labels, double[] scores, int positiveClass) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        boolean[] positive = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            positive[i] = labels[i] == positiveClass;
        }
        return of(positive, scores);
    }

    /**
     * The curves worth drawing for an n x k score matrix: for k = 2 only class 1's curve (the
     * binary convention: column 1 is the positive score); for k &gt; 2 one one-vs-rest curve per
     * class. Classes whose curve is undefined (absent, or the only class present) are left out.
     *
     * @return class index to curve, in class order
     */
    public static Map<Integer, RocCurve> forScores(int[] labels, double[][] scores) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        int k = Inputs.scoreMatrix(scores, labels.length);
        Inputs.classCount(k);
        Inputs.labelsInRange(labels, k, "labels");
        Map<Integer, RocCurve> out = new LinkedHashMap<>();
        for (int c = (k == 2 ? 1 : 0); c < k; c++) {
            boolean[] positive = new boolean[labels.length];
            double[] column = new double[labels.length];
            long nPos = 0;
            for (int i = 0; i < labels.length; i++) {
                positive[i] = labels[i] == c;
                column[i] = scores[i][c];
                if (positive[i]) {
                    nPos++;
                }
            }
            if (nPos > 0 && nPos < labels.length) {
                out.put(c, of(positive, column));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Rebuilds a curve from stored points (e.g. a JSON report); arrays are copied and checked. */
    public static RocCurve fromPoints(double[] fpr, double[] tpr, double[] thresholds) {
        if (fpr == null || tpr == null || thresholds == null) {
            throw new IllegalArgumentException("fpr, tpr and thresholds must not be null");
        }
        if (fpr.length != tpr.length || fpr.length != thresholds.length || fpr.length < 2) {
            throw new IllegalArgumentException("a ROC curve needs equally long fpr/tpr/thresholds with at"
                    + " least 2 points, got " + fpr.length + "/" + tpr.length + "/" + thresholds.length);
        }
        for (int i = 0; i < fpr.length; i++) {
            if (!(fpr[i] >= 0 && fpr[i] <= 1 && tpr[i] >= 0 && tpr[i] <= 1)) {
                throw new IllegalArgumentException("ROC point " + i + " = (" + fpr[i] + ", " + tpr[i]
                        + ") lies outside the unit square");
            }
            if (i > 0 && (fpr[i] < fpr[i - 1] || tpr[i] < tpr[i - 1])) {
                throw new IllegalArgumentException("ROC point " + i + " = (" + fpr[i] + ", " + tpr[i]
                        + ") goes back from the previous point; rates must be non-decreasing");
            }
        }
        return new RocCurve(fpr.clone(), tpr.clone(), thresholds.clone());
    }

    public int size() {
        return fpr.length;
    }

    /** False-positive rates, non-decreasing, from 0 to 1. */
    public double[] falsePositiveRates() {
        return fpr.clone();
    }

    /** True-positive rates, non-decreasing, from 0 to 1. */
    public double[] truePositiveRates() {
        return tpr.clone();
    }

    /** Point i is reached by predicting positive when score &ge; thresholds[i]; thresholds[0] = +inf. */
    public double[] thresholds() {
        return thresholds.clone();
    }

    /** Trapezoidal area under the points. */
    public double area() {
        double a = 0;
        for (int i = 1; i < fpr.length; i++) {
            a += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        }
        return a;
    }

    /**
     * At most {@code maxPoints} points for drawing, always keeping the first and last. Large test
     * sets give thousands of points, more than a chart or a JSON file needs; the area of the
     * thinned curve may differ slightly from {@link #area()}.
     */
    public RocCurve thinned(int maxPoints) {
        if (maxPoints < 2) {
            throw new IllegalArgumentException("maxPoints must be at least 2, got " + maxPoints);
        }
        if (fpr.length <= maxPoints) {
            return this;
        }
        double[] f = new double[maxPoints];
        double[] t = new double[maxPoints];
        double[] th = new double[maxPoints];
        for (int i = 0; i < maxPoints; i++) {
            int src = (int) Math.round((double) i * (fpr.length - 1) / (maxPoints - 1));
            f[i] = fpr[src];
            t[i] = tpr[src];
            th[i] = thresholds[src];
        }
        return new RocCurve(f, t, th);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RocCurve r && Arrays.equals(fpr, r.fpr) && Arrays.equals(tpr, r.tpr)
                && Arrays.equals(thresholds, r.thresholds);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(fpr) + Arrays.hashCode(tpr)) + Arrays.hashCode(thresholds);
    }

    @Override
    public String toString() {
        return "RocCurve[" + fpr.length + " points, area=" + area() + "]";
    }
}
