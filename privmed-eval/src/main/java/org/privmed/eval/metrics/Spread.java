package org.privmed.eval.metrics;

import java.util.Locale;

/**
 * Mean, sample standard deviation (n - 1 denominator), minimum and maximum of a figure measured
 * several times, e.g. accuracy over the folds of a cross-validation or over seeds.
 *
 * @param n number of defined (non-NaN) values summarised
 * @param mean arithmetic mean; NaN when n = 0
 * @param std sample standard deviation; 0 when n = 1, NaN when n = 0
 */
public record Spread(int n, double mean, double std, double min, double max) {

    /**
     * Summarises {@code values}, skipping NaN (an undefined AUROC in one fold) so that it neither
     * poisons the mean nor hides: {@link #n} says how many values were defined.
     *
     * @throws IllegalArgumentException for an infinite value
     */
    public static Spread of(double... values) {
        if (values == null) {
            throw new IllegalArgumentException("values must not be null");
        }
        int n = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (Double.isInfinite(v)) {
                throw new IllegalArgumentException("values[" + i + "] is infinite");
            }
            if (Double.isNaN(v)) {
                continue;
            }
            n++;
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (n == 0) {
            return new Spread(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = sum / n;
        double squares = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                squares += (v - mean) * (v - mean);
            }
        }
        double std = n == 1 ? 0.0 : Math.sqrt(squares / (n - 1));
        return new Spread(n, mean, std, min, max);
    }

    /** "0.8123 ± 0.0211 (n=5)", or "n/a" when nothing was defined. */
    @Override
    public String toString() {
        return n == 0 ? "n/a" : String.format(Locale.ROOT, "%.4f ± %.4f (n=%d)", mean, std, n);
    }
}
