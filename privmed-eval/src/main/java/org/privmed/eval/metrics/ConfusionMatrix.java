package org.privmed.eval.metrics;

import java.util.Arrays;

/**
 * Counts of (true class, predicted class) pairs. Rows are true classes and columns predicted
 * classes, the scikit-learn {@code confusion_matrix} orientation. Immutable.
 */
public final class ConfusionMatrix {
    private final long[][] counts;
    private final long total;

    private ConfusionMatrix(long[][] counts) {
        this.counts = counts;
        long t = 0;
        for (long[] row : counts) {
            for (long v : row) {
                t += v;
            }
        }
        this.total = t;
    }

    /**
     * Tallies predictions against labels.
     *
     * @throws IllegalArgumentException on mismatched lengths, empty input, or a class outside
     *     {@code [0, numClasses)}
     */
    public static ConfusionMatrix of(int numClasses, int[] labels, int[] predicted) {
        Inputs.classCount(numClasses);
        if (labels == null || predicted == null) {
            throw new IllegalArgumentException("labels and predicted must not be null");
        }
        Inputs.sameLength(labels.length, predicted.length, "predicted");
        Inputs.nonEmpty(labels.length, "labels");
        Inputs.labelsInRange(labels, numClasses, "labels");
        Inputs.labelsInRange(predicted, numClasses, "predicted");
        long[][] c = new long[numClasses][numClasses];
        for (int i = 0; i < labels.length; i++) {
            c[labels[i]][predicted[i]]++;
        }
        return new ConfusionMatrix(c);
    }

    /** Rebuilds a matrix from counts (e.g. read back from a JSON report); the array is copied. */
    public static ConfusionMatrix fromCounts(long[][] counts) {
        if (counts == null) {
            throw new IllegalArgumentException("counts is null");
        }
        Inputs.classCount(counts.length);
        long[][] copy = new long[counts.length][];
        for (int r = 0; r < counts.length; r++) {
            if (counts[r] == null || counts[r].length != counts.length) {
                throw new IllegalArgumentException("counts must be square: row " + r + " has "
                        + (counts[r] == null ? "null" : counts[r].length + " columns")
                        + " but there are " + counts.length + " rows");
            }
            for (int c = 0; c < counts.length; c++) {
                if (counts[r][c] < 0) {
                    throw new IllegalArgumentException("counts[" + r + "][" + c + "] = " + counts[r][c]
                            + " is negative");
                }
            }
            copy[r] = counts[r].clone();
        }
        return new ConfusionMatrix(copy);
    }

    /** Element-wise sum, for pooling folds, batches or federated clients evaluated separately. */
    public ConfusionMatrix plus(ConfusionMatrix other) {
        if (other.numClasses() != numClasses()) {
            throw new IllegalArgumentException("cannot add a " + other.numClasses() + "-class matrix to a "
                    + numClasses() + "-class matrix");
        }
        long[][] sum = toArray();
        for (int r = 0; r < sum.length; r++) {
            for (int c = 0; c < sum.length; c++) {
                sum[r][c] += other.counts[r][c];
            }
        }
        return new ConfusionMatrix(sum);
    }

    public int numClasses() {
        return counts.length;
    }

    /** Number of samples of true class {@code actual} predicted as {@code predicted}. */
    public long count(int actual, int predicted) {
        return counts[checkClass(actual)][checkClass(predicted)];
    }

    public long total() {
        return total;
    }

    /** Correct predictions: the trace. */
    public long correct() {
        long t = 0;
        for (int c = 0; c < counts.length; c++) {
            t += counts[c][c];
        }
        return t;
    }

    /** Samples whose true class is {@code c} (the support, a row sum). */
    public long support(int c) {
        long s = 0;
        for (long v : counts[checkClass(c)]) {
            s += v;
        }
        return s;
    }

    /** Samples predicted as {@code c} (a column sum). */
    public long predictedCount(int c) {
        checkClass(c);
        long s = 0;
        for (long[] row : counts) {
            s += row[c];
        }
        return s;
    }

    public long truePositives(int c) {
        return counts[checkClass(c)][c];
    }

    public long falsePositives(int c) {
        return predictedCount(c) - truePositives(c);
    }

    public long falseNegatives(int c) {
        return support(c) - truePositives(c);
    }

    public long trueNegatives(int c) {
        return total - support(c) - falsePositives(c);
    }

    /** trace / total. */
    public double accuracy() {
        return (double) correct() / total;
    }

    /** A fresh copy of the counts, rows = true class. */
    public long[][] toArray() {
        long[][] copy = new long[counts.length][];
        for (int r = 0; r < counts.length; r++) {
            copy[r] = counts[r].clone();
        }
        return copy;
    }

    private int checkClass(int c) {
        if (c < 0 || c >= counts.length) {
            throw new IndexOutOfBoundsException("class " + c + " is outside [0, " + counts.length + ")");
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && Arrays.deepEquals(counts, m.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(counts);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ConfusionMatrix[rows=true, cols=predicted]\n");
        for (long[] row : counts) {
            sb.append(Arrays.toString(row)).append('\n');
        }
        return sb.toString();
    }
}
