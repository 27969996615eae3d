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
     * Σ_j w_j·a_j for integer weights w_j (taken modulo t, as centred representatives): one row of
     * {@link #weightedSums(BfvCiphertext[], long[], int, int)}. Products before relinearization
     * (3 polys) are allowed.
     *
     * @return the sum, or null when every weight is zero modulo t
     */
    public BfvCiphertext multiplyAccumulate(BfvCiphertext[] a, long[] weights) {
        if (a.length != weights.length) {
            throw new IllegalArgumentException(a.length + " ciphertexts but " + weights.length + " weights");
        }
        return weightedSums(a, weights, 0, 1)[0];
    }

    /**
     * Rows [rowFrom, rowTo) of W·a for an integer matrix W ({@code weights}, row-major with
     * a.length columns, entries taken modulo t as centred representatives): the weighted sums of the
     * CryptoNets packing (Gilad-Bachrach et al., ICML 2016, Sec. 3), where every slot of a weight's
     * plaintext holds the same value, so the plaintext is the constant polynomial w and the product
     * needs no encoding or NTT, only a scalar multiplication of each residue ({@link WeightedSums}:
     * all rows at once, exact lazy reduction). The noise grows as Σ w_j²·Var(e_j) (the rounding of
     * Δ is exact here because encryption scales by round(Q·m/t)). Zero weights are skipped; the
     * operands with a non-zero weight must share one level and one size (2, or 3 before
     * relinearization).
     *
     * @return one sum per row, null for a row whose weights are all zero modulo t
     */
    public BfvCiphertext[] weightedSums(BfvCiphertext[] a, long[] weights, int rowFrom, int rowTo) {
        long[] w = centredRows(a.length, weights, rowFrom, rowTo);
        RnsPoly[][] sums = sumRows(a, w);
        BfvCiphertext[] out = new BfvCiphertext[sums.length];
        for (int r = 0; r < sums.length; r++) out[r] = sums[r] == null ? null : result(sums[r]);
        return out;
    }

    /** {@link #weightedSums(BfvCiphertext[], long[], int, int)} of unrelinearized products, in their coefficient form. */
    public BfvProduct[] weightedSums(BfvProduct[] a, long[] weights, int rowFrom, int rowTo) {
        long[] w = centredRows(a.length, weights, rowFrom, rowTo);
        RnsPoly[][] sums = sumRows(a, w);
        BfvProduct[] out = new BfvProduct[sums.length];
        for (int r = 0; r < sums.length; r++) out[r] = sums[r] == null ? null : new BfvProduct(sums[r], ctx.paramsId());
        return out;
    }

    /** W·a for ciphertexts or products: every operand with a non-zero weight checked, one level and size. */
    private RnsPoly[][] sumRows(Object[] a, long[] w) {
        RnsPoly[][] x = new RnsPoly[a.length][];
        int level = -1;
        int size = 0;
        for (int j = 0; j < a.length; j++) {
            if (!usedColumn(w, a.length, j)) continue;
            if (a[j] instanceof BfvCiphertext c) {
                c.check(ctx, "operand " + j);
                x[j] = c.polys();
            } else if (a[j] instanceof BfvProduct p) {
                p.check(ctx, "operand " + j);
                x[j] = p.polys();
            } else {
                throw new IllegalArgumentException("operand " + j + " is missing");
            }
            int l = x[j][0].limbCount() - 1;
            if (level < 0) {
                level = l;
                size = x[j].length;
            } else if (l != level || x[j].length != size) {
                throw new IllegalArgumentException("operand " + j + " is at level " + l + " with "
                        + x[j].length + " polys, an earlier one at level " + level + " with " + size
                        + "; all operands need one level and one size");
            }
        }
        return WeightedSums.apply(ctx.rlwe().qAtLevel(Math.max(level, 0)), x, w, 0, w.length / a.length);
    }

    /** Rows [rowFrom, rowTo) of a row-major matrix with {@code cols} columns, centred modulo t. */
    private long[] centredRows(int cols, long[] weights, int rowFrom, int rowTo) {
        if (cols == 0 || weights.length % cols != 0) {
            throw new IllegalArgumentException(weights.length + " weights do not form rows of " + cols + " operands");
        }
        int rows = weights.length / cols;
        if (rowFrom < 0 || rowTo > rows || rowFrom >= rowTo) {
            throw new IllegalArgumentException("rows [" + rowFrom + ", " + rowTo + ") outside [0, " + rows + ")");
        }
        long t = ctx.params().plainModulus();
        long[] w = new long[(rowTo - rowFrom) * cols];
        for (int i = 0; i < w.length; i++) w[i] = centred(weights[rowFrom * cols + i], t);
        return w;
    }

    private static boolean usedColumn(long[] w, int cols, int j) {
        for (int i = j; i < w.length; i += cols) {
            if (w[i] != 0) return true;
        }
        return false;
    }

    /** w modulo t as the representative in (-t/2, t/2]. */
    private static long centred(long w, long t) {
        long r = Math.floorMod(w, t);
        return r > t / 2 ? r - t : r;
    }

    /**
     * a + c for an integer constant c (taken modulo t), in every slot: {@link #addPlain} of the
     * constant polynomial c bit for bit, but as round(Q·c/t) is a constant too, its NTT form is that
     * value in every slot, so c0 only gains one residue per prime (no encoding, no NTT).
     */
    public BfvCiphertext addConstant(BfvCiphertext a, long c) {
        a.check(ctx, "ciphertext");
        RnsBasis q = basis(a);
        long[] residues = ctx.scaling(a.level()).scaleUpConstant(Math.floorMod(c, ctx.params().plainModulus()));
        RnsPoly[] out = new RnsPoly[a.size()];
        out[0] = q.newPoly(true);
        q.addScalar(a.poly(0), residues, out[0]);
        for (int i = 1; i < out.length; i++) out[i] = a.poly(i).copy();
        return result(out);
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

    /**
     * The square of a degree-1 ciphertext, left unrelinearized and in coefficient form for weighted
     * sums before one relinearization per sum (lazy relinearization); the same plaintext as
     * {@link #square}.
     */
    public BfvProduct squareUnrelinearized(BfvCiphertext a) {
        checkSquareOperand(a);
        return new BfvProduct(ctx.multiplier(a.level()).squareCoefficients(new RnsPoly[] {a.poly(0), a.poly(1)}),
                ctx.paramsId());
    }

    /** A product (c0, c1, c2) in coefficient form brought to a degree-1 ciphertext with the key from s² to s. */
    public BfvCiphertext relinearize(BfvProduct a) {
        a.check(ctx, "product");
        requireRelinearizationKey();
        RnsBasis q = ctx.rlwe().qAtLevel(a.level());
        RnsPoly c0 = a.poly(0).copy(), c1 = a.poly(1).copy(), c2 = a.poly(2).copy();
        q.toNtt(c0);
        q.toNtt(c1);
        q.toNtt(c2);
        RnsPoly[] u = switcher.switchKey(c2, a.poly(2), relinKey.key());
        q.add(u[0], c0, u[0]);
        q.add(u[1], c1, u[1]);
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
