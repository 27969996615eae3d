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
 *       times the key errors divided by P, plus the rounding of that division (the full-level
 *       digits: an upper bound at lower levels);</li>
 *   <li>modulus switching from level l: V/q_l² + (1 + 2N/3)/12, the noise divided by q_l plus the
 *       rounding of c0 and c1·s.</li>
 * </ul>
 * The budget of an estimate at level l is log2(Q_l) - log2(t·z·√V) - 1 with z = √(2·ln N), the
 * typical maximum of N Gaussian coefficients in units of their deviation: the same quantity the
 * decryptor measures.
 */
public final class BfvNoiseModel {
    /** The variance of one noise coefficient at a level; obtain estimates from the model's methods. */
    public record Estimate(double variance, int level) {
        public Estimate {
            if (!(variance >= 0) || Double.isInfinite(variance)) {
                throw new IllegalArgumentException("noise variance must be finite and non-negative, got " + variance);
            }
            if (level < 0) {
                throw new IllegalArgumentException("level must be non-negative, got " + level);
            }
        }
    }

    private static final double ROUNDING = 1.0 / 12;

    private final double n;
    private final double t;
    private final long[] q;
    private final double keySwitchVariance;

    public BfvNoiseModel(BfvParameters params) {
        this.n = params.ringDegree();
        this.t = params.plainModulus();
        this.q = params.qPrimes();
        double sigma2 = Samplers.SIGMA * Samplers.SIGMA;
        double p2 = 1;
        for (long p : params.pPrimes()) p2 *= (double) p * p;
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
        return new Estimate(sigma2 * (1 + 4 * n / 3) + ROUNDING, q.length - 1);
    }

    public Estimate freshSymmetric() {
        return new Estimate(Samplers.SIGMA * Samplers.SIGMA + ROUNDING, q.length - 1);
    }

    private static int sameLevel(Estimate a, Estimate b) {
        if (a.level() != b.level()) {
            throw new IllegalArgumentException("estimates at levels " + a.level() + " and " + b.level());
        }
        return a.level();
    }

    public Estimate add(Estimate a, Estimate b) {
        return new Estimate(a.variance() + b.variance(), sameLevel(a, b));
    }

    public Estimate addPlain(Estimate a) {
        return new Estimate(a.variance() + ROUNDING, a.level());
    }

    public Estimate multiplyPlain(Estimate a) {
        return new Estimate(n * t * t / 12 * (a.variance() + ROUNDING), a.level());
    }

    public Estimate multiply(Estimate a, Estimate b) {
        double k = n / 18 + 5.0 / 12;
        return new Estimate(n * (a.variance() + b.variance()) * (t * t * k + t * t / 3) + n * ROUNDING, sameLevel(a, b));
    }

    /** Relinearization or a rotation: one key switching. */
    public Estimate keySwitch(Estimate a) {
        return new Estimate(a.variance() + keySwitchVariance, a.level());
    }

    /** Modulus switching to the next level down. */
    public Estimate modSwitch(Estimate a) {
        if (a.level() == 0) {
            throw new IllegalArgumentException("no prime left to switch away");
        }
        double ql = q[a.level()];
        return new Estimate(a.variance() / (ql * ql) + (1 + 2 * n / 3) * ROUNDING, a.level() - 1);
    }

    /** Estimated invariant noise budget in bits (0 when decryption is expected to fail). */
    public double budgetBits(Estimate e) {
        double logQ = 0;
        for (int i = 0; i <= e.level(); i++) logQ += Math.log(q[i]) / Math.log(2);
        double z = Math.sqrt(2 * Math.log(n));
        double norm = t * z * Math.sqrt(Math.max(e.variance(), ROUNDING));
        return Math.max(0, logQ - Math.log(norm) / Math.log(2) - 1);
    }
}
