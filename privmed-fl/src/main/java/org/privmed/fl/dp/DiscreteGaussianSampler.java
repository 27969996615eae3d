package org.privmed.fl.dp;

import org.privmed.fl.prg.AesCtrPrg;

/**
 * Samples the discrete Gaussian N_Z(0, σ²), P(x) ∝ exp(−x²/(2σ²)) on the integers, by rejection
 * from a discrete Laplace proposal — Canonne, Kamath, Steinke 2020, "The Discrete Gaussian for
 * Differential Privacy", Algorithm 1 (Bernoulli(e^{−γ})), Algorithm 2 (discrete Laplace) and
 * Algorithm 3 (discrete Gaussian). No transcendental function is evaluated on the output path:
 * only uniform integers and Bernoulli trials with rational-like probabilities, so the output is an
 * integer with no floating-point fingerprint. The Bernoulli trials compare a 53-bit uniform against
 * a double probability, so each is exact to about 2⁻⁵³ — orders of magnitude below any δ we use.
 */
final class DiscreteGaussianSampler {
    private final AesCtrPrg prg;

    DiscreteGaussianSampler(AesCtrPrg prg) {
        if (prg == null) throw new IllegalArgumentException("prg must be non-null");
        this.prg = prg;
    }

    /** One draw from N_Z(0, σ²), σ &gt; 0. */
    long sample(double sigma) {
        if (!(sigma > 0) || Double.isInfinite(sigma)) throw new IllegalArgumentException("sigma must be finite and > 0, got " + sigma);
        double sigma2 = sigma * sigma;
        long t = (long) Math.floor(sigma) + 1;
        while (true) {
            long y = discreteLaplace(t);
            double d = Math.abs(y) - sigma2 / t;
            if (bernoulliExpMinus(d * d / (2 * sigma2))) return y;
        }
    }

    /** P(x) ∝ exp(−|x|/t) on the integers (CKS Alg. 2). */
    long discreteLaplace(long t) {
        while (true) {
            long u = prg.nextLong(t);
            if (!bernoulliExpMinus((double) u / t)) continue;
            long v = 0;
            while (bernoulliExpMinus(1.0)) v++;
            long x = u + t * v;
            boolean negative = prg.nextBoolean();
            if (negative && x == 0) continue; // otherwise zero would be drawn twice as often
            return negative ? -x : x;
        }
    }

    /** Bernoulli(e^{−γ}) for γ ≥ 0: ⌊γ⌋ trials at e^{−1}, then one at the fractional part. */
    boolean bernoulliExpMinus(double gamma) {
        if (!(gamma >= 0)) throw new IllegalArgumentException("gamma must be >= 0, got " + gamma);
        while (gamma > 1) {
            if (!bernoulliExpMinusUnit(1.0)) return false;
            gamma -= 1;
        }
        return bernoulliExpMinusUnit(gamma);
    }

    /** CKS Alg. 1 for γ in [0, 1]: the index of the first failure of Bernoulli(γ/k) is odd w.p. e^{−γ}. */
    private boolean bernoulliExpMinusUnit(double gamma) {
        long k = 1;
        while (prg.nextDouble() < gamma / k) k++;
        return (k & 1) == 1;
    }
}
