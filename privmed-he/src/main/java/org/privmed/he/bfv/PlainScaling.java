package org.privmed.he.bfv;

import java.math.BigInteger;
import org.privmed.he.math.Modulus;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;

/**
 * The two scalings between the plaintext ring R_t and the ciphertext ring R_Q, both exact in RNS.
 *
 * <p>Up: round(Q·m/t) for m in [0, t), the scaled message of encryption and plain addition. With
 * Q = ⌊Q/t⌋·t + r this is ⌊Q/t⌋·m + ⌊(r·m + ⌊t/2⌋)/t⌋, where the second term is a word-size integer
 * because r·m &lt; t² &lt; 2^60. Rounding Q·m/t instead of using ⌊Q/t⌋·m leaves only a ±1/2 error,
 * so the r·m term that would otherwise dominate fresh noise disappears (the "scaling variant" of
 * SEAL 3.6 and later; Kim, Polyakov, Zucca, ASIACRYPT 2021, Sec. 3).
 *
 * <p>Down: round(t·x/Q) mod t for x given by its residues, decryption's last step. This is the
 * simple scaling of Halevi, Polyakov and Shoup ("An improved RNS variant of the BFV homomorphic
 * encryption scheme", CT-RSA 2019, Sec. 2.4): with w_i = (Q/q_i)^-1 mod q_i,
 *
 * <pre>  t·x/Q ≡ Σ_i x_i · t·w_i/q_i  (mod t),   t·w_i/q_i = ⌊t·w_i/q_i⌋ + θ_i,</pre>
 *
 * so the result is Σ x_i·⌊t·w_i/q_i⌋ + round(Σ x_i·θ_i) mod t. A double sum of x_i·θ_i would lose
 * the fraction once Σ q_i nears 2^53, so each product is split exactly: with θ_i = f_i/q_i and
 * ρ_i = [x_i·f_i]_{q_i}, x_i·θ_i = (x_i·f_i - ρ_i)/q_i + ρ_i/q_i, where the first term is an
 * integer (taken modulo t with q_i^-1 mod t) and only Σ ρ_i/q_i &lt; k goes through a double. The
 * rounding is then exact unless the noise is within about k·2^-52 of its limit 1/2.
 */
final class PlainScaling {
    private final RnsBasis q;
    private final Modulus t;
    private final long[] deltaModQ;       // ⌊Q/t⌋ mod q_i
    private final long[] deltaModQShoup;
    private final long rModT;             // Q mod t
    private final long[] fracNum;         // f_i = t·w_i mod q_i, so θ_i = f_i/q_i
    private final long[] fracNumShoup;
    private final double[] inv;           // 1/q_i
    private final long[] whole;           // ⌊t·w_i/q_i⌋ + f_i·q_i^-1 mod t, the factor of x_i
    private final long[] wholeShoup;
    private final long[] qInvT;           // q_i^-1 mod t, the factor of -ρ_i
    private final long[] qInvTShoup;

    PlainScaling(RnsBasis q, Modulus t) {
        this.q = q;
        this.t = t;
        int k = q.size();
        BigInteger bigQ = q.product();
        BigInteger bigT = BigInteger.valueOf(t.value());
        BigInteger delta = bigQ.divide(bigT);
        rModT = bigQ.mod(bigT).longValueExact();
        deltaModQ = new long[k];
        deltaModQShoup = new long[k];
        fracNum = new long[k];
        fracNumShoup = new long[k];
        inv = new double[k];
        whole = new long[k];
        wholeShoup = new long[k];
        qInvT = new long[k];
        qInvTShoup = new long[k];
        for (int i = 0; i < k; i++) {
            BigInteger qi = BigInteger.valueOf(q.modulus(i).value());
            deltaModQ[i] = delta.mod(qi).longValueExact();
            deltaModQShoup[i] = q.modulus(i).shoup(deltaModQ[i]);
            BigInteger w = bigQ.divide(qi).mod(qi).modInverse(qi);
            BigInteger[] div = w.multiply(bigT).divideAndRemainder(qi);
            BigInteger qiInv = qi.modInverse(bigT);
            fracNum[i] = div[1].longValueExact();
            fracNumShoup[i] = q.modulus(i).shoup(fracNum[i]);
            inv[i] = 1.0 / qi.doubleValue();
            whole[i] = div[0].add(div[1].multiply(qiInv)).mod(bigT).longValueExact();
            wholeShoup[i] = t.shoup(whole[i]);
            qInvT[i] = qiInv.longValueExact();
            qInvTShoup[i] = t.shoup(qInvT[i]);
        }
    }

