package org.privmed.he.bfv;

import org.privmed.he.math.Modulus;
import org.privmed.he.math.NttTables;

/**
 * Batching (Smart and Vercauteren, "Fully homomorphic SIMD operations", DCC 2014; Gentry, Halevi,
 * Smart, EUROCRYPT 2012, Sec. 3): with t prime and ≡ 1 (mod 2N), X^N + 1 splits into N linear
 * factors modulo t, so R_t ≅ Z_t^N and a plaintext holds N independent slots.
 *
 * <p>The slots form a 2 × N/2 matrix in SEAL's layout: row 0, column i holds the evaluation at
 * ψ^(3^i) and row 1, column i the evaluation at ψ^(-3^i), ψ a primitive 2N-th root modulo t. The
 * automorphism X → X^3 then rotates both rows left by one column and X → X^(2N-1) swaps the rows,
 * which is what {@link BfvEvaluator#rotateRows} and {@link BfvEvaluator#rotateColumns} use. The
 * evaluations themselves come from the negacyclic NTT modulo t, whose bit-reversed output order
 * (slot k = evaluation at ψ^(2·rev(k)+1)) the index map below accounts for.
 */
public final class BatchEncoder {
    private final BfvContext ctx;
    private final Modulus t;
    private final NttTables ntt;
    private final int n;
    private final int[] slotToNtt;

    public BatchEncoder(BfvContext ctx) {
        this.ctx = ctx;
        this.t = ctx.plainModulus();
        this.ntt = ctx.plainNtt();
        this.n = ctx.ringDegree();
        int logN = Integer.numberOfTrailingZeros(n);
        int rowSize = n / 2;
        long twoN = 2L * n;
        slotToNtt = new int[n];
        long pos = 1;
        for (int i = 0; i < rowSize; i++) {
            // evaluation at ψ^e sits at NTT index rev((e - 1)/2)
            slotToNtt[i] = NttTables.bitReverse((int) ((pos - 1) >> 1), logN);
            slotToNtt[rowSize + i] = NttTables.bitReverse((int) ((twoN - pos - 1) >> 1), logN);
            pos = pos * 3 % twoN;
        }
    }

    /** N slots: two rows of N/2. */
    public int slotCount() {
        return n;
    }

    public int rowSize() {
        return n / 2;
    }

    /**
     * Encodes up to N integers (row 0 first, then row 1; missing slots are 0). Each value is taken
     * modulo t, so negative values are allowed.
     */
    public BfvPlaintext encode(long[] values) {
        if (values.length > n) {
            throw new IllegalArgumentException("at most " + n + " values fit the slots, got " + values.length);
        }
        long[] a = new long[n];
        for (int i = 0; i < values.length; i++) a[slotToNtt[i]] = t.reduceSigned(values[i]);
        ntt.inverse(a);
        return new BfvPlaintext(a, ctx.paramsId());
    }

    /** The N slot values, each in [0, t). */
    public long[] decode(BfvPlaintext pt) {
        pt.check(ctx);
        long[] a = pt.coefficients().clone();
        ntt.forward(a);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = a[slotToNtt[i]];
        return out;
    }

    /** The N slot values in the centred range (-t/2, t/2]. */
    public long[] decodeSigned(BfvPlaintext pt) {
        long[] v = decode(pt);
        long tv = t.value();
        for (int i = 0; i < n; i++) if (v[i] > tv / 2) v[i] -= tv;
        return v;
    }
}
