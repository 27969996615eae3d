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
 *       x_i·θ_i is split exactly into the integer u_i = ⌊x_i·f_i/q_i⌋ (the quotient of Shoup's
 *       multiplication by f_i, so it costs nothing extra) and ρ_i/q_i, ρ_i = [x_i·f_i]_{q_i}, so
 *       only a sum below k goes through a double and the rounding is exact up to about k·2^-52
 *       (an off-by-one would add 1 to a coefficient, far below the noise);</li>
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
    private final long[][] whole;          // [j][i] = ⌊t·w_i·R/q_i⌋ mod r_j, factor of x_i
    private final long[][] wholeShoup;
    private final long[] own;              // [t·w_j·R/r_j] mod r_j
    private final long[] ownShoup;
    private final long[] group;            // [j]: terms of the sum modulo r_j added between two reductions

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
        long maxQ = 0;
        for (int i = 0; i < k; i++) {
            BigInteger qi = BigInteger.valueOf(q.modulus(i).value());
            maxQ = Math.max(maxQ, q.modulus(i).value());
            BigInteger w = bigQR.divide(qi).mod(qi).modInverse(qi);
            BigInteger[] div = bigT.multiply(w).multiply(bigR).divideAndRemainder(qi);
            fracNum[i] = div[1].longValueExact();
            fracNumShoup[i] = q.modulus(i).shoup(fracNum[i]);
            inv[i] = 1.0 / qi.doubleValue();
            for (int j = 0; j < m; j++) {
                BigInteger rj = BigInteger.valueOf(r.modulus(j).value());
                whole[j][i] = div[0].mod(rj).longValueExact();
                wholeShoup[j][i] = r.modulus(j).shoup(whole[j][i]);
            }
        }
        own = new long[m];
        ownShoup = new long[m];
        group = new long[m];
        for (int j = 0; j < m; j++) {
            BigInteger rj = BigInteger.valueOf(r.modulus(j).value());
            BigInteger w = bigQR.divide(rj).mod(rj).modInverse(rj);
            own[j] = bigT.multiply(w).multiply(bigR.divide(rj)).mod(rj).longValueExact();
            ownShoup[j] = r.modulus(j).shoup(own[j]);
            // a term x_i·W_i (lazy, below 2r_j) plus u_i (below q_i); the start and every reduced
            // value are below one such term
            long term = 2 * r.modulus(j).value() + maxQ;
            group[j] = (Long.MAX_VALUE - term) / term;
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
        return product(a, b, true, null);
    }

    /**
     * (c0, c1) ⊗ (c0, c1) = (c0², 2·c0·c1, c1²) scaled by t/Q and rounded, the squaring shortcut of
     * Sec. 4 of the paper: the operand is extended to Q ∪ R once (two conversions instead of four)
     * and the tensor takes three point-wise products instead of four. Modulo every prime the
     * products are those of {@link #multiply} with distinct equal operands, so the result is identical.
     */
    RnsPoly[] square(RnsPoly[] a) {
        return product(a, a, true, null);
    }

    /**
     * {@link #square} that also returns c2² scaled in coefficient form (element 3), as the scaling
     * produced it before its forward NTT: relinearization starts from it and skips the inverse NTTs.
     */
    RnsPoly[] squareForRelinearization(RnsPoly[] a) {
        RnsPoly[] lastCoefficients = new RnsPoly[1];
        RnsPoly[] c = product(a, a, true, lastCoefficients);
        return new RnsPoly[] {c[0], c[1], c[2], lastCoefficients[0]};
    }

    /**
     * {@link #square} left in coefficient form: what weighted sums before a relinearization need
     * (they are linear, so they commute with the NTT), without the result's 3·k forward NTTs.
     */
    RnsPoly[] squareCoefficients(RnsPoly[] a) {
        return product(a, a, false, null);
    }

    /**
     * The buffers of one product: the R limbs of the (up to four) extended operand polys, one
     * poly's coefficients on the way to R, one tensor component over Q ∪ R and the scaling's
     * intermediates, about 18 limbs of N words for a square over 2 + 3 limbs. Kept per thread
     * across calls: per-call buffers cost 1.1 MB of fresh, zeroed memory per square, which with
     * two workers squaring at once (CryptoNets' 3 × 845 squares) went to the memory bus; the
     * batch's evaluation took 10.6 s with them and 10.2 s with these (one run each, quiet). A
     * nested call on the same thread (a worker that joins and helps) finds none idle and allocates.
     */
    private final ThreadLocal<Workspace> idleWorkspace = new ThreadLocal<>();

    private final class Workspace {
        final int n = q.ringDegree();
        final long[][][] ext = new long[4][][];
        final long[][] coefficients = new long[q.size()][n];
        final long[][] component = new long[qr.size()][n];
        final double[] fsum = new double[n];
        final long[][] quotients = new long[q.size()][n];
        final long[] rounded = new long[n];
        final long[][] scaled = new long[r.size()][n];

        long[][] ext(int which) {
            if (ext[which] == null) ext[which] = new long[r.size()][n];
            return ext[which];
        }
    }

    /**
     * The three scaled tensor components, each computed over Q ∪ R, brought to coefficients, scaled
     * to R and converted to Q before the next one starts (one component's limbs live at a time).
     * The same operand twice takes the square's one extension and three products.
     *
     * @param toNtt            results in NTT form (else coefficient form)
     * @param lastCoefficients non-null: receives the third component in coefficient form as well
     */
    private RnsPoly[] product(RnsPoly[] a, RnsPoly[] b, boolean toNtt, RnsPoly[] lastCoefficients) {
        boolean square = a[0] == b[0] && a[1] == b[1];
        // this thread's buffers, or fresh ones when a nested call on the thread holds them
        Workspace w = idleWorkspace.get();
        if (w == null) {
            w = new Workspace();
        } else {
            idleWorkspace.set(null);
        }
        try {
            return product(a, b, toNtt, lastCoefficients, square, w);
        } finally {
            idleWorkspace.set(w);
        }
    }

    private RnsPoly[] product(RnsPoly[] a, RnsPoly[] b, boolean toNtt, RnsPoly[] lastCoefficients,
            boolean square, Workspace w) {
        long[][] a0 = extend(a[0], w.ext(0), w), a1 = extend(a[1], w.ext(1), w);
        long[][] b0 = square ? a0 : extend(b[0], w.ext(2), w);
        long[][] b1 = square ? a1 : extend(b[1], w.ext(3), w);
        RnsPoly[] out = new RnsPoly[3];
        for (int which = 0; which < 3; which++) {
            final int component = which;
            qr.parallelism().forEach(qr.size(), l -> {
                tensorLimb(component, square, l, a0[l], a1[l], b0[l], b1[l], w.component[l]);
                qr.ntt(l).inverse(w.component[l]);
            });
            long[][] limbs = new long[q.size()][w.n];
            rToQ.convert(scaleToR(w.component, w), limbs);
            RnsPoly result = new RnsPoly(limbs, false);
            if (which == 2 && lastCoefficients != null) {
                lastCoefficients[0] = result.copy();
            }
            if (toNtt) {
                q.toNtt(result);
            }
            out[which] = result;
        }
        return out;
    }

    /** Limb l of tensor component 0 (x0·y0), 1 (x0·y1 + x1·y0) or 2 (x1·y1), NTT form. */
    private void tensorLimb(int component, boolean square, int l, long[] x0, long[] x1, long[] y0, long[] y1,
            long[] z) {
        Modulus m = qr.modulus(l);
        long ql = m.value();
        int n = z.length;
        switch (component) {
            case 0 -> {
                for (int c = 0; c < n; c++) z[c] = m.mul(x0[c], y0[c]);
            }
            case 1 -> {
                if (square) {
                    for (int c = 0; c < n; c++) {
                        long p = m.mul(x0[c], x1[c]);
                        p += p;
                        z[c] = p - (ql & ((ql - 1 - p) >> 63));
                    }
                } else {
                    for (int c = 0; c < n; c++) {
                        long p = m.mul(x0[c], y1[c]) + m.mul(x1[c], y0[c]);
                        z[c] = p - (ql & ((ql - 1 - p) >> 63));
                    }
                }
            }
            default -> {
                for (int c = 0; c < n; c++) z[c] = m.mul(x1[c], y1[c]);
            }
        }
    }

    /**
     * The NTT-form limbs of p over Q ∪ R: its own Q limbs (shared, not copied) and the R limbs of
     * its centred representative, written to {@code ext}.
     */
    private long[][] extend(RnsPoly p, long[][] ext, Workspace w) {
        int k = q.size(), m = r.size();
        long[][] coefficients = w.coefficients;
        q.parallelism().forEach(k, i -> {
            System.arraycopy(p.limb(i), 0, coefficients[i], 0, w.n);
            q.ntt(i).inverse(coefficients[i]);
        });
        qToR.convert(coefficients, ext);
        r.parallelism().forEach(m, j -> r.ntt(j).forward(ext[j]));
        long[][] limbs = new long[k + m][];
        for (int i = 0; i < k; i++) limbs[i] = p.limb(i);
        System.arraycopy(ext, 0, limbs, k, m);
        return limbs;
    }

    /**
     * round(t·x/Q) modulo R for x over Q ∪ R in coefficient form, into the workspace. Each
     * x_i·θ_i = x_i·f_i/q_i is split as u_i + ρ_i/q_i with u_i = ⌊x_i·f_i/q_i⌋ and
     * ρ_i = [x_i·f_i]_{q_i}: Shoup's multiplication by f_i yields both (its quotient estimate,
     * corrected with the remainder), so u_i enters the sum modulo r_j as an integer and only
     * Σ ρ_i/q_i goes through a double. The sums modulo r_j are lazy: terms are
     * added uncorrected and reduced once per {@code group} terms.
     */
    private long[][] scaleToR(long[][] x, Workspace w) {
        int k = q.size(), m = r.size(), n = q.ringDegree();
        double[] fsum = w.fsum;
        java.util.Arrays.fill(fsum, 0); // the previous component's sums
        long[][] quotients = w.quotients;
        for (int i = 0; i < k; i++) {
            long qi = q.modulus(i).value();
            long f = fracNum[i], fs = fracNumShoup[i];
            long fsSign = fs >> 63; // f' is unsigned: add x when its top bit is set
            double di = inv[i];
            long[] xi = x[i], ui = quotients[i];
            for (int c = 0; c < n; c++) {
                long v = xi[c];
                long hi = Math.multiplyHigh(v, fs) + (fsSign & v);
                long rho = v * f - hi * qi; // in [0, 2q_i); hi is the quotient or one short
                long over = (qi - 1 - rho) >> 63;
                rho -= qi & over;
                ui[c] = hi - over;
                fsum[c] += rho * di;
            }
        }
        long[] rounded = w.rounded;
        for (int c = 0; c < n; c++) rounded[c] = Math.round(fsum[c]); // < k
        long[][] out = w.scaled;
        r.parallelism().forEach(m, j -> {
            Modulus mj = r.modulus(j);
            long rj = mj.value();
            long[] z = out[j];
            long[] xj = x[k + j];
            long ow = own[j], ows = ownShoup[j];
            for (int c = 0; c < n; c++) z[c] = Modulus.mulShoupLazy(xj[c], ow, ows, rj) + rounded[c];
            long[] a = whole[j], as = wholeShoup[j];
            long pending = 0;
            for (int i = 0; i < k; i++) {
                if (pending == group[j]) {
                    mj.reduce(z);
                    pending = 0;
                }
                long ai = a[i], asi = as[i];
                long[] xi = x[i], ui = quotients[i];
                for (int c = 0; c < n; c++) z[c] += Modulus.mulShoupLazy(xi[c], ai, asi, rj) + ui[c];
                pending++;
            }
            mj.reduce(z);
        });
        return out;
    }
}
