package org.privmed.he.ckks;

import java.util.Locale;
import org.privmed.he.math.Modulus;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.rlwe.GaloisKeys;
import org.privmed.he.rlwe.KeySwitcher;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.he.rlwe.SwitchingKey;

/**
 * Homomorphic operations on CKKS ciphertexts (Cheon, Han, Kim, Kim, Song, SAC 2018, Sec. 4; rotations
 * and conjugation through Galois automorphisms as in Cheon, Kim, Kim, Song, ASIACRYPT 2017, Sec. 4,
 * with hybrid key switching from {@link KeySwitcher}).
 *
 * <p>Every operation returns a new ciphertext and checks parameter ids. Additions and
 * subtractions need equal levels and scales (relative difference below 1e-9); otherwise they fail
 * naming both, never returning a silently wrong sum. Products multiply scales; {@link #rescale}
 * divides by the last prime of the level.
 *
 * <p><b>Constants.</b> {@link #multiplyConstant(Ciphertext, double)} encodes c as the integer
 * round(c·q_l), where q_l is the prime the next rescale will drop: the product has scale Δ·q_l and
 * the rescale brings it back to exactly Δ, so a chain of constant multiplications keeps the scale
 * fixed. {@link #multiplyInteger} leaves the scale unchanged; {@link #addConstant} adds round(c·Δ).
 * None of these encodes a plaintext: each is one scalar per limb.
 */
public final class Evaluator {
    private static final double SCALE_TOLERANCE = 1e-9;

    private final CkksContext ctx;
    private final KeySwitcher switcher;
    private final RelinearizationKey relinKey;
    private final GaloisKeys galoisKeys;

    /**
     * @param relinKey   needed for {@link #relinearize}; may be null
     * @param galoisKeys needed for rotations and conjugation; may be null
     */
    public Evaluator(CkksContext ctx, RelinearizationKey relinKey, GaloisKeys galoisKeys) {
        this.ctx = ctx;
        this.switcher = new KeySwitcher(ctx.rlwe());
        if (relinKey != null) ctx.checkParams(relinKey.paramsId(), "relinearization key");
        if (galoisKeys != null) ctx.checkParams(galoisKeys.paramsId(), "Galois keys");
        this.relinKey = relinKey;
        this.galoisKeys = galoisKeys;
    }

    public CkksContext context() {
        return ctx;
    }

    private RnsBasis basis(int level) {
        return ctx.rlwe().qAtLevel(level);
    }

    private void check(Ciphertext ct) {
        ctx.checkParams(ct.paramsId(), "ciphertext");
    }

