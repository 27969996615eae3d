package org.privmed.he.bfv;

import org.privmed.he.sampling.Samplers;

/**
 * A static (data-independent) estimate of the noise of BFV ciphertexts, for planning a circuit's
 * depth before running it; {@link BfvDecryptor#invariantNoiseBudget} measures the real thing.
 *
 * <p>The model follows the average-case (central-limit) approach of Costache and Smart ("Which ring
 * based somewhat homomorphic encryption scheme is best?", CT-RSA 2016, Sec. 3) and of Iliashenko's
 * BFV analysis (PhD thesis, KU Leuven 2019, Ch. 3): the noise e in c0 + c1·s = round(Q·m/t) + e
 * (mod Q) is tracked by the variance of one coefficient, coefficients are treated as independent,
 * and a product of two polys of N coefficients with variances V1, V2 (one of them zero-mean) has
 * coefficient variance N·V1·V2. Per operation:
 * <ul>
 *   <li>fresh, public key: e = e0 + u·e_pk + e1·s with ternary u, s (variance 2/3) and Gaussian
 *       errors: σ²·(1 + 4N/3); symmetric: σ²;</li>
 *   <li>add: V1 + V2; plain add: V + 1/12 (the rounding of Q·m/t);</li>
 *   <li>multiplyPlain by a batched plaintext (coefficients uniform modulo t, centred): N·t²/12·(V + 1/12);</li>
 *   <li>multiply: t·(e1·k2 + e2·k1) + m1·e2 + m2·e1, where c0 + c1·s = Q·(m/t + k) over the integers
 *       gives Var(k) ≈ N/18 + 5/12 and m has coefficients in [0, t) (second moment t²/3):
 *       N·(V1 + V2)·(t²·(N/18 + 5/12) + t²/3);</li>
 *   <li>key switching (relinearize, rotations): + Σ_d N·q_d²/3·σ²/P² + (1 + 2N/3)/12, the digits
 *       times the key errors divided by P, plus the rounding of that division.</li>
 * </ul>
 * The budget of an estimate is log2(Q) - log2(t·z·√V) - 1 with z = √(2·ln N), the typical maximum
 * of N Gaussian coefficients in units of their deviation: the same quantity the decryptor measures.
 */
public final class BfvNoiseModel {
    /** The variance of one noise coefficient; obtain estimates from the model's methods. */
    public record Estimate(double variance) {
        public Estimate {
            if (!(variance >= 0) || Double.isInfinite(variance)) {
                throw new IllegalArgumentException("noise variance must be finite and non-negative, got " + variance);
            }
        }
    }

    private static final double ROUNDING = 1.0 / 12;

    private final double n;
    private final double t;
    private final double logQ;
    private final double keySwitchVariance;

    public BfvNoiseModel(BfvParameters params) {
        this.n = params.ringDegree();
        this.t = params.plainModulus();
        this.logQ = params.logQ();
        double sigma2 = Samplers.SIGMA * Samplers.SIGMA;
        double p2 = 1;
        for (long p : params.pPrimes()) p2 *= (double) p * p;
        long[] q = params.qPrimes();
        int digitSize = (q.length + params.dnum() - 1) / params.dnum();
        double ks = 0;
        for (int start = 0; start < q.length; start += digitSize) {
            double digit = 1;
            for (int i = start; i < Math.min(start + digitSize, q.length); i++) digit *= q[i];
            ks += n * digit * digit / 3 * sigma2 / p2;
        }
        this.keySwitchVariance = ks + (1 + 2 * n / 3) * ROUNDING;
    }

    public Estimate freshPublicKey() {
        double sigma2 = Samplers.SIGMA * Samplers.SIGMA;
        return new Estimate(sigma2 * (1 + 4 * n / 3) + ROUNDING);
    }

    public Estimate freshSymmetric() {
        return new Estimate(Samplers.SIGMA * Samplers.SIGMA + ROUNDING);
    }

    public Estimate add(Estimate a, Estimate b) {
        return new Estimate(a.variance() + b.variance());
    }

    public Estimate addPlain(Estimate a) {
        return new Estimate(a.variance() + ROUNDING);
    }

    public Estimate multiplyPlain(Estimate a) {
        return new Estimate(n * t * t / 12 * (a.variance() + ROUNDING));
    }

    public Estimate multiply(Estimate a, Estimate b) {
        double k = n / 18 + 5.0 / 12;
        return new Estimate(n * (a.variance() + b.variance()) * (t * t * k + t * t / 3) + n * ROUNDING);
    }

    /** Relinearization or a rotation: one key switching. */
    public Estimate keySwitch(Estimate a) {
        return new Estimate(a.variance() + keySwitchVariance);
    }

    /** Estimated invariant noise budget in bits (0 when decryption is expected to fail). */
    public double budgetBits(Estimate e) {
        double z = Math.sqrt(2 * Math.log(n));
        double norm = t * z * Math.sqrt(Math.max(e.variance(), ROUNDING));
        return Math.max(0, logQ - Math.log(norm) / Math.log(2) - 1);
    }
}
