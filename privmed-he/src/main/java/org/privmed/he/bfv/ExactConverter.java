package org.privmed.he.bfv;

import java.math.BigInteger;
import org.privmed.he.math.Modulus;
import org.privmed.he.ring.RnsBasis;

/**
 * Exact basis conversion of the centred representative: from residues of x modulo A = Π a_i it
 * computes the residues, modulo each b_j of a disjoint basis B, of the integer x' ≡ x (mod A) with
 * |x'| &lt;= A/2. Halevi, Polyakov and Shoup, CT-RSA 2019, Sec. 2.2 ("fast exact base conversion"):
 *
 * <pre>  y_i = [x_i · (A/a_i)^-1]_{a_i},   v = round(Σ_i y_i / a_i),   x' = Σ_i y_i · (A/a_i) - v·A</pre>
 *
 * where v is computed in double precision. Unlike the approximate conversion of
 * {@link org.privmed.he.ring.BasisExtender} there is no +u·A error term; v can only be wrong when x
 * lies within about k·2^-53·A of ±A/2, which BFV ciphertexts (uniform modulo A) reach with
 * negligible probability and the scaled products (far below A/2) never.
 */
final class ExactConverter {
    private final RnsBasis from;
    private final RnsBasis to;
    private final long[] hatInv;        // (A/a_i)^-1 mod a_i
    private final long[] hatInvShoup;
    private final double[] inv;         // 1 / a_i
    private final long[][] hatMod;      // [j][i] = (A/a_i) mod b_j
    private final long[][] hatModShoup;
    private final long[] aMod;          // A mod b_j
    private final long[] aModShoup;

    ExactConverter(RnsBasis from, RnsBasis to) {
        this.from = from;
        this.to = to;
        int k = from.size(), m = to.size();
        BigInteger a = from.product();
        hatInv = new long[k];
        hatInvShoup = new long[k];
        inv = new double[k];
        hatMod = new long[m][k];
        hatModShoup = new long[m][k];
        aMod = new long[m];
        aModShoup = new long[m];
        for (int i = 0; i < k; i++) {
            BigInteger ai = BigInteger.valueOf(from.modulus(i).value());
            BigInteger hat = a.divide(ai);
            hatInv[i] = hat.mod(ai).modInverse(ai).longValueExact();
            hatInvShoup[i] = from.modulus(i).shoup(hatInv[i]);
            inv[i] = 1.0 / ai.doubleValue();
            for (int j = 0; j < m; j++) {
                BigInteger bj = BigInteger.valueOf(to.modulus(j).value());
                hatMod[j][i] = hat.mod(bj).longValueExact();
                hatModShoup[j][i] = to.modulus(j).shoup(hatMod[j][i]);
            }
        }
        for (int j = 0; j < m; j++) {
            BigInteger bj = BigInteger.valueOf(to.modulus(j).value());
            aMod[j] = a.mod(bj).longValueExact();
            aModShoup[j] = to.modulus(j).shoup(aMod[j]);
        }
    }

    /**
     * @param in  |A| coefficient-form limbs with residues in [0, a_i)
     * @param out |B| limbs receiving residues in [0, b_j)
     */
    void convert(long[][] in, long[][] out) {
        int k = from.size();
        int n = from.ringDegree();
        long[][] y = new long[k][n];
        double[] sum = new double[n];
        for (int i = 0; i < k; i++) {
            long ai = from.modulus(i).value();
            long w = hatInv[i], ws = hatInvShoup[i];
            double f = inv[i];
            long[] x = in[i], yi = y[i];
            for (int c = 0; c < n; c++) {
                long r = Modulus.mulShoupLazy(x[c], w, ws, ai);
                r -= ai & ((ai - 1 - r) >> 63);
                yi[c] = r;
                sum[c] += r * f;
            }
        }
        long[] v = new long[n];
        for (int c = 0; c < n; c++) v[c] = Math.round(sum[c]);
        from.parallelism().forEach(to.size(), j -> accumulate(y, v, j, out[j], n));
    }

    private void accumulate(long[][] y, long[] v, int j, long[] z, int n) {
        Modulus bj = to.modulus(j);
        long b = bj.value();
        long twoB = 2 * b;
        long[] w = hatMod[j], ws = hatModShoup[j];
        long am = aMod[j], ams = aModShoup[j];
        // start from 2b - [v·A]_lazy, in (0, 2b]: the subtraction of v·A never goes negative
        for (int c = 0; c < n; c++) z[c] = twoB - Modulus.mulShoupLazy(v[c], am, ams, b);
        // every term is below 2b, so `group` of them can be added to a value below 2b before the
        // sum nears 2^63; one Barrett reduction per group instead of a correction per term
        long group = (Long.MAX_VALUE - twoB) / twoB;
        long pending = 0;
        for (int i = 0; i < y.length; i++) {
            if (pending == group) {
                bj.reduce(z);
                pending = 0;
            }
            long wi = w[i], wsi = ws[i];
            long[] yi = y[i];
            for (int c = 0; c < n; c++) z[c] += Modulus.mulShoupLazy(yi[c], wi, wsi, b);
            pending++;
        }
        bj.reduce(z);
    }
}
