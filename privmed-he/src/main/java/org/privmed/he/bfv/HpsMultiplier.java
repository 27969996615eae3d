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
 *       θ_i = f_i/q_i being the fractional part of t·w_i·R/q_i. As in {@link PlainScaling}, each
 *       x_i·θ_i is split exactly into the integer (x_i·f_i - ρ_i)/q_i, ρ_i = [x_i·f_i]_{q_i}, taken
 *       modulo r_j with q_i^-1, and ρ_i/q_i, so only a sum below |Q| goes through a double and the
 *       rounding is exact up to about |Q|·2^-52 (an off-by-one would add 1 to a coefficient, far
 *       below the noise);</li>
 *   <li>Sec. 2.2 again: convert the result exactly from R back to Q. It is below t·N·Q/2 in
 *       absolute value, far from R/2, so the centred conversion is always exact.</li>
 * </ol>
 *
 * R consists of 58-bit NTT primes with log2(R) &gt;= log2(Q) + log2(t) + log2(N) + 2, so the scaled
 * product of two ciphertexts with centred coefficients below Q/2 fits R/2. 58 rather than 60 bits:
 * up to N = 2^15 the forward NTT of such primes needs no per-stage correction (see
 * {@link NttTables}), which made the multiplication about 5% faster at the same prime count.
 */
final class HpsMultiplier {
    private static final int AUX_BITS = 58;

    private final RnsBasis q;
    private final RnsBasis r;
    private final RnsBasis qr;
    private final ExactConverter qToR;
    private final ExactConverter rToQ;
    private final long[] fracNum;          // f_i, θ_i = f_i/q_i
    private final long[] fracNumShoup;
    private final double[] inv;            // 1/q_i
    private final long[][] whole;          // [j][i] = ⌊t·w_i·R/q_i⌋ + f_i·q_i^-1 mod r_j, factor of x_i
    private final long[][] wholeShoup;
    private final long[][] qInv;           // [j][i] = q_i^-1 mod r_j, factor of -ρ_i
    private final long[][] qInvShoup;
    private final long[] own;              // [t·w_j·R/r_j] mod r_j
    private final long[] ownShoup;

