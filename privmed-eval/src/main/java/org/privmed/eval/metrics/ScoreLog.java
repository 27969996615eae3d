package org.privmed.eval.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects (label, score row) pairs as batches are evaluated, then yields the metrics and the ROC
 * curves of everything collected. Thread-safe, so parallel workers may add to one log; rows keep
 * the order in which they were added.
 */
public final class ScoreLog {
    private final int numClasses;
    private final List<Integer> labels = new ArrayList<>();
    private final List<double[]> scores = new ArrayList<>();

    /** A log for a k-class task; every score row must have k entries. */
    public ScoreLog(int numClasses) {
        Inputs.classCount(numClasses);
        this.numClasses = numClasses;
    }

    /** Adds one sample; the row is copied. */
    public void add(int label, double[] scoreRow) {
        if (scoreRow == null || scoreRow.length != numClasses) {
            throw new IllegalArgumentException("score row has " + (scoreRow == null ? "null" : scoreRow.length
                    + " entries") + " but this log is for " + numClasses + " classes");
        }
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException("label " + label + " is outside the class range [0, " + numClasses + ")");
        }
        for (int c = 0; c < scoreRow.length; c++) {
            if (Double.isNaN(scoreRow[c])) {
                throw new IllegalArgumentException("score[" + c + "] of the sample with label " + label + " is NaN");
            }
        }
        double[] copy = scoreRow.clone();
        synchronized (this) {
            labels.add(label);
            scores.add(copy);
        }
    }

    /** Adds a batch; checked whole before anything is added. */
    public void addAll(int[] batchLabels, double[][] batchScores) {
        if (batchLabels == null) {
            throw new IllegalArgumentException("batch labels are null");
        }
        int k = Inputs.scoreMatrix(batchScores, batchLabels.length);
        if (k != numClasses) {
            throw new IllegalArgumentException("batch scores have " + k + " columns but this log is for "
                    + numClasses + " classes");
        }
        Inputs.labelsInRange(batchLabels, numClasses, "batch labels");
        synchronized (this) {
            for (int i = 0; i < batchLabels.length; i++) {
                labels.add(batchLabels[i]);
                scores.add(batchScores[i].clone());
            }
        }
    }

    public synchronized int size() {
        return labels.size();
    }

    public int numClasses() {
        return numClasses;
    }

    public synchronized int[] labels() {
        int[] out = new int[labels.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels.get(i);
        }
        return out;
    }

    /** A copy of the collected n x k score matrix. */
    public synchronized double[][] scores() {
        double[][] out = new double[scores.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = scores.get(i).clone();
        }
        return out;
    }

    /** Metrics of everything collected, prediction = argmax. */
    public ClassificationMetrics metrics() {
        int[] y;
        double[][] s;
        synchronized (this) {
            y = labels();
            s = scores();
        }
        if (y.length == 0) {
            throw new IllegalStateException("the score log is empty: nothing was evaluated");
        }
        return ClassificationMetrics.fromScores(y, s);
    }
}