    /** round(Q·m/t) over all primes of Q, NTT form; m holds N values in [0, t). */
    RnsPoly scaleUp(long[] m) {
        int n = q.ringDegree();
        long tv = t.value();
        long half = tv >>> 1;
        long[] carry = new long[n];
        for (int c = 0; c < n; c++) carry[c] = floorDiv(rModT * m[c] + half, tv);
        RnsPoly out = q.newPoly(false);
        q.parallelism().forEach(q.size(), i -> {
            Modulus qi = q.modulus(i);
            long[] z = out.limb(i);
            long d = deltaModQ[i], ds = deltaModQShoup[i];
            for (int c = 0; c < n; c++) {
                // m < t < q_i and carry < t: one Shoup product and one reduction of a sum below 3q
                z[c] = qi.reduce(qi.mulShoup(m[c], d, ds) + carry[c]);
            }
            q.ntt(i).forward(z);
        });
        out.setNtt(true);
        return out;
    }

    /**
     * round(Q·m/t) modulo every prime of Q for one value m in [0, t): the residues of
     * {@link #scaleUp} of the constant polynomial m, whose NTT form holds that value in every slot.
     */
    long[] scaleUpConstant(long m) {
        long tv = t.value();
        long carry = floorDiv(rModT * m + (tv >>> 1), tv);
        long[] out = new long[q.size()];
        for (int i = 0; i < out.length; i++) {
            Modulus qi = q.modulus(i);
            out[i] = qi.reduce(qi.mulShoup(m, deltaModQ[i], deltaModQShoup[i]) + carry);
        }
        return out;
    }

    /** ⌊x/t⌋ for 0 &lt;= x &lt; 2^62 without a long division per coefficient. */
    private static long floorDiv(long x, long t) {
        long quotient = (long) ((double) x / t);
        long rest = x - quotient * t;
        while (rest < 0) {
            quotient--;
            rest += t;
        }
        while (rest >= t) {
            quotient++;
            rest -= t;
        }
        return quotient;
    }

    /** m lifted to the centred range (-t/2, t/2] and reduced modulo every prime of Q, NTT form. */
    RnsPoly lift(long[] m) {
        int n = q.ringDegree();
        long tv = t.value();
        long half = tv >>> 1;
        RnsPoly out = q.newPoly(false);
        q.parallelism().forEach(q.size(), i -> {
            long qi = q.modulus(i).value();
            long[] z = out.limb(i);
            for (int c = 0; c < n; c++) z[c] = m[c] > half ? m[c] - tv + qi : m[c];
            q.ntt(i).forward(z);
        });
        out.setNtt(true);
        return out;
    }

    /** round(t·x/Q) mod t per coefficient, x in coefficient form over Q with residues in [0, q_i). */
    long[] scaleDown(RnsPoly x) {
        int n = q.ringDegree();
        int k = q.size();
        double[] fsum = new double[n];
        long[] acc = new long[n];
        long tv = t.value();
        long twoT = 2 * tv;
        for (int i = 0; i < k; i++) {
            long[] xi = x.limb(i);
            Modulus qi = q.modulus(i);
            long f = fracNum[i], fs = fracNumShoup[i], a = whole[i], as = wholeShoup[i], b = qInvT[i], bs = qInvTShoup[i];
            double di = inv[i];
            for (int c = 0; c < n; c++) {
                long rho = qi.mulShoup(xi[c], f, fs);
                fsum[c] += rho * di;
                // x·a - ρ·b mod t, lazily in [0, 2t): both Shoup products are below 2t
                long s = acc[c] + Modulus.mulShoupLazy(xi[c], a, as, tv) + twoT - Modulus.mulShoupLazy(rho, b, bs, tv);
                s -= twoT & ((twoT - 1 - s) >> 63);
                acc[c] = s - (twoT & ((twoT - 1 - s) >> 63));
            }
        }
        long[] out = new long[n];
        for (int c = 0; c < n; c++) out[c] = t.reduce(acc[c] + Math.round(fsum[c]));
        return out;
    }
}
