package org.privmed.eval.metrics;

import java.util.Arrays;

/**
 * Area under the ROC curve.
 *
 * <p>Binary AUROC is the normalised Mann–Whitney U statistic: the probability that a random
 * positive scores above a random negative, ties counting one half (Hanley &amp; McNeil 1982,
 * "The meaning and use of the area under a receiver operating characteristic (ROC) curve",
 * Radiology 143: the equivalence of the ROC area and the Wilcoxon statistic). It is computed
 * from mid-ranks in O(n log n) and equals the trapezoidal area of the ROC curve drawn with one
 * point per distinct threshold (Fawcett 2006, "An introduction to ROC analysis", section 7
 * "Area under an ROC curve (AUC)", Algorithm 2), which is also what scikit-learn's
 * {@code roc_auc_score} returns.
 *
 * <p>Multiclass AUROC is one-vs-rest: class c's column of scores ranks "true class is c" against
 * all other samples; the macro value is the unweighted mean over classes (Fawcett 2006, section
 * 9.2 "Multi-class AUC", the Provost–Domingos scheme without prevalence weights), as scikit-learn's
 * {@code roc_auc_score(multi_class="ovr", average="macro")}. Scores are ranked as given; scikit-learn
 * expects probabilities, so pass softmax outputs (not logits) to reproduce its figures exactly.
 *
 * <p>Undefined cases: when there are no positives or no negatives the area is {@code NaN}.
 * scikit-learn raises an error when a class is missing from the labels; here that class's
 * one-vs-rest AUROC is NaN and the macro mean is taken over the classes where it is defined
 * (NaN if none is), so small folds still report a figure and the per-class values show the gap.
 */
public final class Auroc {
    private Auroc() {}

    /**
     * Binary AUROC of {@code scores} for the positive samples flagged in {@code positive}.
     *
     * @return the area in [0, 1], or NaN when all samples are positive or all negative
     * @throws IllegalArgumentException on mismatched lengths, empty input or a NaN score
     */
    public static double binary(boolean[] positive, double[] scores) {
        if (positive == null || scores == null) {
            throw new IllegalArgumentException("positive flags and scores must not be null");
        }
        Inputs.sameLength(positive.length, scores.length, "scores");
        Inputs.nonEmpty(positive.length, "labels");
        Inputs.finiteOrInfinite(scores, "scores");
        return rankArea(positive, scores);
    }

    /** Binary AUROC where class {@code positiveClass} is positive and every other label negative. */
    public static double binary(int[] labels, double[] scores, int positiveClass) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        boolean[] positive = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            positive[i] = labels[i] == positiveClass;
        }
        return binary(positive, scores);
    }

    /**
     * One-vs-rest AUROC per class: entry c ranks column c of {@code scores} for "label == c".
     *
     * @param scores n x k matrix; k is the number of classes and every label must lie in [0, k)
     */
    public static double[] oneVsRest(int[] labels, double[][] scores) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null");
        }
        int k = Inputs.scoreMatrix(scores, labels.length);
        Inputs.classCount(k);
        Inputs.labelsInRange(labels, k, "labels");
        double[] out = new double[k];
        boolean[] positive = new boolean[labels.length];
        double[] column = new double[labels.length];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < labels.length; i++) {
                positive[i] = labels[i] == c;
                column[i] = scores[i][c];
            }
            out[c] = rankArea(positive, column);
        }
        return out;
    }

    /** Macro mean of {@link #oneVsRest} over the classes where it is defined; NaN if none is. */
    public static double oneVsRestMacro(int[] labels, double[][] scores) {
        return macroOfDefined(oneVsRest(labels, scores));
    }

    /**
     * The one AUROC figure of an n x k score (probability) matrix: with two classes, class 1's
     * column ranking class 1 against class 0 (column 0 would read as an area below 0.5 on a set
     * whose minority class is 0, as BreastMNIST's); with more, {@link #oneVsRestMacro}. What
     * {@link ClassificationMetrics#auroc()} reports and what the trainers keep checkpoints by.
     */
    public static double ofScores(int[] labels, double[][] scores) {
        return fromOneVsRest(oneVsRest(labels, scores));
    }

    /** {@link #ofScores} from the one-vs-rest areas: class 1's for two classes, else their macro mean. */
    static double fromOneVsRest(double[] perClass) {
        return perClass.length == 2 ? perClass[1] : macroOfDefined(perClass);
    }

    static double macroOfDefined(double[] perClass) {
        double sum = 0;
        int defined = 0;
        for (double v : perClass) {
            if (!Double.isNaN(v)) {
                sum += v;
                defined++;
            }
        }
        return defined == 0 ? Double.NaN : sum / defined;
    }

    /** Mann–Whitney area from mid-ranks; inputs already validated. */
    static double rankArea(boolean[] positive, double[] scores) {
        int n = scores.length;
        long nPos = 0;
        for (boolean p : positive) {
            if (p) {
                nPos++;
            }
        }
        long nNeg = n - nPos;
        if (nPos == 0 || nNeg == 0) {
            return Double.NaN;
        }
        Integer[] order = sortedAscending(scores);
        // Sum of positive ranks, each tie group sharing its mid-rank so a tie counts one half.
        double positiveRankSum = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            long positivesInGroup = 0;
            while (j < n && scores[order[j]] == scores[order[i]]) {
                if (positive[order[j]]) {
                    positivesInGroup++;
                }
                j++;
            }
            double midRank = (i + 1 + j) / 2.0; // ranks i+1 .. j, one-based
            positiveRankSum += midRank * positivesInGroup;
            i = j;
        }
        double u = positiveRankSum - nPos * (nPos + 1) / 2.0;
        return u / ((double) nPos * (double) nNeg);
    }

    static Integer[] sortedAscending(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // -0.0 and 0.0 must tie: compare numerically, not with Double.compare's total order.
        Arrays.sort(order, (a, b) -> scores[a] < scores[b] ? -1 : scores[a] > scores[b] ? 1 : 0);
        return order;
    }
}
