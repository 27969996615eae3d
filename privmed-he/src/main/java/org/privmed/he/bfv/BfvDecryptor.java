package org.privmed.he.bfv;

import java.math.BigInteger;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.rlwe.Decryptor;
import org.privmed.he.rlwe.SecretKey;

/**
 * BFV decryption, m = round(t·[c0 + c1·s]_Q / Q) mod t (the scaling by
 * {@link PlainScaling#scaleDown}), and the invariant noise budget.
 *
 * <p>Invariant noise (Laine, Chen, Player, "Simple Encrypted Arithmetic Library v2.1", Sec. 7.2; as
 * SEAL's {@code invariant_noise_budget} measures it): t/Q·(c0 + c1·s) = m + v + t·k for a rational
 * poly v, and decryption is correct while ‖v‖∞ &lt; 1/2. Since ‖[t·(c0 + c1·s)]_Q‖∞ = Q·‖v‖∞ (up to
 * the rounding of Δ), the budget is bits(Q) - bits(‖[t·(c0 + c1·s)]_Q‖∞) - 1: the number of bits
 * by which the noise can still grow. This needs the secret key, so it is a client-side diagnostic.
 */
public final class BfvDecryptor {
    private final BfvContext ctx;
    private final Decryptor decryptor;

    public BfvDecryptor(BfvContext ctx, SecretKey secretKey) {
        this.ctx = ctx;
        this.decryptor = new Decryptor(ctx.rlwe(), secretKey);
    }

    public BfvPlaintext decrypt(BfvCiphertext ct) {
        RnsPoly x = phase(ct);
        return new BfvPlaintext(ctx.scaling(ct.level()).scaleDown(x), ctx.paramsId());
    }

    /** c0 + c1·s (+ c2·s²) over Q in coefficient form. */
    private RnsPoly phase(BfvCiphertext ct) {
        ct.check(ctx, "ciphertext");
        RnsPoly x = decryptor.decrypt(ct.polys());
        ctx.rlwe().qAtLevel(ct.level()).fromNtt(x);
        return x;
    }

    /** Bits of headroom left before decryption fails; 0 when the noise is already too large. */
    public int invariantNoiseBudget(BfvCiphertext ct) {
        RnsPoly x = phase(ct);
        RnsBasis q = ctx.rlwe().qAtLevel(ct.level());
        int k = q.size(), n = ctx.ringDegree();
        long t = ctx.params().plainModulus();
        BigInteger bigQ = q.product();
        BigInteger halfQ = bigQ.shiftRight(1);
        BigInteger[] hat = new BigInteger[k];
        long[] hatInv = new long[k];
        for (int i = 0; i < k; i++) {
            BigInteger qi = BigInteger.valueOf(q.modulus(i).value());
            hat[i] = bigQ.divide(qi);
            hatInv[i] = hat[i].mod(qi).modInverse(qi).longValueExact();
        }
        BigInteger norm = BigInteger.ZERO;
        for (int c = 0; c < n; c++) {
            // CRT composition of [t·x]_Q, then its centred absolute value
            BigInteger v = BigInteger.ZERO;
            for (int i = 0; i < k; i++) {
                var m = q.modulus(i);
                long y = m.mul(m.mul(x.limb(i)[c], m.reduce(t)), hatInv[i]);
                v = v.add(hat[i].multiply(BigInteger.valueOf(y)));
            }
            v = v.mod(bigQ);
            if (v.compareTo(halfQ) > 0) v = bigQ.subtract(v);
            if (v.compareTo(norm) > 0) norm = v;
        }
        return Math.max(0, bigQ.bitLength() - norm.bitLength() - 1);
    }
}
