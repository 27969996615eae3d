package org.privmed.he.ring;

import java.math.BigInteger;
import org.privmed.he.math.Modulus;

/**
 * Fast (approximate) basis conversion from an RNS basis A = {a_i} to a disjoint basis B = {b_j}:
 *
 * <pre>  Conv(x)_j = Σ_i [x_i · (A/a_i)^-1]_{a_i} · (A/a_i) mod b_j</pre>
 *
 * which equals x + u·A modulo each b_j for some integer 0 &lt;= u &lt; |A| when x is given by its
 * residues in [0, a_i) (Bajard, Eynard, Hasan, Zucca, "A full RNS variant of FV like somewhat
 * homomorphic encryption schemes", SAC 2016, Sec. 2.2; also Halevi, Polyakov, Shoup, CT-RSA 2019).
 * This is the ModUp step of hybrid key switching and the core of ModDown and rescaling; callers
 * arrange that the +u·A term is harmless (a multiple of the gadget's kernel, or divided away).
 *
 * <p>Every constant is multiplied with Shoup's method, so the inner loop has no division and no
 * 128-bit reduction; inputs only need to be below 2^63.
 */
public final class BasisExtender {
    private final RnsBasis from;
    private final RnsBasis to;
    private final long[] hatInv;        // (A/a_i)^-1 mod a_i
    private final long[] hatInvShoup;
    private final long[][] hatMod;      // [j][i] = (A/a_i) mod b_j
    private final long[][] hatModShoup;

    public BasisExtender(RnsBasis from, RnsBasis to) {
        this.from = from;
        this.to = to;
        int k = from.size(), m = to.size();
        BigInteger a = from.product();
        hatInv = new long[k];
        hatInvShoup = new long[k];
        hatMod = new long[m][k];
        hatModShoup = new long[m][k];
        for (int i = 0; i < k; i++) {
            Modulus ai = from.modulus(i);
            BigInteger hat = a.divide(BigInteger.valueOf(ai.value()));
            hatInv[i] = hat.mod(BigInteger.valueOf(ai.value())).modInverse(BigInteger.valueOf(ai.value())).longValue();
            hatInvShoup[i] = ai.shoup(hatInv[i]);
            for (int j = 0; j < m; j++) {
                Modulus bj = to.modulus(j);
                if (bj.value() == ai.value()) {
                    throw new IllegalArgumentException("bases share the prime " + ai.value());
                }
                hatMod[j][i] = hat.mod(BigInteger.valueOf(bj.value())).longValue();
                hatModShoup[j][i] = bj.shoup(hatMod[j][i]);
            }
        }
    }

    public RnsBasis from() {
        return from;
    }

    public RnsBasis to() {
        return to;
    }

    /**
     * Converts coefficient-form residues {@code in[0..|A|)} (each in [0, a_i)) to residues
     * {@code out[0..|B|)} modulo the target primes, in [0, b_j). Neither array is in NTT form.
     */
    public void convert(long[][] in, long[][] out) {
        int k = from.size();
        int n = from.ringDegree();
        if (in.length < k || out.length < to.size()) {
            throw new IllegalArgumentException("conversion needs " + k + " input and " + to.size()
                    + " output limbs, got " + in.length + " and " + out.length);
        }
        if (k == 1) {
            // |A| = 1: A/a_0 = 1, so the conversion is a plain reduction modulo each b_j (a copy when
            // a_0 < b_j), one pass instead of a multiplication by 1 and a correction pass
            final long[] x = in[0];
            final long a0 = from.modulus(0).value();
            from.parallelism().forEach(to.size(), j -> {
                Modulus bj = to.modulus(j);
                if (a0 <= bj.value()) {
                    System.arraycopy(x, 0, out[j], 0, n);
                } else {
                    final long[] z = out[j];
                    for (int c = 0; c < n; c++) z[c] = bj.reduce(x[c]);
                }
            });
            return;
        }
        // y_i = x_i · (A/a_i)^-1 mod a_i
        final long[][] y = new long[k][n];
        for (int i = 0; i < k; i++) {
            final long ai = from.modulus(i).value();
            final long w = hatInv[i], ws = hatInvShoup[i];
            final long[] x = in[i], yi = y[i];
            for (int c = 0; c < n; c++) {
                long r = Modulus.mulShoupLazy(x[c], w, ws, ai);
                yi[c] = r - (ai & ((ai - 1 - r) >> 63));
            }
        }
        from.parallelism().forEach(to.size(), j -> accumulate(y, j, out[j], n));
    }

    private void accumulate(long[][] y, int j, long[] z, int n) {
        final long bj = to.modulus(j).value();
        final long twoB = 2 * bj;
        final long[] w = hatMod[j], ws = hatModShoup[j];
        final int k = y.length;
        {
            final long w0 = w[0], ws0 = ws[0];
            final long[] y0 = y[0];
            for (int c = 0; c < n; c++) z[c] = Modulus.mulShoupLazy(y0[c], w0, ws0, bj);
        }
        for (int i = 1; i < k; i++) {
            final long wi = w[i], wsi = ws[i];
            final long[] yi = y[i];
            for (int c = 0; c < n; c++) {
                long s = z[c] + Modulus.mulShoupLazy(yi[c], wi, wsi, bj);
                z[c] = s - (twoB & ((twoB - 1 - s) >> 63));
            }
        }
        for (int c = 0; c < n; c++) {
            long s = z[c];
            z[c] = s - (bj & ((bj - 1 - s) >> 63));
        }
    }
}
