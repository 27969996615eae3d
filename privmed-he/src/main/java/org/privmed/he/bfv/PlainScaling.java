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
 * so the result is Σ x_i·⌊t·w_i/q_i⌋ + round(Σ x_i·θ_i) mod t: word-size products plus one
 * double-precision sum of fractions per coefficient. The double sum is accurate to about 2^-6, so
 * a rounding can differ from the exact one only when the invariant noise is within 2^-6 of its
 * decryption limit 1/2.
 */
final class PlainScaling {
    private final RnsBasis q;
    private final Modulus t;
    private final long[] deltaModQ;       // ⌊Q/t⌋ mod q_i
    private final long[] deltaModQShoup;
    private final long rModT;             // Q mod t
    private final long[] intPart;         // ⌊t·w_i/q_i⌋ mod t
    private final long[] intPartShoup;
    private final double[] frac;          // θ_i

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
        intPart = new long[k];
        intPartShoup = new long[k];
        frac = new double[k];
        for (int i = 0; i < k; i++) {
            BigInteger qi = BigInteger.valueOf(q.modulus(i).value());
            deltaModQ[i] = delta.mod(qi).longValueExact();
            deltaModQShoup[i] = q.modulus(i).shoup(deltaModQ[i]);
            BigInteger w = bigQ.divide(qi).mod(qi).modInverse(qi);
            BigInteger[] div = w.multiply(bigT).divideAndRemainder(qi);
            intPart[i] = div[0].mod(bigT).longValueExact();
            intPartShoup[i] = t.shoup(intPart[i]);
            frac[i] = div[1].doubleValue() / qi.doubleValue();
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
        for (int i = 0; i < k; i++) {
            long[] xi = x.limb(i);
            double f = frac[i];
            long w = intPart[i], ws = intPartShoup[i];
            for (int c = 0; c < n; c++) {
                fsum[c] += xi[c] * f;
                long s = acc[c] + Modulus.mulShoupLazy(xi[c], w, ws, tv); // < 2t + 2t
                acc[c] = s - ((2 * tv) & ((2 * tv - 1 - s) >> 63));
            }
        }
        long[] out = new long[n];
        for (int c = 0; c < n; c++) out[c] = t.reduce(acc[c] + Math.round(fsum[c]));
        return out;
    }
}
