package org.privmed.he.bfv;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;
import org.privmed.he.math.Modulus;
import org.privmed.he.math.NttTables;
import org.privmed.he.math.Primes;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.rlwe.RlweContext;

/**
 * The BFV tensor product with scaling by t/Q, in the RNS variant of Halevi, Polyakov and Shoup
 * ("An improved RNS variant of the BFV homomorphic encryption scheme", CT-RSA 2019):
 *
 * <ol>
 *   <li>Sec. 2.2 / 4.1: extend each input poly from Q to an auxiliary basis R with the exact
 *       conversion of its centred representative ({@link ExactConverter}), so the product below is
 *       the product of the small integers, not of arbitrary representatives;</li>
 *   <li>Sec. 4.1: the tensor (c0·d0, c0·d1 + c1·d0, c1·d1) point-wise in NTT form over Q ∪ R
 *       (the Q limbs are the operands' own NTT limbs; only the R limbs are transformed);</li>
 *   <li>Sec. 2.4 ("complex scaling"): from x modulo QR compute round(t·x/Q) modulo R, where with
 *       w_i = (QR/q_i)^-1 mod q_i and w_j = (QR/r_j)^-1 mod r_j
 *       <pre>  round(t·x/Q) ≡ Σ_i x_i·⌊t·w_i·R/q_i⌋ + round(Σ_i x_i·θ_i) + x_j·[t·w_j·R/r_j]  (mod r_j)</pre>
 *       θ_i being the fractional part of t·w_i·R/q_i (one double sum per coefficient; an
 *       occasional off-by-one rounding adds 1 to a coefficient, far below the noise);</li>
 *   <li>Sec. 2.2 again: convert the result exactly from R back to Q. It is below t·N·Q/2 in
 *       absolute value, far from R/2, so the centred conversion is always exact.</li>
 * </ol>
 *
 * R consists of 60-bit NTT primes with log2(R) &gt;= log2(Q) + log2(t) + log2(N) + 2, so the scaled
 * product of two ciphertexts with centred coefficients below Q/2 fits R/2.
 */
final class HpsMultiplier {
    private static final int AUX_BITS = 60;

    private final RnsBasis q;
    private final RnsBasis r;
    private final RnsBasis qr;
    private final ExactConverter qToR;
    private final ExactConverter rToQ;
    private final double[] theta;          // θ_i
    private final long[][] intPart;        // [j][i] = ⌊t·w_i·R/q_i⌋ mod r_j
    private final long[][] intPartShoup;
    private final long[] own;              // [t·w_j·R/r_j] mod r_j
    private final long[] ownShoup;

    HpsMultiplier(RlweContext rlwe, long t) {
        this.q = rlwe.q();
        int n = q.ringDegree();
        double logQ = q.logProduct();
        int needed = (int) Math.ceil(logQ + Math.log(t) / Math.log(2) + Math.log(n) / Math.log(2) + 2);
        this.r = auxiliaryBasis(rlwe, t, needed);
        this.qr = q.concat(r);
        this.qToR = new ExactConverter(q, r);
        this.rToQ = new ExactConverter(r, q);
        int k = q.size(), m = r.size();
        BigInteger bigQR = qr.product();
        BigInteger bigR = r.product();
        BigInteger bigT = BigInteger.valueOf(t);
        theta = new double[k];
        intPart = new long[m][k];
        intPartShoup = new long[m][k];
        for (int i = 0; i < k; i++) {
            BigInteger qi = BigInteger.valueOf(q.modulus(i).value());
            BigInteger w = bigQR.divide(qi).mod(qi).modInverse(qi);
            BigInteger[] div = bigT.multiply(w).multiply(bigR).divideAndRemainder(qi);
            theta[i] = div[1].doubleValue() / qi.doubleValue();
            for (int j = 0; j < m; j++) {
                BigInteger rj = BigInteger.valueOf(r.modulus(j).value());
                intPart[j][i] = div[0].mod(rj).longValueExact();
                intPartShoup[j][i] = r.modulus(j).shoup(intPart[j][i]);
            }
        }
        own = new long[m];
        ownShoup = new long[m];
        for (int j = 0; j < m; j++) {
            BigInteger rj = BigInteger.valueOf(r.modulus(j).value());
            BigInteger w = bigQR.divide(rj).mod(rj).modInverse(rj);
            own[j] = bigT.multiply(w).multiply(bigR.divide(rj)).mod(rj).longValueExact();
            ownShoup[j] = r.modulus(j).shoup(own[j]);
        }
    }

