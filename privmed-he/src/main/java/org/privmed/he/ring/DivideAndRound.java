package org.privmed.he.ring;

import java.math.BigInteger;
import org.privmed.he.math.Modulus;

/**
 * Exact division by the product P of the trailing primes of a basis, with rounding: from x modulo
 * Q·P (residues over Q followed by P, NTT form) it computes round(x / P) modulo Q (NTT form).
 *
 * <p>This one routine is both the ModDown of hybrid key switching (Han and Ki, "Better
 * bootstrapping for approximate homomorphic encryption", CT-RSA 2020, Sec. 3; Kim, Polyakov,
 * Zucca, "Revisiting homomorphic encryption schemes for finite fields", ASIACRYPT 2021, Alg. 2) and
 * the CKKS rescale by the last prime (P = {q_l}; Cheon, Han, Kim, Kim, Song, "A full RNS variant of
 * approximate homomorphic encryption", SAC 2018, Sec. 3.3). It computes
 *
 * <pre>  round(x/P) = (x + ⌊P/2⌋ - Conv_{P→Q}([x + ⌊P/2⌋]_P)) · P^-1  mod q_i</pre>
 *
 * The fast conversion returns [y]_P + u·P with 0 &lt;= u &lt; |P|, so the result is exact up to an
 * additive u &lt; |P|; with a single prime in P (rescale, or SEAL-style key switching) u = 0 and the
 * result is exactly round(x/P) (ties toward +∞).
 */
public final class DivideAndRound {
    private final RnsBasis q;
    private final RnsBasis p;
    private final BasisExtender pToQ;
    private final long[] halfModP;      // ⌊P/2⌋ mod p_j
    private final long[] halfModQ;      // ⌊P/2⌋ mod q_i
    private final long[] pInv;          // P^-1 mod q_i
    private final long[] pInvShoup;

    public DivideAndRound(RnsBasis q, RnsBasis p) {
        this.q = q;
        this.p = p;
        this.pToQ = new BasisExtender(p, q);
        BigInteger bigP = p.product();
        BigInteger half = bigP.shiftRight(1);
        halfModP = new long[p.size()];
        for (int j = 0; j < p.size(); j++) halfModP[j] = half.mod(BigInteger.valueOf(p.modulus(j).value())).longValue();
        halfModQ = new long[q.size()];
        pInv = new long[q.size()];
        pInvShoup = new long[q.size()];
        for (int i = 0; i < q.size(); i++) {
            Modulus m = q.modulus(i);
            BigInteger bq = BigInteger.valueOf(m.value());
            halfModQ[i] = half.mod(bq).longValue();
            pInv[i] = bigP.mod(bq).modInverse(bq).longValue();
            pInvShoup[i] = m.shoup(pInv[i]);
        }
    }

    public RnsBasis q() {
        return q;
    }

    public RnsBasis p() {
        return p;
    }

    /**
     * @param in  NTT-form poly with |Q| + |P| limbs (Q limbs first), residues in [0, q) or lazily in
     *            [0, 2q) (the inverse NTT and the final Shoup product both accept that range); it is
     *            left unchanged unless it is also {@code out}
     * @param out NTT-form poly receiving |Q| limbs; may be {@code in} itself (its first limbs are
     *            overwritten, the caller drops the rest)
     */
    public void apply(RnsPoly in, RnsPoly out) {
        apply(in, out, false);
    }

    /** As {@link #apply} but free to overwrite the P limbs of {@code in} (a temporary), saving a copy. */
    public void applyDestructive(RnsPoly in, RnsPoly out) {
        apply(in, out, true);
    }

    private void apply(RnsPoly in, RnsPoly out, boolean destroyInput) {
        int l = q.size(), k = p.size();
        if (!in.isNtt()) {
            throw new IllegalArgumentException("divide-and-round expects NTT form input");
        }
        if (in.limbCount() < l + k || out.limbCount() < l) {
            throw new IllegalArgumentException("divide-and-round needs " + (l + k) + " input and " + l
                    + " output limbs, got " + in.limbCount() + " and " + out.limbCount());
        }
        int n = q.ringDegree();
        long[][] pCoeffs = new long[k][];
        p.parallelism().forEach(k, j -> {
            long[] c = destroyInput ? in.limb(l + j) : in.limb(l + j).clone();
            p.ntt(j).inverse(c);
            final long pj = p.modulus(j).value();
            final long h = halfModP[j];
            for (int t = 0; t < n; t++) {
                long s = c[t] + h;
                c[t] = s - (pj & ((pj - 1 - s) >> 63));
            }
            pCoeffs[j] = c;
        });
        final long[][] conv;
        if (k == 1) {
            conv = null; // a single prime converts by plain reduction, fused into the loop below
        } else {
            conv = new long[l][n];
            pToQ.convert(pCoeffs, conv);
        }
        q.parallelism().forEach(l, i -> {
            final Modulus m = q.modulus(i);
            final long qi = m.value();
            final long h = halfModQ[i];
            long[] c;
            if (conv == null) {
                // the output limb doubles as scratch unless it is the input limb itself
                c = out.limb(i) != in.limb(i) ? out.limb(i) : new long[n];
                long[] y = pCoeffs[0];
                for (int t = 0; t < n; t++) {
                    long d = m.reduce(y[t]) - h;
                    c[t] = d + ((d >> 63) & qi);
                }
            } else {
                // c - ⌊P/2⌋ coefficient-wise, so that x - c' = x + ⌊P/2⌋ - Conv(...) per coefficient
                c = conv[i];
                for (int t = 0; t < n; t++) {
                    long d = c[t] - h;
                    c[t] = d + ((d >> 63) & qi);
                }
            }
            q.ntt(i).forwardLazy(c);
            final long w = pInv[i], ws = pInvShoup[i];
            final long fourQ = 4 * qi;
            final long[] x = in.limb(i), z = out.limb(i);
            for (int t = 0; t < n; t++) {
                long v = x[t] - c[t] + fourQ; // c in [0, 4q): v in (0, 5q), a valid Shoup input
                long r = Modulus.mulShoupLazy(v, w, ws, qi);
                z[t] = r - (qi & ((qi - 1 - r) >> 63));
            }
        });
        out.setNtt(true);
    }
}