    private void checkSameLevelAndScale(String op, int levelA, double scaleA, int levelB, double scaleB) {
        if (levelA != levelB) {
            throw new IllegalArgumentException(op + ": operands are at different levels " + levelA + " and " + levelB
                    + "; drop the higher one with dropLevel first");
        }
        if (Math.abs(scaleA - scaleB) > SCALE_TOLERANCE * Math.max(scaleA, scaleB)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: operands have different scales %.6g (2^%.4f) and %.6g (2^%.4f)", op, scaleA,
                    Math.log(scaleA) / Math.log(2), scaleB, Math.log(scaleB) / Math.log(2)));
        }
    }

    // ---- additive operations ----

    public Ciphertext add(Ciphertext a, Ciphertext b) {
        return addOrSub(a, b, false);
    }

    public Ciphertext sub(Ciphertext a, Ciphertext b) {
        return addOrSub(a, b, true);
    }

    private Ciphertext addOrSub(Ciphertext a, Ciphertext b, boolean subtract) {
        check(a);
        check(b);
        checkSameLevelAndScale(subtract ? "sub" : "add", a.level(), a.scale(), b.level(), b.scale());
        RnsBasis q = basis(a.level());
        int size = Math.max(a.size(), b.size());
        RnsPoly[] out = new RnsPoly[size];
        for (int i = 0; i < size; i++) {
            if (i < a.size() && i < b.size()) {
                out[i] = q.newPoly(true);
                if (subtract) q.sub(a.poly(i), b.poly(i), out[i]);
                else q.add(a.poly(i), b.poly(i), out[i]);
            } else if (i < a.size()) {
                out[i] = a.poly(i).copy();
            } else {
                out[i] = q.newPoly(true);
                if (subtract) q.neg(b.poly(i), out[i]);
                else out[i].copyFrom(b.poly(i));
            }
        }
        return new Ciphertext(out, a.scale(), ctx.paramsId());
    }

    public Ciphertext negate(Ciphertext a) {
        check(a);
        RnsBasis q = basis(a.level());
        RnsPoly[] out = new RnsPoly[a.size()];
        for (int i = 0; i < a.size(); i++) {
            out[i] = q.newPoly(true);
            q.neg(a.poly(i), out[i]);
        }
        return new Ciphertext(out, a.scale(), ctx.paramsId());
    }

    public Ciphertext addPlain(Ciphertext a, Plaintext p) {
        return addOrSubPlain(a, p, false);
    }

    public Ciphertext subPlain(Ciphertext a, Plaintext p) {
        return addOrSubPlain(a, p, true);
    }

    private Ciphertext addOrSubPlain(Ciphertext a, Plaintext p, boolean subtract) {
        check(a);
        ctx.checkParams(p.paramsId(), "plaintext");
        checkSameLevelAndScale(subtract ? "subPlain" : "addPlain", a.level(), a.scale(), p.level(), p.scale());
        RnsBasis q = basis(a.level());
        RnsPoly[] out = a.polys();
        out[0] = q.newPoly(true);
        if (subtract) q.sub(a.poly(0), p.poly(), out[0]);
        else q.add(a.poly(0), p.poly(), out[0]);
        for (int i = 1; i < out.length; i++) out[i] = a.poly(i).copy();
        return new Ciphertext(out, a.scale(), ctx.paramsId());
    }

    /** Adds the real constant c to every slot (c·Δ is rounded to an integer). */
    public Ciphertext addConstant(Ciphertext a, double c) {
        check(a);
        ScaledIntegers.checkFinite(c, "constant");
        RnsBasis q = basis(a.level());
        RnsPoly[] out = a.polys();
        out[0] = q.newPoly(true);
        q.addScalar(a.poly(0), ScaledIntegers.residues(c * a.scale(), q, a.level() + 1), out[0]);
        for (int i = 1; i < out.length; i++) out[i] = a.poly(i).copy();
        return new Ciphertext(out, a.scale(), ctx.paramsId());
    }

    // ---- multiplicative operations ----

    public Ciphertext multiplyPlain(Ciphertext a, Plaintext p) {
        check(a);
        ctx.checkParams(p.paramsId(), "plaintext");
        if (p.level() < a.level()) {
            throw new IllegalArgumentException("multiplyPlain: plaintext at level " + p.level()
                    + " is below the ciphertext's level " + a.level());
        }
        RnsBasis q = basis(a.level());
        RnsPoly[] out = new RnsPoly[a.size()];
        for (int i = 0; i < a.size(); i++) {
            out[i] = q.newPoly(true);
            q.mul(a.poly(i), p.poly(), out[i]);
        }
        return new Ciphertext(out, a.scale() * p.scale(), ctx.paramsId());
    }

    /**
     * Multiplies every slot by the real c, encoded as round(c·q_l) with q_l the last prime of the
     * ciphertext's level; the result has scale Δ·q_l, and {@link #rescale} restores exactly Δ.
     */
    public Ciphertext multiplyConstant(Ciphertext a, double c) {
        double constantScale = a.level() > 0 ? (double) basis(a.level()).modulus(a.level()).value() : ctx.params().defaultScale();
        return multiplyConstant(a, c, constantScale);
    }

    /** Multiplies every slot by c encoded at the given scale (result scale = Δ·constantScale). */
    public Ciphertext multiplyConstant(Ciphertext a, double c, double constantScale) {
        check(a);
        ScaledIntegers.checkFinite(c, "constant");
        if (!(constantScale > 0) || !Double.isFinite(constantScale)) {
            throw new IllegalArgumentException("constant scale must be finite and positive, got " + constantScale);
        }
        RnsBasis q = basis(a.level());
        long[] k = ScaledIntegers.residues(c * constantScale, q, a.level() + 1);
        return scalarMultiply(a, k, a.scale() * constantScale);
    }

    /** Multiplies every slot by the integer k; the scale is unchanged. */
    public Ciphertext multiplyInteger(Ciphertext a, long k) {
        check(a);
        RnsBasis q = basis(a.level());
        return scalarMultiply(a, q.scalarResidues(k, a.level() + 1), a.scale());
    }

    private Ciphertext scalarMultiply(Ciphertext a, long[] residues, double scale) {
        RnsBasis q = basis(a.level());
        RnsPoly[] out = new RnsPoly[a.size()];
        for (int i = 0; i < a.size(); i++) {
            out[i] = q.newPoly(true);
            q.mulScalar(a.poly(i), residues, out[i]);
        }
        return new Ciphertext(out, scale, ctx.paramsId());
    }

    /** The degree-2 product (d0, d1, d2) = (a0·b0, a0·b1 + a1·b0, a1·b1); scale = product of scales. */
    public Ciphertext multiply(Ciphertext a, Ciphertext b) {
        check(a);
        check(b);
        if (a.size() != 2 || b.size() != 2) {
            throw new IllegalArgumentException("multiply needs degree-1 ciphertexts (2 polys), got " + a.size()
                    + " and " + b.size() + "; relinearize first");
        }
        if (a.level() != b.level()) {
            throw new IllegalArgumentException("multiply: operands are at different levels " + a.level() + " and "
                    + b.level() + "; drop the higher one with dropLevel first");
        }
        int level = a.level();
        RnsBasis q = basis(level);
        int n = ctx.ringDegree();
        RnsPoly d0 = q.newPoly(true), d1 = q.newPoly(true), d2 = q.newPoly(true);
        final boolean square = a == b;
        ctx.rlwe().parallelism().forEach(level + 1, i -> {
            Modulus m = q.modulus(i);
            long qi = m.value();
            long[] a0 = a.poly(0).limb(i), a1 = a.poly(1).limb(i), b0 = b.poly(0).limb(i), b1 = b.poly(1).limb(i);
            long[] z0 = d0.limb(i), z1 = d1.limb(i), z2 = d2.limb(i);
            if (square) {
                for (int j = 0; j < n; j++) {
                    long x0 = a0[j], x1 = a1[j];
                    z0[j] = m.mul(x0, x0);
                    long c = m.mul(x0, x1);
                    long s = c + c;
                    z1[j] = s - (qi & ((qi - 1 - s) >> 63));
                    z2[j] = m.mul(x1, x1);
                }
            } else {
                // Karatsuba: d1 = (a0 + a1)(b0 + b1) - d0 - d2, three reductions instead of four
                for (int j = 0; j < n; j++) {
                    long x0 = a0[j], x1 = a1[j], y0 = b0[j], y1 = b1[j];
                    long p0 = m.mul(x0, y0);
                    long p2 = m.mul(x1, y1);
                    long sx = x0 + x1, sy = y0 + y1;
                    sx -= qi & ((qi - 1 - sx) >> 63);
                    sy -= qi & ((qi - 1 - sy) >> 63);
                    long mid = m.mul(sx, sy) - p0;
                    mid += (mid >> 63) & qi;
                    mid -= p2;
                    mid += (mid >> 63) & qi;
                    z0[j] = p0;
                    z1[j] = mid;
                    z2[j] = p2;
                }
            }
        });
        return new Ciphertext(new RnsPoly[] {d0, d1, d2}, a.scale() * b.scale(), ctx.paramsId());
    }

    public Ciphertext square(Ciphertext a) {
        return multiply(a, a);
    }

    /** Brings a degree-2 ciphertext back to degree 1 by switching c2 from s² to s. */
    public Ciphertext relinearize(Ciphertext a) {
        check(a);
        if (a.size() != 3) {
            throw new IllegalArgumentException("relinearize needs a degree-2 ciphertext (3 polys), got " + a.size());
        }
        if (relinKey == null) {
            throw new IllegalStateException("this evaluator has no relinearization key");
        }
        RnsBasis q = basis(a.level());
        RnsPoly[] u = switcher.switchKey(a.poly(2), relinKey.key());
        q.add(u[0], a.poly(0), u[0]);
        q.add(u[1], a.poly(1), u[1]);
        return new Ciphertext(u, a.scale(), ctx.paramsId());
    }

    public Ciphertext multiplyAndRelinearize(Ciphertext a, Ciphertext b) {
        return relinearize(multiply(a, b));
    }

    /** Divides by the last prime q_l (rounding) and drops it: level l → l-1, scale Δ → Δ/q_l. */
    public Ciphertext rescale(Ciphertext a) {
        check(a);
        int level = a.level();
        if (level == 0) {
            throw new IllegalArgumentException("rescale: the ciphertext is at level 0, no prime left to drop");
        }
        double ql = (double) basis(level).modulus(level).value();
        RnsPoly[] out = new RnsPoly[a.size()];
        for (int i = 0; i < a.size(); i++) {
            out[i] = new RnsPoly(ctx.ringDegree(), level, true);
            ctx.rlwe().rescaler(level).apply(a.poly(i), out[i]);
        }
        return new Ciphertext(out, a.scale() / ql, ctx.paramsId());
    }

    /** Keeps the first level+1 primes (no division: the scale is unchanged). */
    public Ciphertext dropLevel(Ciphertext a, int level) {
        check(a);
        if (level < 0 || level > a.level()) {
            throw new IllegalArgumentException("dropLevel: target level " + level + " must be in [0, " + a.level() + "]");
        }
        RnsPoly[] out = new RnsPoly[a.size()];
        for (int i = 0; i < a.size(); i++) out[i] = a.poly(i).copyPrefix(level + 1);
        return new Ciphertext(out, a.scale(), ctx.paramsId());
    }

    /** A plaintext restricted to a lower level. */
    public Plaintext dropLevel(Plaintext p, int level) {
        ctx.checkParams(p.paramsId(), "plaintext");
        if (level < 0 || level > p.level()) {
            throw new IllegalArgumentException("dropLevel: target level " + level + " must be in [0, " + p.level() + "]");
        }
        return new Plaintext(p.poly().copyPrefix(level + 1), p.scale(), ctx.paramsId());
    }

    // ---- automorphisms ----

    private SwitchingKey galoisKey(int g, String what) {
        if (galoisKeys == null) {
            throw new IllegalStateException("this evaluator has no Galois keys (needed for " + what + ")");
        }
        if (!galoisKeys.has(g)) {
            throw new IllegalArgumentException("no Galois key for " + what + " (element " + g + "); generate it with "
                    + "KeyGenerator.galoisKeys(...)");
        }
        return galoisKeys.get(g);
    }

    private Ciphertext applyGalois(Ciphertext a, int g, String what) {
        check(a);
        if (a.size() != 2) {
            throw new IllegalArgumentException(what + " needs a degree-1 ciphertext, got " + a.size() + " polys");
        }
        SwitchingKey key = galoisKey(g, what);
        RnsBasis q = basis(a.level());
        RnsPoly c0 = q.newPoly(true), c1 = q.newPoly(true);
        ctx.rlwe().applyGalois(a.poly(0), g, c0);
        ctx.rlwe().applyGalois(a.poly(1), g, c1);
        RnsPoly[] u = switcher.switchKey(c1, key);
        q.add(u[0], c0, u[0]);
        return new Ciphertext(u, a.scale(), ctx.paramsId());
    }

    /** Rotates the slots left by k (slot j receives slot j+k); k may be negative. */
    public Ciphertext rotate(Ciphertext a, int k) {
        if (Math.floorMod(k, ctx.slots()) == 0) {
            check(a);
            return dropLevel(a, a.level());
        }
        return applyGalois(a, ctx.galoisElementForRotation(k), "rotation by " + k);
    }

    /** Complex conjugation of every slot. */
    public Ciphertext conjugate(Ciphertext a) {
        return applyGalois(a, ctx.galoisElementForConjugation(), "conjugation");
    }

    /**
     * Several rotations of one ciphertext sharing one decomposition (hoisting): result i is the
     * rotation by steps[i].
     */
    public Ciphertext[] rotateHoisted(Ciphertext a, int[] steps) {
        check(a);
        if (a.size() != 2) {
            throw new IllegalArgumentException("rotateHoisted needs a degree-1 ciphertext, got " + a.size() + " polys");
        }
        Ciphertext[] out = new Ciphertext[steps.length];
        KeySwitcher.Decomposed dec = null;
        RnsBasis q = basis(a.level());
        for (int i = 0; i < steps.length; i++) {
            if (Math.floorMod(steps[i], ctx.slots()) == 0) {
                out[i] = dropLevel(a, a.level());
                continue;
            }
            int g = ctx.galoisElementForRotation(steps[i]);
            SwitchingKey key = galoisKey(g, "rotation by " + steps[i]);
            if (dec == null) dec = switcher.decompose(a.poly(1));
            RnsPoly[] u = switcher.switchDecomposed(dec, g, key);
            RnsPoly c0 = q.newPoly(true);
            ctx.rlwe().applyGalois(a.poly(0), g, c0);
            q.add(u[0], c0, u[0]);
            out[i] = new Ciphertext(u, a.scale(), ctx.paramsId());
        }
        return out;
    }

    /** The plaintext lifted to the special primes, for {@link #rotateHoistedDots}. */
    public LiftedPlaintext lift(Plaintext p) {
        ctx.checkParams(p.paramsId(), "plaintext");
        return new LiftedPlaintext(p, switcher.weights(p.poly()));
    }

    /**
     * For each group g, Σ_i w[g][i] ⊙ rot(a, steps[g][i]) (a step of 0 is a is itself), with one
     * key-switching decomposition of a for all groups and one ModDown per group (double hoisting:
     * Bossuat, Mouchet, Troncoso-Pastoriza, Hubaux, EUROCRYPT 2021, Sec. 4.2; see
     * {@link KeySwitcher#switchDecomposedDot}). The weights of a group share one scale and are at
     * a's level; result g has scale a.scale·that scale.
     */
    public Ciphertext[] rotateHoistedDots(Ciphertext a, int[][] steps, LiftedPlaintext[][] w) {
        check(a);
        if (a.size() != 2) {
            throw new IllegalArgumentException("rotateHoistedDots needs a degree-1 ciphertext, got " + a.size() + " polys");
        }
        if (steps.length != w.length) {
            throw new IllegalArgumentException(steps.length + " groups of steps, " + w.length + " of weights");
        }
        int level = a.level();
        RnsBasis q = basis(level);
        KeySwitcher.Decomposed dec = null;
        Ciphertext[] out = new Ciphertext[steps.length];
        for (int g = 0; g < steps.length; g++) {
            if (steps[g].length == 0 || steps[g].length != w[g].length) {
                throw new IllegalArgumentException("group " + g + ": " + steps[g].length + " steps, " + w[g].length
                        + " weights");
            }
            double scale = w[g][0].scale();
            RnsPoly c0 = q.newPoly(true), c1 = q.newPoly(true);
            RnsPoly rotated = q.newPoly(true);
            int rotations = 0;
            for (int i = 0; i < steps[g].length; i++) {
                LiftedPlaintext p = w[g][i];
                ctx.checkParams(p.plain().paramsId(), "plaintext");
                if (p.level() != level || Math.abs(p.scale() - scale) > SCALE_TOLERANCE * scale) {
                    throw new IllegalArgumentException("rotateHoistedDots: weights " + g + "/" + i + " at level "
                            + p.level() + ", scale " + p.scale() + "; expected level " + level + ", scale " + scale);
                }
                if (Math.floorMod(steps[g][i], ctx.slots()) == 0) {
                    q.mulAdd(a.poly(0), p.plain().poly(), c0);
                    q.mulAdd(a.poly(1), p.plain().poly(), c1);
                } else {
                    rotations++;
                }
            }
            int[] elements = new int[rotations];
            SwitchingKey[] keys = new SwitchingKey[rotations];
            KeySwitcher.Weights[] weights = new KeySwitcher.Weights[rotations];
            int k = 0;
            for (int i = 0; i < steps[g].length; i++) {
                if (Math.floorMod(steps[g][i], ctx.slots()) == 0) continue;
                int e = ctx.galoisElementForRotation(steps[g][i]);
                elements[k] = e;
                keys[k] = galoisKey(e, "rotation by " + steps[g][i]);
                weights[k] = w[g][i].weights();
                ctx.rlwe().applyGalois(a.poly(0), e, rotated);
                q.mulAdd(rotated, w[g][i].plain().poly(), c0);
                k++;
            }
            if (rotations == 0) {
                out[g] = new Ciphertext(new RnsPoly[] {c0, c1}, a.scale() * scale, ctx.paramsId());
                continue;
            }
            if (dec == null) dec = switcher.decompose(a.poly(1));
            RnsPoly[] u = switcher.switchDecomposedDot(dec, elements, keys, weights);
            q.add(u[0], c0, u[0]);
            q.add(u[1], c1, u[1]);
            out[g] = new Ciphertext(u, a.scale() * scale, ctx.paramsId());
        }
        return out;
    }

    /**
     * Sum of the rotations by 0, 1, …, n-1 (n a power of two), by log2(n) rotate-and-add steps:
     * slot j of the result holds Σ_{i<n} slot (j+i). Needs keys for rotations 1, 2, 4, …, n/2.
     */
    public Ciphertext rotateAndSum(Ciphertext a, int n) {
        if (n < 1 || Integer.bitCount(n) != 1 || n > ctx.slots()) {
            throw new IllegalArgumentException("rotateAndSum: n must be a power of two in [1, " + ctx.slots() + "], got " + n);
        }
        Ciphertext acc = a;
        for (int step = 1; step < n; step <<= 1) {
            acc = add(acc, rotate(acc, step));
        }
        return acc == a ? dropLevel(a, a.level()) : acc;
    }

    /** Rotation steps whose keys {@link #rotateAndSum} needs. */
    public static int[] rotateAndSumSteps(int n) {
        int count = Integer.numberOfTrailingZeros(n);
        int[] steps = new int[count];
        for (int i = 0; i < count; i++) steps[i] = 1 << i;
        return steps;
    }
}
