package org.privmed.he.bfv;

import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.rlwe.GaloisKeys;
import org.privmed.he.rlwe.KeySwitcher;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.he.rlwe.SwitchingKey;

/**
 * Homomorphic operations on BFV ciphertexts; every result decrypts to the slot-wise result of the
 * same operation on the plaintexts, modulo t, while the noise budget lasts.
 *
 * <ul>
 *   <li>add, sub, negate, addPlain, subPlain: point-wise in NTT form; a plaintext enters as
 *       round(Q·m/t) on c0;</li>
 *   <li>multiplyPlain: each poly times the plaintext lifted to (-t/2, t/2] (Fan and Vercauteren,
 *       Sec. 4);</li>
 *   <li>multiply: the tensor product scaled by t/Q in the RNS variant of Halevi, Polyakov and Shoup
 *       ({@link HpsMultiplier}), a degree-2 ciphertext;</li>
 *   <li>relinearize, rotateRows, rotateColumns: hybrid key switching of the CKKS core
 *       ({@link KeySwitcher}) with the relinearization key (s² → s) or the Galois key of X → X^g
 *       (σ_g(s) → s) after the Galois permutation of the NTT slots.</li>
 * </ul>
 *
 * Ciphertexts are never modified in place. Thread-safe: the keys are read-only.
 */
public final class BfvEvaluator {
    private final BfvContext ctx;
    private final KeySwitcher switcher;
    private final RelinearizationKey relinKey;
    private final GaloisKeys galoisKeys;

    /** An evaluator without keys: everything but relinearization and rotations. */
    public BfvEvaluator(BfvContext ctx) {
        this(ctx, null, null);
    }

    /** Either key may be null when the operations that need it are not used. */
    public BfvEvaluator(BfvContext ctx, RelinearizationKey relinKey, GaloisKeys galoisKeys) {
        if (relinKey != null) ctx.checkParams(relinKey.paramsId(), "relinearization key");
        if (galoisKeys != null) ctx.checkParams(galoisKeys.paramsId(), "Galois keys");
        this.ctx = ctx;
        this.switcher = new KeySwitcher(ctx.rlwe());
        this.relinKey = relinKey;
        this.galoisKeys = galoisKeys;
    }

    private BfvCiphertext result(RnsPoly... polys) {
        return new BfvCiphertext(polys, ctx.paramsId());
    }

    /** Poly i of a ciphertext, or null past its size (a missing poly is zero). */
    private static RnsPoly polyOrNull(BfvCiphertext c, int i) {
        return i < c.size() ? c.poly(i) : null;
    }

    public BfvCiphertext add(BfvCiphertext a, BfvCiphertext b) {
        return combine(a, b, false);
    }

    public BfvCiphertext sub(BfvCiphertext a, BfvCiphertext b) {
        return combine(a, b, true);
    }

    /** The basis of a ciphertext's level. */
    private RnsBasis basis(BfvCiphertext a) {
        return ctx.rlwe().qAtLevel(a.level());
    }

    private void sameLevel(BfvCiphertext a, BfvCiphertext b) {
        if (a.level() != b.level()) {
            throw new IllegalArgumentException("operands are at levels " + a.level() + " and " + b.level()
                    + "; switch the higher one down with modSwitchTo first");
        }
    }

    private BfvCiphertext combine(BfvCiphertext a, BfvCiphertext b, boolean subtract) {
        a.check(ctx, "first operand");
        b.check(ctx, "second operand");
        sameLevel(a, b);
        RnsBasis q = basis(a);
        int size = Math.max(a.size(), b.size());
        RnsPoly[] out = new RnsPoly[size];
        for (int i = 0; i < size; i++) {
            RnsPoly x = polyOrNull(a, i), y = polyOrNull(b, i);
            out[i] = q.newPoly(true);
            if (x != null && y != null) {
                if (subtract) q.sub(x, y, out[i]);
                else q.add(x, y, out[i]);
            } else if (x != null) {
                out[i].copyFrom(x);
            } else if (subtract) {
                q.neg(y, out[i]);
            } else {
                out[i].copyFrom(y);
            }
        }
        return result(out);
    }

