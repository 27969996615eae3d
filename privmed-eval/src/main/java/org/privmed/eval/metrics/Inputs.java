package org.privmed.eval.metrics;

/** Argument checks shared by the metric factories; every message names the offending value. */
final class Inputs {
    private Inputs() {}

    static void nonEmpty(int n, String what) {
        if (n == 0) {
            throw new IllegalArgumentException(what + " is empty: metrics need at least one sample");
        }
    }

    static void sameLength(int expected, int actual, String what) {
        if (expected != actual) {
            throw new IllegalArgumentException("length mismatch: " + what + " has " + actual
                    + " entries but labels have " + expected);
        }
    }

    static void classCount(int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
        }
    }

    static void labelsInRange(int[] values, int numClasses, String what) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] >= numClasses) {
                throw new IllegalArgumentException(what + "[" + i + "] = " + values[i]
                        + " is outside the class range [0, " + numClasses + ")");
            }
        }
    }

    static void finiteOrInfinite(double[] scores, String what) {
        for (int i = 0; i < scores.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException(what + "[" + i + "] is NaN: scores must be numbers"
                        + " (a NaN usually means the model or the decryption diverged)");
            }
        }
    }

    /** Checks an n x k score matrix and returns k. */
    static int scoreMatrix(double[][] scores, int n) {
        if (scores == null) {
            throw new IllegalArgumentException("scores is null");
        }
        sameLength(n, scores.length, "scores");
        nonEmpty(n, "scores");
        int k = -1;
        for (int i = 0; i < scores.length; i++) {
            double[] row = scores[i];
            if (row == null) {
                throw new IllegalArgumentException("scores[" + i + "] is null");
            }
            if (k < 0) {
                k = row.length;
            } else if (row.length != k) {
                throw new IllegalArgumentException("ragged scores: scores[" + i + "] has " + row.length
                        + " columns but scores[0] has " + k);
            }
            for (int c = 0; c < row.length; c++) {
                if (Double.isNaN(row[c])) {
                    throw new IllegalArgumentException("scores[" + i + "][" + c + "] is NaN: scores must be"
                            + " numbers (a NaN usually means the model or the decryption diverged)");
                }
            }
        }
        return k;
    }
}
