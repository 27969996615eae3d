package org.privmed.he.sampling;

/** Pearson's chi-square statistic and a rejection threshold with negligible false-failure rate. */
final class ChiSquare {

    /**
     * z-score of the one-sided normal tail used for every threshold: P(Z &gt; 6) ~ 1e-9, so a correct
     * sampler fails a given test for fewer than one seed in a billion.
     */
    static final double Z = 6.0;

    private ChiSquare() {
    }

    static double statistic(long[] observed, double[] expected) {
        double chi = 0;
        for (int i = 0; i < observed.length; i++) {
            double d = observed[i] - expected[i];
            chi += d * d / expected[i];
        }
        return chi;
    }

    /**
     * Upper quantile of chi-square with {@code df} degrees of freedom at the tail of {@link #Z}, by the
     * Wilson-Hilferty cube-root normal approximation (accurate to a few percent in this range, and
     * conservative enough at z = 6 that the false-failure rate stays below 1e-8).
     */
    static double threshold(int df) {
        double a = 2.0 / (9.0 * df);
        double c = 1 - a + Z * Math.sqrt(a);
        return df * c * c * c;
    }
}