    public BfvCiphertext negate(BfvCiphertext a) {
        a.check(ctx, "operand");
        RnsBasis q = basis(a);
        RnsPoly[] out = new RnsPoly[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = q.newPoly(true);
            q.neg(a.poly(i), out[i]);
        }
        return result(out);
    }

    public BfvCiphertext addPlain(BfvCiphertext a, BfvPlaintext p) {
        return shiftByPlain(a, p, false);
    }

    public BfvCiphertext subPlain(BfvCiphertext a, BfvPlaintext p) {
        return shiftByPlain(a, p, true);
    }

    private BfvCiphertext shiftByPlain(BfvCiphertext a, BfvPlaintext p, boolean subtract) {
        a.check(ctx, "ciphertext");
        p.check(ctx);
        RnsBasis q = basis(a);
        RnsPoly scaled = ctx.scaling(a.level()).scaleUp(p.coefficients());
        RnsPoly[] out = new RnsPoly[a.size()];
        out[0] = q.newPoly(true);
        if (subtract) q.sub(a.poly(0), scaled, out[0]);
        else q.add(a.poly(0), scaled, out[0]);
        for (int i = 1; i < out.length; i++) out[i] = a.poly(i).copy();
        return result(out);
    }

    public BfvCiphertext multiplyPlain(BfvCiphertext a, BfvPlaintext p) {
        a.check(ctx, "ciphertext");
        p.check(ctx);
        RnsBasis q = basis(a);
        RnsPoly lifted = ctx.scaling(a.level()).lift(p.coefficients());
        RnsPoly[] out = new RnsPoly[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = q.newPoly(true);
            q.mul(a.poly(i), lifted, out[i]);
        }
        return result(out);
    }

    /**
     * Σ_j w_j·a_j for integer weights w_j (taken modulo t, as centred representatives): the weighted
     * sum of the CryptoNets packing (Gilad-Bachrach et al., ICML 2016, Sec. 3), where every slot of a
     * weight's plaintext holds the same value, so the plaintext is the constant polynomial w_j and
     * the product needs no encoding or NTT, only a scalar multiplication of each coefficient.
     * Products of a small weight and a residue below q are accumulated in a signed long and reduced
     * only when the next term could overflow, so a sum of hundreds of terms with weights of a few
     * bits costs one multiply-add per coefficient and term. The noise grows as Σ w_j²·Var(e_j)
     * (the rounding of Δ is exact here because encryption scales by round(Q·m/t)).
     * Zero weights are skipped; all operands must be at one level and of one size. Products before
     * relinearization (3 polys) are allowed: summing them first and relinearizing the sums is the
     * cheaper order when a layer has fewer outputs than inputs.
     *
     * @return the sum, or null when every weight is zero modulo t
     */
    public BfvCiphertext multiplyAccumulate(BfvCiphertext[] a, long[] weights) {
        if (a.length != weights.length) {
            throw new IllegalArgumentException(a.length + " ciphertexts but " + weights.length + " weights");
        }
        long t = ctx.params().plainModulus();
        int level = -1;
        int size = 0;
        int count = 0;
        for (int j = 0; j < a.length; j++) {
            long w = centred(weights[j], t);
            if (w == 0) continue;
            a[j].check(ctx, "operand " + j);
            if (level < 0) {
                level = a[j].level();
                size = a[j].size();
            } else if (a[j].level() != level || a[j].size() != size) {
                throw new IllegalArgumentException("operand " + j + " is at level " + a[j].level() + " with "
                        + a[j].size() + " polys, the first at level " + level + " with " + size
                        + "; all operands need one level and one size");
            }
            count++;
        }
        if (count == 0) return null;
        RnsBasis q = ctx.rlwe().qAtLevel(level);
        int n = ctx.ringDegree();
        RnsPoly[] out = new RnsPoly[size];
        long[] acc = new long[n];
        for (int p = 0; p < size; p++) {
            out[p] = q.newPoly(true);
            for (int l = 0; l <= level; l++) {
                var m = q.modulus(l);
                long qv = m.value();
                java.util.Arrays.fill(acc, 0);
                long bound = 0; // upper bound on |acc[k]|
                for (int j = 0; j < a.length; j++) {
                    long w = centred(weights[j], t);
                    if (w == 0) continue;
                    long[] c = a[j].poly(p).limb(l);
                    long aw = Math.abs(w);
                    if (aw > LAZY_LIMIT / qv) {
                        // a large weight: one modular product per coefficient, then the sum stays below 2q
                        long wr = m.reduceSigned(w), ws = m.shoup(wr);
                        if (bound > LAZY_LIMIT - qv) bound = reduceAll(acc, m);
                        for (int k = 0; k < n; k++) acc[k] += m.mulShoup(c[k], wr, ws);
                        bound += qv;
                        continue;
                    }
                    long step = aw * qv;
                    if (bound > LAZY_LIMIT - step) bound = reduceAll(acc, m);
                    for (int k = 0; k < n; k++) acc[k] += w * c[k];
                    bound += step;
                }
                long[] dst = out[p].limb(l);
                for (int k = 0; k < n; k++) dst[k] = m.reduceSigned(acc[k]);
            }
        }
        return result(out);
    }

