package org.privmed.eval.metrics;

/**
 * How closely a candidate computation (encrypted inference, a quantized or encoded model) follows
 * a reference (the plaintext model) on the same samples: the fraction of samples whose predicted
 * class agrees, and, when scores are compared, the largest and mean absolute score difference.
 *
 * @param samples number of compared samples
 * @param agreeing samples whose predicted classes are equal
 * @param maxAbsDifference largest |reference - candidate| over all scores; NaN when only classes
 *     were compared
 * @param meanAbsDifference mean |reference - candidate| over all scores; NaN when only classes were
 *     compared
 */
public record Agreement(long samples, long agreeing, double maxAbsDifference, double meanAbsDifference) {
    public Agreement {
        if (samples <= 0 || agreeing < 0 || agreeing > samples) {
            throw new IllegalArgumentException("agreement needs 0 <= agreeing <= samples and samples > 0, got "
                    + agreeing + " of " + samples);
        }
    }

    /** Compares predicted classes only. */
    public static Agreement ofPredictions(int[] reference, int[] candidate) {
        if (reference == null || candidate == null) {
            throw new IllegalArgumentException("reference and candidate predictions must not be null");
        }
        if (reference.length != candidate.length) {
            throw new IllegalArgumentException("length mismatch: candidate has " + candidate.length
                    + " predictions but reference has " + reference.length);
        }
        Inputs.nonEmpty(reference.length, "reference predictions");
        long same = 0;
        for (int i = 0; i < reference.length; i++) {
            if (reference[i] == candidate[i]) {
                same++;
            }
        }
        return new Agreement(reference.length, same, Double.NaN, Double.NaN);
    }

    /** Compares the argmax classes and every score of two n x k score matrices. */
    public static Agreement ofScores(double[][] reference, double[][] candidate) {
        if (reference == null || candidate == null) {
            throw new IllegalArgumentException("reference and candidate scores must not be null");
        }
        if (reference.length != candidate.length) {
            throw new IllegalArgumentException("length mismatch: candidate has " + candidate.length
                    + " score rows but reference has " + reference.length);
        }
        int k = Inputs.scoreMatrix(reference, reference.length);
        int kc = Inputs.scoreMatrix(candidate, reference.length);
        if (k != kc) {
            throw new IllegalArgumentException("candidate scores have " + kc + " columns but reference has " + k);
        }
        int[] a = ClassificationMetrics.argmax(reference);
        int[] b = ClassificationMetrics.argmax(candidate);
        double max = 0;
        double sum = 0;
        for (int i = 0; i < reference.length; i++) {
            for (int c = 0; c < k; c++) {
                double d = Math.abs(reference[i][c] - candidate[i][c]);
                max = Math.max(max, d);
                sum += d;
            }
        }
        Agreement classes = ofPredictions(a, b);
        return new Agreement(classes.samples(), classes.agreeing(), max, sum / ((double) reference.length * k));
    }

    /** agreeing / samples. */
    public double fraction() {
        return (double) agreeing / samples;
    }

    public long disagreeing() {
        return samples - agreeing;
    }
}
