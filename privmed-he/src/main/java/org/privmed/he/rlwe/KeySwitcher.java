package org.privmed.he.rlwe;

import org.privmed.he.ring.BasisExtender;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;

/**
 * Hybrid key switching (Han and Ki, "Better bootstrapping for approximate homomorphic encryption",
 * CT-RSA 2020, Sec. 3; as implemented by SEAL for dnum = L+1 and by Lattigo in general).
 *
 * <p>Given c over Q_l (NTT form) and a key from s' to s, it returns (u0, u1) over Q_l with
 * u0 + u1·s ≈ c·s'. Steps: (1) decompose c into its digits [c]_{Q_d} in coefficient form and ModUp
 * each to Q_l ∪ P with the fast basis extension; (2) inner products Σ_d ModUp(c_d)·(b_d, a_d) in NTT
 * form; (3) ModDown both sums back to Q_l, dividing the P factor of the key away (rounding).
 *
 * <p>Hoisting (Halevi and Shoup, "Faster homomorphic linear transformations in HElib", CRYPTO 2018,
 * Sec. 5; Bossuat, Mouchet, Troncoso-Pastoriza, Hubaux, EUROCRYPT 2021, Sec. 5): step (1) does not
 * depend on the key, and an automorphism X → X^g acts on NTT slots as a fixed permutation, so for
 * several rotations of one ciphertext {@link #decompose} runs once and {@link #switchDecomposed}
 * reads the decomposed digits through each rotation's permutation. σ_g commutes with the digit
 * decomposition up to multiples of the digit modulus, which the gadget annihilates, so this
 * computes the same rotation as rotating first, up to the key-switching noise.
 */
public final class KeySwitcher {
    private final RlweContext ctx;

    public KeySwitcher(RlweContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The ModUp-ed digits of one poly: per digit, NTT form over Q_l ∪ P. Extended limbs are only
     * reduced to [0, 4q) (lazy NTT output); the key products accept that range.
     */
    public static final class Decomposed {
        private final RnsPoly[] digits;
        private final int level;

        Decomposed(RnsPoly[] digits, int level) {
            this.digits = digits;
            this.level = level;
        }

        public int level() {
            return level;
        }
    }

    public Decomposed decompose(RnsPoly c) {
        if (!c.isNtt()) {
            throw new IllegalArgumentException("key switching expects an NTT-form poly");
        }
        int level = c.level();
        ctx.checkLevel(level);
        RnsBasis q = ctx.qAtLevel(level);
        RnsPoly coeff = c.copy();
        q.fromNtt(coeff);
        int digits = ctx.digitCount(level);
        int qpLimbs = level + 1 + ctx.p().size();
        RnsPoly[] out = new RnsPoly[digits];
        for (int d = 0; d < digits; d++) {
            int s = ctx.digitStart(d), e = ctx.digitEnd(d, level);
            BasisExtender ext = ctx.modUp(level, d);
            long[][] in = new long[e - s][];
            for (int i = s; i < e; i++) in[i - s] = coeff.limb(i);
            RnsPoly converted = new RnsPoly(ctx.ringDegree(), ext.to().size(), false);
            ext.convert(in, converted.limbs());
            // lazy transform: values in [0, 4q) are valid inputs of the Shoup products that follow
            RnsBasis to = ext.to();
            ctx.parallelism().forEach(to.size(), j -> to.ntt(j).forwardLazy(converted.limb(j)));
            converted.setNtt(true);
            long[][] limbs = new long[qpLimbs][];
            int k = 0;
            for (int i = 0; i <= level; i++) {
                // the digit's own residues are unchanged by ModUp: reuse the NTT-form input
                limbs[i] = (i >= s && i < e) ? c.limb(i) : converted.limb(k++);
            }
            for (int j = 0; j < ctx.p().size(); j++) limbs[level + 1 + j] = converted.limb(k++);
            out[d] = new RnsPoly(limbs, true);
        }
        return new Decomposed(out, level);
    }

    /** (u0, u1) over Q_l with u0 + u1·s ≈ c·s' for a key from s' to s. */
    public RnsPoly[] switchKey(RnsPoly c, SwitchingKey key) {
        return switchDecomposed(decompose(c), 1, key);
    }

    /**
     * Key switching of σ_g(c) from the decomposition of c: the digits are read through the Galois
     * permutation of g (g = 1: no permutation).
     */
    public RnsPoly[] switchDecomposed(Decomposed dec, int galoisElement, SwitchingKey key) {
        ctx.checkParams(key.paramsId(), "switching key");
        int level = dec.level;
        int digits = dec.digits.length;
        if (key.digits() < digits) {
            throw new IllegalArgumentException("switching key has " + key.digits() + " digits, level " + level
                    + " needs " + digits);
        }
        RnsBasis qpl = ctx.qpAtLevel(level);
        RnsBasis qpFull = ctx.qp();
        int n = ctx.ringDegree();
        int limbs = qpl.size();
        int shift = ctx.maxLevel() - level; // key limb of a P prime = QP_l limb + shift
        final int[] map = galoisElement == 1 ? null : ctx.galoisMap(galoisElement);
        RnsPoly acc0 = new RnsPoly(n, limbs, true);
        RnsPoly acc1 = new RnsPoly(n, limbs, true);
        // materialize the key's a parts and Shoup companions once (their lazy creation must not race)
        for (int d = 0; d < digits; d++) {
            key.a(d, qpFull);
            key.shoup(0, d, qpFull);
            key.shoup(1, d, qpFull);
        }
        ctx.parallelism().forEach(limbs, t -> {
            int kt = t <= level ? t : t + shift;
            long q = qpl.modulus(t).value();
            long twoQ = 2 * q;
            long[] z0 = acc0.limb(t), z1 = acc1.limb(t);
            for (int d = 0; d < digits; d++) {
                long[] x = dec.digits[d].limb(t);
                long[] kb = key.shoup(0, d, qpFull)[kt];
                long[] ka = key.shoup(1, d, qpFull)[kt];
                // Shoup products in [0, 2q); the sums are kept in [0, 2q) as well
                for (int j = 0; j < n; j++) {
                    long v = map == null ? x[j] : x[map[j]];
                    long p0 = v * kb[2 * j] - Math.multiplyHigh(v, kb[2 * j + 1]) * q;
                    long p1 = v * ka[2 * j] - Math.multiplyHigh(v, ka[2 * j + 1]) * q;
                    long s0 = z0[j] + p0;
                    long s1 = z1[j] + p1;
                    z0[j] = s0 - (twoQ & ((twoQ - 1 - s0) >> 63));
                    z1[j] = s1 - (twoQ & ((twoQ - 1 - s1) >> 63));
                }
            }
            for (int j = 0; j < n; j++) {
                long s0 = z0[j], s1 = z1[j];
                z0[j] = s0 - (q & ((q - 1 - s0) >> 63));
                z1[j] = s1 - (q & ((q - 1 - s1) >> 63));
            }
        });
        RnsPoly u0 = new RnsPoly(n, level + 1, true);
        RnsPoly u1 = new RnsPoly(n, level + 1, true);
        ctx.modDown(level).applyDestructive(acc0, u0);
        ctx.modDown(level).applyDestructive(acc1, u1);
        return new RnsPoly[] {u0, u1};
    }
}