    /** Sums are kept below this in absolute value so that one more term of at most this size cannot overflow. */
    private static final long LAZY_LIMIT = 1L << 62;

    private static long reduceAll(long[] acc, org.privmed.he.math.Modulus m) {
        for (int k = 0; k < acc.length; k++) acc[k] = m.reduceSigned(acc[k]);
        return m.value();
    }

    /** w modulo t as the representative in (-t/2, t/2]. */
    private static long centred(long w, long t) {
        long r = Math.floorMod(w, t);
        return r > t / 2 ? r - t : r;
    }

    /** a + c for an integer constant c (taken modulo t): the constant polynomial c, in every slot. */
    public BfvCiphertext addConstant(BfvCiphertext a, long c) {
        long[] coeffs = new long[ctx.ringDegree()];
        coeffs[0] = Math.floorMod(c, ctx.params().plainModulus());
        return addPlain(a, new BfvPlaintext(coeffs, ctx.paramsId()));
    }

    /** The degree-2 product of two degree-1 ciphertexts; relinearize it before the next multiply. */
    public BfvCiphertext multiply(BfvCiphertext a, BfvCiphertext b) {
        a.check(ctx, "first operand");
        b.check(ctx, "second operand");
        if (a.size() != 2 || b.size() != 2) {
            throw new IllegalArgumentException("multiply needs two relinearized (2-poly) ciphertexts, got sizes "
                    + a.size() + " and " + b.size());
        }
        sameLevel(a, b);
        RnsPoly[] pa = {a.poly(0), a.poly(1)};
        RnsPoly[] pb = a == b ? pa : new RnsPoly[] {b.poly(0), b.poly(1)};
        return result(ctx.multiplier(a.level()).multiply(pa, pb));
    }

    /** multiply followed by relinearize. */
    public BfvCiphertext multiplyRelinearize(BfvCiphertext a, BfvCiphertext b) {
        return relinearize(multiply(a, b));
    }

    /**
     * The degree-2 square of a degree-1 ciphertext: {@link #multiply}{@code (a, a)} bit for bit, with
     * the operand extended once and three products instead of four (see {@link HpsMultiplier#square}).
     */
    public BfvCiphertext square(BfvCiphertext a) {
        checkSquareOperand(a);
        return result(ctx.multiplier(a.level()).square(new RnsPoly[] {a.poly(0), a.poly(1)}));
    }

    private void checkSquareOperand(BfvCiphertext a) {
        a.check(ctx, "operand");
        if (a.size() != 2) {
            throw new IllegalArgumentException("square needs a relinearized (2-poly) ciphertext, got size " + a.size());
        }
    }

    private void requireRelinearizationKey() {
        if (relinKey == null) {
            throw new IllegalStateException("this evaluator has no relinearization key");
        }
    }

    /**
     * square followed by relinearize, the CryptoNets activation, bit for bit; the key switch takes
     * c2 in the coefficient form the scaling produced, saving its inverse NTTs.
     */
    public BfvCiphertext squareRelinearize(BfvCiphertext a) {
        checkSquareOperand(a);
        requireRelinearizationKey();
        RnsPoly[] c = ctx.multiplier(a.level()).squareForRelinearization(new RnsPoly[] {a.poly(0), a.poly(1)});
        RnsBasis q = basis(a);
        RnsPoly[] u = switcher.switchKey(c[2], c[3], relinKey.key());
        q.add(u[0], c[0], u[0]);
        q.add(u[1], c[1], u[1]);
        return result(u);
    }