    /** 60-bit NTT primes distinct from Q, P and t, enough of them to exceed {@code bits} bits. */
    private static RnsBasis auxiliaryBasis(RlweContext rlwe, long t, int bits) {
        Set<Long> taken = new HashSet<>();
        for (long p : rlwe.qp().primes()) taken.add(p);
        taken.add(t);
        int n = rlwe.ringDegree();
        int want = (bits + AUX_BITS - 2) / (AUX_BITS - 1); // each prime has more than 59 bits
        long[] candidates = Primes.nttPrimes(AUX_BITS, n, want + taken.size());
        NttTables[] tables = new NttTables[want];
        int found = 0;
        for (long c : candidates) {
            if (found == want) break;
            if (!taken.contains(c)) tables[found++] = new NttTables(n, new Modulus(c));
        }
        return new RnsBasis(tables, rlwe.parallelism());
    }

    /** Number of auxiliary primes (for the noise and cost notes). */
    int auxiliaryPrimes() {
        return r.size();
    }

    /** (c0, c1) ⊗ (d0, d1) scaled by t/Q and rounded: three NTT-form polys over Q. */
    RnsPoly[] multiply(RnsPoly[] a, RnsPoly[] b) {
        boolean square = a[0] == b[0] && a[1] == b[1];
        RnsPoly a0 = extend(a[0]), a1 = extend(a[1]);
        RnsPoly b0 = square ? a0 : extend(b[0]), b1 = square ? a1 : extend(b[1]);
        RnsPoly c0 = qr.newPoly(true), c1 = qr.newPoly(true), c2 = qr.newPoly(true);
        qr.parallelism().forEach(3, which -> {
            switch (which) {
                case 0 -> qr.mul(a0, b0, c0);
                case 1 -> {
                    qr.mul(a0, b1, c1);
                    if (square) {
                        qr.add(c1, c1, c1);
                    } else {
                        qr.mulAdd(a1, b0, c1);
                    }
                }
                default -> qr.mul(a1, b1, c2);
            }
        });
        return new RnsPoly[] {scaleBack(c0), scaleBack(c1), scaleBack(c2)};
    }

    /** The poly over Q ∪ R, NTT form: its own Q limbs (shared, not copied) and the extended R limbs. */
    private RnsPoly extend(RnsPoly p) {
        int n = q.ringDegree();
        RnsPoly coeff = p.copy();
        q.fromNtt(coeff);
        long[][] ext = new long[r.size()][n];
        qToR.convert(coeff.limbs(), ext);
        r.parallelism().forEach(r.size(), j -> r.ntt(j).forward(ext[j]));
        long[][] limbs = new long[q.size() + r.size()][];
        for (int i = 0; i < q.size(); i++) limbs[i] = p.limb(i);
        System.arraycopy(ext, 0, limbs, q.size(), r.size());
        return new RnsPoly(limbs, true);
    }

    /** round(t·x/Q) over Q, NTT form, for x over Q ∪ R in NTT form (x is transformed in place). */
    private RnsPoly scaleBack(RnsPoly x) {
        qr.fromNtt(x);
        long[][] scaled = scaleToR(x.limbs());
        long[][] out = new long[q.size()][q.ringDegree()];
        rToQ.convert(scaled, out);
        RnsPoly result = new RnsPoly(out, false);
        q.toNtt(result);
        return result;
    }

    private long[][] scaleToR(long[][] x) {
        int k = q.size(), m = r.size(), n = q.ringDegree();
        double[] fsum = new double[n];
        for (int i = 0; i < k; i++) {
            long[] xi = x[i];
            double th = theta[i];
            for (int c = 0; c < n; c++) fsum[c] += xi[c] * th;
        }
        long[] rounded = new long[n];
        for (int c = 0; c < n; c++) rounded[c] = Math.round(fsum[c]);
        long[][] out = new long[m][n];
        r.parallelism().forEach(m, j -> {
            long rj = r.modulus(j).value();
            long twoR = 2 * rj;
            long[] z = out[j];
            long[] xj = x[k + j];
            long ow = own[j], ows = ownShoup[j];
            Modulus mj = r.modulus(j);
            for (int c = 0; c < n; c++) {
                long s = Modulus.mulShoupLazy(xj[c], ow, ows, rj) + mj.reduce(rounded[c]); // < 3r_j
                z[c] = s - (twoR & ((twoR - 1 - s) >> 63));
            }
            long[] w = intPart[j], ws = intPartShoup[j];
            for (int i = 0; i < k; i++) {
                long wi = w[i], wsi = ws[i];
                long[] xi = x[i];
                for (int c = 0; c < n; c++) {
                    long s = z[c] + Modulus.mulShoupLazy(xi[c], wi, wsi, rj);
                    z[c] = s - (twoR & ((twoR - 1 - s) >> 63));
                }
            }
            for (int c = 0; c < n; c++) {
                long s = z[c];
                s -= twoR & ((twoR - 1 - s) >> 63);
                z[c] = s - (rj & ((rj - 1 - s) >> 63));
            }
        });
        return out;
    }
}
