package org.privmed.he.rlwe;

import org.privmed.he.math.Modulus;
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
 *
 * <p>Lazy ModDown (the "double hoisting" of Bossuat, Mouchet, Troncoso-Pastoriza and Hubaux,
 * EUROCRYPT 2021, Sec. 4.2): when the rotations are only needed in a weighted sum Σ_i w_i·σ_i(c),
 * as in the baby steps of a linear transform, {@link #switchDecomposedDot} multiplies each
 * rotation's key products by its weight while they are still over Q_l ∪ P and divides P away once
 * for the whole sum. The weights must then be known over Q_l ∪ P too ({@link #weights}); since
 * ModDown is a rounded division by P, the result differs from the sum of individually switched
 * rotations only by the rounding, which is now added once instead of once per rotation (times
 * its weight).
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
        int level = checkInput(c);
        RnsPoly coeff = toCoefficients(c);
        int digits = ctx.digitCount(level);
        RnsPoly[] out = new RnsPoly[digits];
        for (int d = 0; d < digits; d++) {
            out[d] = new RnsPoly(modUpDigit(c, coeff, level, d, null), true);
        }
        return new Decomposed(out, level);
    }

    private int checkInput(RnsPoly c) {
        if (!c.isNtt()) {
            throw new IllegalArgumentException("key switching expects an NTT-form poly");
        }
        int level = c.level();
        ctx.checkLevel(level);
        return level;
    }

    private RnsPoly toCoefficients(RnsPoly c) {
        RnsPoly coeff = c.copy();
        ctx.qAtLevel(c.level()).fromNtt(coeff);
        return coeff;
    }

    /**
     * ModUp of digit d: its limbs of Q_l ∪ P in NTT form (extended limbs lazily reduced). The digit's
     * own limbs are the NTT-form input itself (ModUp leaves those residues unchanged). {@code scratch}
     * (may be null) is reused for the extended limbs when it has the right shape.
     */
    private long[][] modUpDigit(RnsPoly c, RnsPoly coeff, int level, int d, long[][] scratch) {
        int s = ctx.digitStart(d), e = ctx.digitEnd(d, level);
        BasisExtender ext = ctx.modUp(level, d);
        RnsBasis to = ext.to();
        long[][] in = new long[e - s][];
        for (int i = s; i < e; i++) in[i - s] = coeff.limb(i);
        long[][] converted = scratch != null && scratch.length == to.size() ? scratch : new long[to.size()][ctx.ringDegree()];
        ext.convert(in, converted);
        // lazy transform: values in [0, 4q) are valid inputs of the Shoup products that follow
        ctx.parallelism().forEach(to.size(), j -> to.ntt(j).forwardLazy(converted[j]));
        long[][] limbs = new long[level + 1 + ctx.p().size()][];
        int k = 0;
        for (int i = 0; i <= level; i++) limbs[i] = (i >= s && i < e) ? c.limb(i) : converted[k++];
        for (int j = 0; j < ctx.p().size(); j++) limbs[level + 1 + j] = converted[k++];
        return limbs;
    }

    /**
     * (u0, u1) over Q_l with u0 + u1·s ≈ c·s' for a key from s' to s. Digits are extended and
     * multiplied one at a time through one scratch buffer, which keeps the working set small; the
     * sums are accumulated in the same order as {@link #switchDecomposed}, so both give identical bits.
     */
    public RnsPoly[] switchKey(RnsPoly c, SwitchingKey key) {
        return switchKey(c, toCoefficients(checkedNtt(c)), key);
    }

    private RnsPoly checkedNtt(RnsPoly c) {
        checkInput(c);
        return c;
    }

    /**
     * {@link #switchKey(RnsPoly, SwitchingKey)} for a caller that already holds c in coefficient form
     * too ({@code coeff}, the inverse NTT of {@code c}, residues reduced): its inverse transforms are
     * skipped. Used by the BFV squaring, whose scaling produces c2 in coefficient form first.
     */
    public RnsPoly[] switchKey(RnsPoly c, RnsPoly coeff, SwitchingKey key) {
        int level = checkInput(c);
        if (coeff.isNtt() || coeff.level() != level) {
            throw new IllegalArgumentException("the coefficient form must be a coefficient-form poly at level " + level);
        }
        int digits = checkKey(key, level);
        RnsPoly[] acc = newAccumulators(level);
        long[][] scratch = null;
        for (int d = 0; d < digits; d++) {
            long[][] limbs = modUpDigit(c, coeff, level, d, scratch);
            scratch = extendedPart(limbs, level, d);
            accumulate(limbs, d, key, null, acc, level);
        }
        return finish(acc, level);
    }

    /** The extended (scratch) limbs of a ModUp result, in the order modUpDigit filled them. */
    private long[][] extendedPart(long[][] limbs, int level, int d) {
        int s = ctx.digitStart(d), e = ctx.digitEnd(d, level);
        long[][] out = new long[limbs.length - (e - s)][];
        int k = 0;
        for (int i = 0; i < limbs.length; i++) if (i < s || i >= e || i > level) out[k++] = limbs[i];
        return out;
    }

    /**
     * Key switching of σ_g(c) from the decomposition of c: the digits are read through the Galois
     * permutation of g (g = 1: no permutation).
     */
    public RnsPoly[] switchDecomposed(Decomposed dec, int galoisElement, SwitchingKey key) {
        int level = dec.level;
        int digits = checkKey(key, level);
        final int[] map = galoisElement == 1 ? null : ctx.galoisMap(galoisElement);
        RnsPoly[] acc = newAccumulators(level);
        for (int d = 0; d < digits; d++) accumulate(dec.digits[d].limbs(), d, key, map, acc, level);
        return finish(acc, level);
    }

    private int checkKey(SwitchingKey key, int level) {
        ctx.checkParams(key.paramsId(), "switching key");
        int digits = ctx.digitCount(level);
        if (key.digits() < digits) {
            throw new IllegalArgumentException("switching key has " + key.digits() + " digits, level " + level
                    + " needs " + digits);
        }
        RnsBasis qpFull = ctx.qp();
        // materialize the key's a parts and Shoup forms once (their lazy creation must not race)
        for (int d = 0; d < digits; d++) {
            key.a(d, qpFull);
            key.shoup(0, d, qpFull);
            key.shoup(1, d, qpFull);
        }
        return digits;
    }

    private RnsPoly[] newAccumulators(int level) {
        int limbs = ctx.qpAtLevel(level).size();
        return new RnsPoly[] {new RnsPoly(ctx.ringDegree(), limbs, true), new RnsPoly(ctx.ringDegree(), limbs, true)};
    }

    /** acc += digit·(b_d, a_d), limb by limb; the sums stay in [0, 2q). */
    private void accumulate(long[][] digit, int d, SwitchingKey key, int[] map, RnsPoly[] acc, int level) {
        RnsBasis qpl = ctx.qpAtLevel(level);
        RnsBasis qpFull = ctx.qp();
        int n = ctx.ringDegree();
        int shift = ctx.maxLevel() - level; // key limb of a P prime = QP_l limb + shift
        ctx.parallelism().forEach(qpl.size(), t -> {
            int kt = t <= level ? t : t + shift;
            long q = qpl.modulus(t).value();
            long twoQ = 2 * q;
            long[] z0 = acc[0].limb(t), z1 = acc[1].limb(t);
            long[] x = digit[t];
            long[] kb = key.shoup(0, d, qpFull)[kt];
            long[] ka = key.shoup(1, d, qpFull)[kt];
            if (map == null) {
                for (int j = 0; j < n; j++) {
                    long v = x[j];
                    long p0 = v * kb[2 * j] - Math.multiplyHigh(v, kb[2 * j + 1]) * q;
                    long p1 = v * ka[2 * j] - Math.multiplyHigh(v, ka[2 * j + 1]) * q;
                    long s0 = z0[j] + p0;
                    long s1 = z1[j] + p1;
                    z0[j] = s0 - (twoQ & ((twoQ - 1 - s0) >> 63));
                    z1[j] = s1 - (twoQ & ((twoQ - 1 - s1) >> 63));
                }
            } else {
                for (int j = 0; j < n; j++) {
                    long v = x[map[j]];
                    long p0 = v * kb[2 * j] - Math.multiplyHigh(v, kb[2 * j + 1]) * q;
                    long p1 = v * ka[2 * j] - Math.multiplyHigh(v, ka[2 * j + 1]) * q;
                    long s0 = z0[j] + p0;
                    long s1 = z1[j] + p1;
                    z0[j] = s0 - (twoQ & ((twoQ - 1 - s0) >> 63));
                    z1[j] = s1 - (twoQ & ((twoQ - 1 - s1) >> 63));
                }
            }
        });
    }

    /**
     * A small-coefficient NTT poly over Q_l lifted to Q_l ∪ P (its centred representative modulo
     * q_0, checked against every other limb), with Shoup companions for the lazy products.
     */
    public static final class Weights {
        private final long[][] limbs;
        private final long[][] shoup;
        private final int level;

        Weights(long[][] limbs, long[][] shoup, int level) {
            this.limbs = limbs;
            this.shoup = shoup;
            this.level = level;
        }

        public int level() {
            return level;
        }
    }

    /**
     * Lifts an NTT-form poly over Q_l whose coefficients lie in (−q_0/2, q_0/2) — an encoded
     * plaintext — to Q_l ∪ P.
     *
     * @throws IllegalArgumentException if the limbs are not one such small poly
     */
    public Weights weights(RnsPoly w) {
        int level = checkInput(w);
        int n = ctx.ringDegree();
        RnsBasis q = ctx.qAtLevel(level);
        RnsPoly coeff = toCoefficients(w);
        long q0 = q.modulus(0).value();
        long[] centred = new long[n];
        long[] c0 = coeff.limb(0);
        for (int j = 0; j < n; j++) centred[j] = c0[j] > q0 / 2 ? c0[j] - q0 : c0[j];
        for (int i = 1; i <= level; i++) {
            long[] ci = coeff.limb(i);
            for (int j = 0; j < n; j++) {
                if (q.modulus(i).reduceSigned(centred[j]) != ci[j]) {
                    throw new IllegalArgumentException("weights: coefficient " + j + " is not below q_0/2 in "
                            + "magnitude (limbs 0 and " + i + " disagree), so it has no small lift to P");
                }
            }
        }
        RnsBasis p = ctx.p();
        RnsBasis qpl = ctx.qpAtLevel(level);
        long[][] limbs = new long[level + 1 + p.size()][];
        for (int i = 0; i <= level; i++) limbs[i] = w.limb(i).clone();
        for (int k = 0; k < p.size(); k++) {
            long[] v = new long[n];
            for (int j = 0; j < n; j++) v[j] = p.modulus(k).reduceSigned(centred[j]);
            p.ntt(k).forward(v);
            limbs[level + 1 + k] = v;
        }
        long[][] shoup = new long[limbs.length][n];
        for (int t = 0; t < limbs.length; t++) {
            for (int j = 0; j < n; j++) shoup[t][j] = qpl.modulus(t).shoup(limbs[t][j]);
        }
        return new Weights(limbs, shoup, level);
    }

    /**
     * (u0, u1) over Q_l with u0 + u1·s ≈ Σ_i w_i·σ_{g_i}(c)·s'_i, key i switching from s'_i = σ_{g_i}(s)
     * to s: the key products of every rotation are weighted and summed over Q_l ∪ P and ModDown
     * runs once. The caller adds Σ_i w_i·σ_{g_i}(c_0) over Q_l for a ciphertext's first poly.
     */
    public RnsPoly[] switchDecomposedDot(Decomposed dec, int[] galoisElements, SwitchingKey[] keys, Weights[] w) {
        int level = dec.level;
        if (galoisElements.length != keys.length || keys.length != w.length || keys.length == 0) {
            throw new IllegalArgumentException("switchDecomposedDot: " + galoisElements.length + " elements, "
                    + keys.length + " keys and " + w.length + " weights");
        }
        RnsBasis qpl = ctx.qpAtLevel(level);
        int n = ctx.ringDegree();
        RnsPoly[] sum = newAccumulators(level);
        RnsPoly[] one = newAccumulators(level);
        for (int i = 0; i < keys.length; i++) {
            if (w[i].level != level) {
                throw new IllegalArgumentException("weights " + i + " are at level " + w[i].level + ", the "
                        + "decomposition at " + level);
            }
            int digits = checkKey(keys[i], level);
            int[] map = galoisElements[i] == 1 ? null : ctx.galoisMap(galoisElements[i]);
            for (RnsPoly a : one) {
                for (long[] limb : a.limbs()) java.util.Arrays.fill(limb, 0);
            }
            for (int d = 0; d < digits; d++) accumulate(dec.digits[d].limbs(), d, keys[i], map, one, level);
            long[][] wl = w[i].limbs, ws = w[i].shoup;
            ctx.parallelism().forEach(qpl.size(), t -> {
                long q = qpl.modulus(t).value();
                long twoQ = 2 * q;
                long[] wv = wl[t], wsv = ws[t];
                for (int k = 0; k < 2; k++) {
                    long[] x = one[k].limb(t), z = sum[k].limb(t);
                    for (int j = 0; j < n; j++) {
                        // x in [0, 2q): the lazy Shoup product accepts it and returns [0, 2q)
                        long s = z[j] + Modulus.mulShoupLazy(x[j], wv[j], wsv[j], q);
                        z[j] = s - (twoQ & ((twoQ - 1 - s) >> 63));
                    }
                }
            });
        }
        return finish(sum, level);
    }

    /** Divides P away; the sums may stay in [0, 2q), which ModDown accepts (no separate reduction pass). */
    private RnsPoly[] finish(RnsPoly[] acc, int level) {
        int n = ctx.ringDegree();
        RnsPoly u0 = new RnsPoly(n, level + 1, true);
        RnsPoly u1 = new RnsPoly(n, level + 1, true);
        ctx.modDown(level).applyDestructive(acc[0], u0);
        ctx.modDown(level).applyDestructive(acc[1], u1);
        return new RnsPoly[] {u0, u1};
    }
}