    /** For ciphertexts over {@code q} (Q or a prefix Q_l of it); R avoids every prime of rlwe's Q ∪ P and t. */
    HpsMultiplier(RlweContext rlwe, RnsBasis q, long t) {
        this.q = q;
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
        fracNum = new long[k];
        fracNumShoup = new long[k];
        inv = new double[k];
        whole = new long[m][k];
        wholeShoup = new long[m][k];
        qInv = new long[m][k];
        qInvShoup = new long[m][k];
        for (int i = 0; i < k; i++) {
            BigInteger qi = BigInteger.valueOf(q.modulus(i).value());
            BigInteger w = bigQR.divide(qi).mod(qi).modInverse(qi);
            BigInteger[] div = bigT.multiply(w).multiply(bigR).divideAndRemainder(qi);
            fracNum[i] = div[1].longValueExact();
            fracNumShoup[i] = q.modulus(i).shoup(fracNum[i]);
            inv[i] = 1.0 / qi.doubleValue();
            for (int j = 0; j < m; j++) {
                BigInteger rj = BigInteger.valueOf(r.modulus(j).value());
                BigInteger qiInv = qi.modInverse(rj);
                whole[j][i] = div[0].add(div[1].multiply(qiInv)).mod(rj).longValueExact();
                wholeShoup[j][i] = r.modulus(j).shoup(whole[j][i]);
                qInv[j][i] = qiInv.longValueExact();
                qInvShoup[j][i] = r.modulus(j).shoup(qInv[j][i]);
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

    /** 58-bit NTT primes distinct from Q, P and t, enough of them to exceed {@code bits} bits. */
    private static RnsBasis auxiliaryBasis(RlweContext rlwe, long t, int bits) {
        Set<Long> taken = new HashSet<>();
        for (long p : rlwe.qp().primes()) taken.add(p);
        taken.add(t);
        int n = rlwe.ringDegree();
        int want = (bits + AUX_BITS - 2) / (AUX_BITS - 1); // each prime has more than 57 bits
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
        if (a[0] == b[0] && a[1] == b[1]) {
            return square(a);
        }
        return tensor(extend(a[0]), extend(a[1]), extend(b[0]), extend(b[1]), null);
    }

    /**
     * (c0, c1) ⊗ (c0, c1) = (c0², 2·c0·c1, c1²) scaled by t/Q and rounded, the squaring shortcut of
     * Sec. 4 of the paper: the operand is extended to Q ∪ R once (two conversions instead of four)
     * and the tensor takes three point-wise products instead of four. Modulo every prime the
     * products are those of {@link #multiply} with equal operands, so the result is identical.
     */
    RnsPoly[] square(RnsPoly[] a) {
        RnsPoly a0 = extend(a[0]), a1 = extend(a[1]);
        return tensor(a0, a1, a0, a1, null);
    }

    /**
     * {@link #square} that also returns c2² scaled in coefficient form (element 3), as the scaling
     * produced it before its forward NTT: relinearization starts from it and skips the inverse NTTs.
     */
    RnsPoly[] squareForRelinearization(RnsPoly[] a) {
        RnsPoly a0 = extend(a[0]), a1 = extend(a[1]);
        RnsPoly[] lastCoefficients = new RnsPoly[1];
        RnsPoly[] c = tensor(a0, a1, a0, a1, lastCoefficients);
        return new RnsPoly[] {c[0], c[1], c[2], lastCoefficients[0]};
    }

    /**
     * {@link #square} left in coefficient form: what weighted sums before a relinearization need
     * (they are linear, so they commute with the NTT), without the result's 3·k forward NTTs.
     */
    RnsPoly[] squareCoefficients(RnsPoly[] a) {
        RnsPoly a0 = extend(a[0]), a1 = extend(a[1]);
        return tensor(a0, a1, a0, a1, null, false);
    }

    private RnsPoly[] tensor(RnsPoly a0, RnsPoly a1, RnsPoly b0, RnsPoly b1, RnsPoly[] lastCoefficients) {
        return tensor(a0, a1, b0, b1, lastCoefficients, true);
    }

    /** The scaled tensor of operands already over Q ∪ R; the same operand twice takes the square's three products. */
    private RnsPoly[] tensor(RnsPoly a0, RnsPoly a1, RnsPoly b0, RnsPoly b1, RnsPoly[] lastCoefficients,
            boolean toNtt) {
        boolean square = a0 == b0 && a1 == b1;
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
        return new RnsPoly[] {scaleBack(c0, null, toNtt), scaleBack(c1, null, toNtt),
            scaleBack(c2, lastCoefficients, toNtt)};
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

    /**
     * round(t·x/Q) over Q, NTT form, for x over Q ∪ R in NTT form (x is transformed in place);
     * {@code coefficients} non-null receives the result in coefficient form as well.
     */
    private RnsPoly scaleBack(RnsPoly x, RnsPoly[] coefficients, boolean toNtt) {
        qr.fromNtt(x);
        long[][] scaled = scaleToR(x.limbs());
        long[][] out = new long[q.size()][q.ringDegree()];
        rToQ.convert(scaled, out);
        RnsPoly result = new RnsPoly(out, false);
        if (coefficients != null) {
            coefficients[0] = result.copy();
        }
        if (toNtt) {
            q.toNtt(result);
        }
        return result;
    }

    /**
     * Per-thread buffers of {@link #scaleToR}: its intermediates are consumed before the caller's
     * next scaling (the limb bodies run on a plain pool whose waiting never runs another task on
     * the caller), and reusing them spares about 40% of a squaring's allocation.
     */
    private final class Scratch {
        final double[] fsum = new double[q.ringDegree()];
        final long[][] rho = new long[q.size()][q.ringDegree()];
        final long[] rounded = new long[q.ringDegree()];
        final long[][] out = new long[r.size()][q.ringDegree()];
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** round(t·x/Q) modulo R; the result lives in this thread's scratch until its next call. */
    private long[][] scaleToR(long[][] x) {
        int k = q.size(), m = r.size(), n = q.ringDegree();
        Scratch sc = scratch.get();
        double[] fsum = sc.fsum;
        java.util.Arrays.fill(fsum, 0);
        long[][] rho = sc.rho;
        for (int i = 0; i < k; i++) {
            Modulus qi = q.modulus(i);
            long f = fracNum[i], fs = fracNumShoup[i];
            double di = inv[i];
            long[] xi = x[i], ri = rho[i];
            for (int c = 0; c < n; c++) {
                long v = qi.mulShoup(xi[c], f, fs);
                ri[c] = v;
                fsum[c] += v * di;
            }
        }
        long[] rounded = sc.rounded;
        for (int c = 0; c < n; c++) rounded[c] = Math.round(fsum[c]); // < k
        long[][] out = sc.out;
        r.parallelism().forEach(m, j -> {
            long rj = r.modulus(j).value();
            long twoR = 2 * rj;
            long[] z = out[j];
            long[] xj = x[k + j];
            long ow = own[j], ows = ownShoup[j];
            for (int c = 0; c < n; c++) {
                long s = Modulus.mulShoupLazy(xj[c], ow, ows, rj) + rounded[c]; // < 2r_j + k
                z[c] = s - (twoR & ((twoR - 1 - s) >> 63));
            }
            long[] a = whole[j], as = wholeShoup[j], b = qInv[j], bs = qInvShoup[j];
            for (int i = 0; i < k; i++) {
                long ai = a[i], asi = as[i], bi = b[i], bsi = bs[i];
                long[] xi = x[i], ri = rho[i];
                for (int c = 0; c < n; c++) {
                    // z + x·a - ρ·b, each Shoup product in [0, 2r): the sum stays in (0, 6r)
                    long s = z[c] + Modulus.mulShoupLazy(xi[c], ai, asi, rj) + twoR
                            - Modulus.mulShoupLazy(ri[c], bi, bsi, rj);
                    s -= twoR & ((twoR - 1 - s) >> 63);
                    z[c] = s - (twoR & ((twoR - 1 - s) >> 63));
                }
            }
            for (int c = 0; c < n; c++) {
                long s = z[c];
                z[c] = s - (rj & ((rj - 1 - s) >> 63));
            }
        });
        return out;
    }
}