    /** A degree-2 ciphertext (c0, c1, c2) brought back to degree 1 with the key from s² to s. */
    public BfvCiphertext relinearize(BfvCiphertext a) {
        a.check(ctx, "ciphertext");
        if (a.size() == 2) {
            return result(a.poly(0).copy(), a.poly(1).copy());
        }
        requireRelinearizationKey();
        RnsBasis q = basis(a);
        RnsPoly[] u = switcher.switchKey(a.poly(2), relinKey.key());
        q.add(u[0], a.poly(0), u[0]);
        q.add(u[1], a.poly(1), u[1]);
        return result(u);
    }

    /**
     * Rotates both rows of the slot matrix cyclically by {@code steps} columns to the left (negative:
     * right), as SEAL's {@code rotate_rows}; needs the Galois key of
     * {@link BfvContext#galoisElementForRowRotation}.
     */
    public BfvCiphertext rotateRows(BfvCiphertext a, int steps) {
        return applyGalois(a, ctx.galoisElementForRowRotation(steps));
    }

    /** Swaps the two rows of the slot matrix (SEAL's {@code rotate_columns}); needs the key of 2N - 1. */
    public BfvCiphertext rotateColumns(BfvCiphertext a) {
        return applyGalois(a, ctx.galoisElementForColumnRotation());
    }

    /** σ_g(c0) + KS(σ_g(c1)): the encryption of σ_g(m) under s. */
    public BfvCiphertext applyGalois(BfvCiphertext a, int galoisElement) {
        a.check(ctx, "ciphertext");
        if (a.size() != 2) {
            throw new IllegalArgumentException("relinearize before rotating: the ciphertext has " + a.size() + " polys");
        }
        if (galoisKeys == null) {
            throw new IllegalStateException("this evaluator has no Galois keys");
        }
        SwitchingKey key = galoisKeys.get(galoisElement);
        RnsBasis q = basis(a);
        RnsPoly c0 = q.newPoly(true), c1 = q.newPoly(true);
        ctx.rlwe().applyGalois(a.poly(0), galoisElement, c0);
        ctx.rlwe().applyGalois(a.poly(1), galoisElement, c1);
        RnsPoly[] u = switcher.switchKey(c1, key);
        q.add(u[0], c0, u[0]);
        return result(u);
    }

    /**
     * Modulus switching (Brakerski, Gentry, Vaikuntanathan, ITCS 2012, Sec. 4; for BFV as in Kim,
     * Polyakov, Zucca, ASIACRYPT 2021, Sec. 3): every poly becomes round(c / q_level) over
     * Q_(level-1), so c0 + c1·s keeps encrypting m under Δ' ≈ Δ / q_level. The noise is divided by
     * q_level and gains the rounding error (1 + s)/2; a ciphertext whose noise is already large
     * loses almost no budget and becomes smaller and cheaper for every later operation.
     */
    public BfvCiphertext modSwitchToNext(BfvCiphertext a) {
        a.check(ctx, "ciphertext");
        int level = a.level();
        if (level == 0) {
            throw new IllegalArgumentException("the ciphertext has a single prime left; nothing to switch away");
        }
        RnsPoly[] out = new RnsPoly[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new RnsPoly(ctx.ringDegree(), level, true);
            ctx.rlwe().rescaler(level).apply(a.poly(i), out[i]);
        }
        return result(out);
    }

    /** Switches down until the ciphertext is at {@code level}. */
    public BfvCiphertext modSwitchTo(BfvCiphertext a, int level) {
        a.check(ctx, "ciphertext");
        ctx.rlwe().checkLevel(level);
        if (level > a.level()) {
            throw new IllegalArgumentException("cannot switch up from level " + a.level() + " to " + level);
        }
        BfvCiphertext c = a;
        while (c.level() > level) c = modSwitchToNext(c);
        return c;
    }
}
