package org.privmed.fl.dp.rdp;

/**
 * Rényi differential privacy of the Gaussian mechanism and of the Poisson-subsampled Gaussian
 * mechanism, per unit L2 sensitivity.
 *
 * <ul>
 *   <li>Plain Gaussian with noise multiplier σ: ε(α) = α / (2σ²) (Mironov 2017, "Rényi
 *       Differential Privacy", Proposition 7).</li>
 *   <li>Sampled Gaussian mechanism with sampling rate q (Mironov, Talwar, Zhang 2019, "Rényi
 *       Differential Privacy of the Sampled Gaussian Mechanism"): ε(α) = log(A_α)/(α−1).
 *       For integer α, A_α is the finite binomial sum of Sec. 3.3, eq. (4), computed exactly term
 *       by term in log space. For fractional α, A_α = A_{α,0} + A_{α,1} is the convergent
 *       two-sided series of Sec. 3.3 with the generalised binomial coefficients and the
 *       erfc factors around z₀ = σ² log(1/q − 1) + 1/2; terms are summed until the newest term on
 *       both sides is below e^{−30} — past z₀ the terms decay faster than geometrically, which is
 *       the paper's truncation argument.</li>
 *   <li>Composition over T identical steps multiplies ε(α) by T (Mironov 2017, Proposition 1).</li>
 * </ul>
 */
public final class SampledGaussianRdp {
    private static final double LOG_TAIL_CUTOFF = -30.0;
    private static final int MAX_SERIES_TERMS = 100_000;

    private SampledGaussianRdp() {}

    /**
     * RDP at order {@code order} of one step of the sampled Gaussian mechanism.
     *
     * @param sampleRate Poisson sampling probability q in [0, 1]
     * @param noiseMultiplier σ = noise standard deviation / L2 sensitivity, ≥ 0
     * @param order Rényi order α &gt; 1 (may be {@code +∞})
     */
    public static double rdp(double sampleRate, double noiseMultiplier, double order) {
        checkArguments(sampleRate, noiseMultiplier, order);
        if (sampleRate == 0) return 0.0;
        if (noiseMultiplier == 0 || Double.isInfinite(order)) return Double.POSITIVE_INFINITY;
        if (sampleRate == 1.0) return order / (2 * noiseMultiplier * noiseMultiplier);
        double logA = isInteger(order)
                ? logAIntegerOrder(sampleRate, noiseMultiplier, (long) order)
                : logAFractionalOrder(sampleRate, noiseMultiplier, order);
        return logA / (order - 1);
    }

    /** RDP over {@code steps} compositions of the same mechanism, one value per order. */
    public static double[] rdp(double sampleRate, double noiseMultiplier, long steps, double[] orders) {
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        if (orders == null || orders.length == 0) throw new IllegalArgumentException("orders must be non-empty");
        double[] out = new double[orders.length];
        for (int i = 0; i < orders.length; i++) {
            double perStep = rdp(sampleRate, noiseMultiplier, orders[i]);
            out[i] = steps == 0 ? 0.0 : perStep * steps;
        }
        return out;
    }

    /** Plain Gaussian mechanism (no subsampling): α/(2σ²). */
    public static double gaussianRdp(double noiseMultiplier, double order) {
        return rdp(1.0, noiseMultiplier, order);
    }

    private static void checkArguments(double q, double sigma, double order) {
        if (!(q >= 0 && q <= 1)) throw new IllegalArgumentException("sample rate must be in [0, 1], got " + q);
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("noise multiplier must be finite and >= 0, got " + sigma);
        }
        if (!(order > 1)) throw new IllegalArgumentException("RDP order must be > 1, got " + order);
    }

    private static boolean isInteger(double order) {
        return order == Math.rint(order) && order < 1e9;
    }

    /** log A_α = log Σ_{i=0}^{α} C(α,i) q^i (1−q)^{α−i} exp((i² − i)/(2σ²)), integer α. */
    static double logAIntegerOrder(double q, double sigma, long alpha) {
        double logQ = Math.log(q);
        double log1mQ = Math.log1p(-q);
        double twoSigmaSq = 2 * sigma * sigma;
        double logBinom = 0.0; // log C(alpha, 0)
        double logA = Double.NEGATIVE_INFINITY;
        for (long i = 0; i <= alpha; i++) {
            if (i > 0) logBinom += Math.log((double) (alpha - i + 1)) - Math.log((double) i);
            double term = logBinom + i * logQ + (alpha - i) * log1mQ + ((double) i * i - i) / twoSigmaSq;
            logA = LogSpace.add(logA, term);
        }
        return logA;
    }

    /** Sec. 3.3 two-sided series for fractional α. */
    static double logAFractionalOrder(double q, double sigma, double alpha) {
        double logA0 = Double.NEGATIVE_INFINITY;
        double logA1 = Double.NEGATIVE_INFINITY;
        double z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
        double logQ = Math.log(q);
        double log1mQ = Math.log1p(-q);
        double twoSigmaSq = 2 * sigma * sigma;
        double sqrt2Sigma = Math.sqrt(2) * sigma;
        double logHalf = Math.log(0.5);
        // Generalised binomial C(α, i) kept as (log|C|, sign) so it never overflows.
        double logAbsCoef = 0.0;
        int sign = 1;
        for (int i = 0; i < MAX_SERIES_TERMS; i++) {
            if (i > 0) {
                double factor = (alpha - (i - 1)) / i;
                if (factor < 0) sign = -sign;
                logAbsCoef += Math.log(Math.abs(factor));
            }
            double j = alpha - i;
            double logT0 = logAbsCoef + i * logQ + j * log1mQ;
            double logT1 = logAbsCoef + j * logQ + i * log1mQ;
            double logE0 = logHalf + LogSpace.logErfc((i - z0) / sqrt2Sigma);
            double logE1 = logHalf + LogSpace.logErfc((z0 - j) / sqrt2Sigma);
            double logS0 = logT0 + ((double) i * i - i) / twoSigmaSq + logE0;
            double logS1 = logT1 + (j * j - j) / twoSigmaSq + logE1;
            if (sign > 0) {
                logA0 = LogSpace.add(logA0, logS0);
                logA1 = LogSpace.add(logA1, logS1);
            } else {
                logA0 = LogSpace.subtract(logA0, logS0);
                logA1 = LogSpace.subtract(logA1, logS1);
            }
            if (Math.max(logS0, logS1) < LOG_TAIL_CUTOFF) {
                return LogSpace.add(logA0, logA1);
            }
        }
        throw new ArithmeticException("sampled-Gaussian RDP series did not converge for q=" + q
                + ", sigma=" + sigma + ", alpha=" + alpha + " within " + MAX_SERIES_TERMS + " terms");
    }

}
