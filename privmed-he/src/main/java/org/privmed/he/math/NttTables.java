package org.privmed.he.math;

/**
 * Precomputed twiddles and the negacyclic number-theoretic transform over Z_q[X]/(X^N + 1).
 *
 * <p>The forward transform is the Cooley–Tukey network with the 2N-th root ψ merged into the
 * twiddles (Longa and Naehrig, "Speeding up the NTT", CANS 2016, Alg. 1; Pöppelmann, Oder and
 * Güneysu, LATINCRYPT 2015), and the butterflies are Harvey's lazy ones ("Faster arithmetic for
 * number-theoretic transforms", J. Symb. Comp. 2014, Alg. 4): between stages values stay in [0, 4q)
 * forward and [0, 2q) inverse, and each twiddle multiplication is a Shoup multiplication. The inverse
 * is the Gentleman–Sande network with N^-1 folded into its last stage.
 *
 * <p><b>Order.</b> Twiddles are stored in bit-reversed order, so the forward output is in
 * bit-reversed evaluation order: after {@link #forward}, {@code a[i] = A(ψ^(2·rev(i)+1))} where
 * {@code rev} reverses log2(N) bits and ψ is the minimal primitive 2N-th root (the same layout as
 * SEAL). The inverse takes that order back to coefficients. Forward inputs must be in [0, q), inverse
 * inputs in [0, 2q); outputs are in [0, q).
 */
public final class NttTables {
    /** Value bound below which an inverse stage may leave its sums uncorrected (see {@link #inverse}). */
    private static final long LAZY_INVERSE_LIMIT = 1L << 61;

    private final int n;
    private final int logN;
    private final Modulus modulus;
    private final long root;
    private final long[] rootPowers;        // ψ^rev(k), k in [0, N)
    private final long[] rootPowersShoup;
    private final long[] invRootPowers;     // ψ^-rev(k)
    private final long[] invRootPowersShoup;
    private final long invN;
    private final long invNShoup;
    private final long lastInvTwiddle;      // ψ^-rev(1) · N^-1
    private final long lastInvTwiddleShoup;
    private final boolean looseForward;     // primes small enough to skip Harvey's per-stage corrections
    private final long ratio64;             // floor((2^64 - 1) / q), for one Barrett step

    public NttTables(int ringDegree, Modulus modulus) {
        Primes.checkRingDegree(ringDegree);
        this.n = ringDegree;
        this.logN = Integer.numberOfTrailingZeros(ringDegree);
        this.modulus = modulus;
        this.root = Primes.minimalPrimitiveRoot(modulus.value(), ringDegree);
        long invRoot = modulus.inverse(root);
        rootPowers = new long[n];
        rootPowersShoup = new long[n];
        invRootPowers = new long[n];
        invRootPowersShoup = new long[n];
        long pw = 1, ipw = 1;
        long[] natural = new long[n];
        long[] naturalInv = new long[n];
        for (int i = 0; i < n; i++) {
            natural[i] = pw;
            naturalInv[i] = ipw;
            pw = modulus.mul(pw, root);
            ipw = modulus.mul(ipw, invRoot);
        }
        for (int i = 0; i < n; i++) {
            int r = bitReverse(i, logN);
            rootPowers[i] = natural[r];
            invRootPowers[i] = naturalInv[r];
            rootPowersShoup[i] = modulus.shoup(rootPowers[i]);
            invRootPowersShoup[i] = modulus.shoup(invRootPowers[i]);
            rootPowers[i] = centred(rootPowers[i], rootPowersShoup[i]);
            invRootPowers[i] = centred(invRootPowers[i], invRootPowersShoup[i]);
        }
        long ni = modulus.inverse(n);
        invNShoup = modulus.shoup(ni);
        invN = centred(ni, invNShoup);
        long lw = modulus.mul(naturalInv[NttTables.bitReverse(1, logN)], ni);
        lastInvTwiddleShoup = modulus.shoup(lw);
        lastInvTwiddle = centred(lw, lastInvTwiddleShoup);
        // Forward: without the correction of u a stage adds at most 2q to the bound (v < 2q), so from
        // inputs below 4q every value stays below (4 + 2·logN)·q; below 2^63 the Shoup products
        // remain valid and only the last stage needs a reduction.
        long q = modulus.value();
        looseForward = q < Long.MAX_VALUE / (4 + 2L * logN);
        ratio64 = modulus.ratio64();
    }

    /**
     * The signed twiddle that pairs with a Shoup constant read as a signed long: w' = floor(w·2^64/q)
     * as an unsigned value has the same 64 bits as floor((w - q)·2^64/q) as a signed one, so for
     * w' &gt;= 2^63 we use w - q. Then for any 0 &lt;= x &lt; 2^63, x·w - q·multiplyHigh(x, w') lies in
     * [0, 2q): the signed high product needs no unsigned correction, saving two operations per
     * butterfly.
     */
    private long centred(long w, long wShoup) {
        return wShoup < 0 ? w - modulus.value() : w;
    }

    public int ringDegree() {
        return n;
    }

    public Modulus modulus() {
        return modulus;
    }

    /** The minimal primitive 2N-th root of unity ψ used by these tables. */
    public long root() {
        return root;
    }

    /** Reverses the low {@code bits} bits of x. */
    public static int bitReverse(int x, int bits) {
        return bits == 0 ? 0 : Integer.reverse(x) >>> (32 - bits);
    }

    /** In-place forward negacyclic NTT of N values in [0, q); output in bit-reversed order, in [0, q). */
    public void forward(long[] a) {
        forward(a, true);
    }

    /**
     * Forward transform whose outputs are only reduced to [0, 4q): for consumers that reduce anyway
     * (a following Shoup multiplication), saving the final correction pass.
     */
    public void forwardLazy(long[] a) {
        forward(a, false);
    }

    // A variant doing two stages per pass over the array (radix-4 grouping) measured no faster once
    // the twiddles were centred (N = 8192 and 16384), so only the radix-2 network is kept.
    private void forward(long[] a, boolean reduce) {
        checkLength(a);
        if (looseForward) {
            forwardLoose(a, reduce);
            return;
        }
        final long q = modulus.value();
        final long twoQ = 2 * q;
        final long[] w = rootPowers;
        final long[] ws = rootPowersShoup;
        int t = n;
        for (int m = 1; m < n; m <<= 1) {
            t >>= 1;
            if (t == 4) {
                // short groups: unrolled so the loop overhead does not dominate
                for (int i = 0; i < m; i++) {
                    final long wi = w[m + i];
                    final long wsi = ws[m + i];
                    final int j = 8 * i;
                    long u0 = a[j], u1 = a[j + 1], u2 = a[j + 2], u3 = a[j + 3];
                    u0 -= twoQ & ((twoQ - 1 - u0) >> 63);
                    u1 -= twoQ & ((twoQ - 1 - u1) >> 63);
                    u2 -= twoQ & ((twoQ - 1 - u2) >> 63);
                    u3 -= twoQ & ((twoQ - 1 - u3) >> 63);
                    long x0 = a[j + 4], x1 = a[j + 5], x2 = a[j + 6], x3 = a[j + 7];
                    long v0 = x0 * wi - Math.multiplyHigh(x0, wsi) * q;
                    long v1 = x1 * wi - Math.multiplyHigh(x1, wsi) * q;
                    long v2 = x2 * wi - Math.multiplyHigh(x2, wsi) * q;
                    long v3 = x3 * wi - Math.multiplyHigh(x3, wsi) * q;
                    a[j] = u0 + v0;
                    a[j + 1] = u1 + v1;
                    a[j + 2] = u2 + v2;
                    a[j + 3] = u3 + v3;
                    a[j + 4] = u0 - v0 + twoQ;
                    a[j + 5] = u1 - v1 + twoQ;
                    a[j + 6] = u2 - v2 + twoQ;
                    a[j + 7] = u3 - v3 + twoQ;
                }
            } else if (t > 4) {
                for (int i = 0; i < m; i++) {
                    final long wi = w[m + i];
                    final long wsi = ws[m + i];
                    final int j1 = 2 * i * t;
                    final int j2 = j1 + t;
                    for (int j = j1; j < j2; j++) {
                        long u = a[j];
                        u -= twoQ & ((twoQ - 1 - u) >> 63);
                        long x = a[j + t];
                        long v = x * wi - Math.multiplyHigh(x, wsi) * q;
                        a[j] = u + v;
                        a[j + t] = u - v + twoQ;
                    }
                }
            } else if (t == 2) {
                for (int i = 0; i < m; i++) {
                    final long wi = w[m + i];
                    final long wsi = ws[m + i];
                    final int j = 4 * i;
                    long u0 = a[j];
                    u0 -= twoQ & ((twoQ - 1 - u0) >> 63);
                    long u1 = a[j + 1];
                    u1 -= twoQ & ((twoQ - 1 - u1) >> 63);
                    long x0 = a[j + 2];
                    long x1 = a[j + 3];
                    long v0 = x0 * wi - Math.multiplyHigh(x0, wsi) * q;
                    long v1 = x1 * wi - Math.multiplyHigh(x1, wsi) * q;
                    a[j] = u0 + v0;
                    a[j + 1] = u1 + v1;
                    a[j + 2] = u0 - v0 + twoQ;
                    a[j + 3] = u1 - v1 + twoQ;
                }
            } else {
                // last stage (t == 1) also brings every value from [0, 4q) down to [0, q)
                for (int i = 0; i < m; i++) {
                    final long wi = w[m + i];
                    final long wsi = ws[m + i];
                    final int j = 2 * i;
                    long u = a[j];
                    u -= twoQ & ((twoQ - 1 - u) >> 63);
                    long x = a[j + 1];
                    long v = x * wi - Math.multiplyHigh(x, wsi) * q;
                    long s = u + v;
                    long d = u - v + twoQ;
                    if (reduce) {
                        s -= twoQ & ((twoQ - 1 - s) >> 63);
                        s -= q & ((q - 1 - s) >> 63);
                        d -= twoQ & ((twoQ - 1 - d) >> 63);
                        d -= q & ((q - 1 - d) >> 63);
                    }
                    a[j] = s;
                    a[j + 1] = d;
                }
            }
        }
    }

    /**
     * The forward network for primes with spare bits (the 40-bit primes of the chain): no butterfly
     * corrects u, so each stage lets the bound grow by 2q (see the constructor); the last stage brings
     * u back below 2q with one Barrett estimate, which leaves the same [0, 4q) output range.
     */
    private void forwardLoose(long[] a, boolean reduce) {
        final long q = modulus.value();
        final long twoQ = 2 * q;
        final long[] w = rootPowers;
        final long[] ws = rootPowersShoup;
        int t = n;
        for (int m = 1; m < n >> 1; m <<= 1) {
            t >>= 1;
            if (t == 4) {
                for (int i = 0; i < m; i++) {
                    final long wi = w[m + i];
                    final long wsi = ws[m + i];
                    final int j = 8 * i;
                    long u0 = a[j], u1 = a[j + 1], u2 = a[j + 2], u3 = a[j + 3];
                    long x0 = a[j + 4], x1 = a[j + 5], x2 = a[j + 6], x3 = a[j + 7];
                    long v0 = x0 * wi - Math.multiplyHigh(x0, wsi) * q;
                    long v1 = x1 * wi - Math.multiplyHigh(x1, wsi) * q;
                    long v2 = x2 * wi - Math.multiplyHigh(x2, wsi) * q;
                    long v3 = x3 * wi - Math.multiplyHigh(x3, wsi) * q;
                    a[j] = u0 + v0;
                    a[j + 1] = u1 + v1;
                    a[j + 2] = u2 + v2;
                    a[j + 3] = u3 + v3;
                    a[j + 4] = u0 - v0 + twoQ;
                    a[j + 5] = u1 - v1 + twoQ;
                    a[j + 6] = u2 - v2 + twoQ;
                    a[j + 7] = u3 - v3 + twoQ;
                }
            } else if (t > 4) {
                for (int i = 0; i < m; i++) {
                    final long wi = w[m + i];
                    final long wsi = ws[m + i];
                    final int j1 = 2 * i * t;
                    final int j2 = j1 + t;
                    for (int j = j1; j < j2; j++) {
                        long u = a[j];
                        long x = a[j + t];
                        long v = x * wi - Math.multiplyHigh(x, wsi) * q;
                        a[j] = u + v;
                        a[j + t] = u - v + twoQ;
                    }
                }
            } else {
                for (int i = 0; i < m; i++) {
                    final long wi = w[m + i];
                    final long wsi = ws[m + i];
                    final int j = 4 * i;
                    long u0 = a[j];
                    long u1 = a[j + 1];
                    long x0 = a[j + 2];
                    long x1 = a[j + 3];
                    long v0 = x0 * wi - Math.multiplyHigh(x0, wsi) * q;
                    long v1 = x1 * wi - Math.multiplyHigh(x1, wsi) * q;
                    a[j] = u0 + v0;
                    a[j + 1] = u1 + v1;
                    a[j + 2] = u0 - v0 + twoQ;
                    a[j + 3] = u1 - v1 + twoQ;
                }
            }
        }
        final long ratio = ratio64;
        final int m = n >> 1;
        for (int i = 0; i < m; i++) {
            final long wi = w[m + i];
            final long wsi = ws[m + i];
            final int j = 2 * i;
            long u = a[j];
            u -= Math.multiplyHigh(u, ratio) * q; // the estimate is at most 2 short: u in [0, 3q)
            u -= twoQ & ((twoQ - 1 - u) >> 63);
            long x = a[j + 1];
            long v = x * wi - Math.multiplyHigh(x, wsi) * q;
            long s = u + v;
            long d = u - v + twoQ;
            if (reduce) {
                s -= twoQ & ((twoQ - 1 - s) >> 63);
                s -= q & ((q - 1 - s) >> 63);
                d -= twoQ & ((twoQ - 1 - d) >> 63);
                d -= q & ((q - 1 - d) >> 63);
            }
            a[j] = s;
            a[j + 1] = d;
        }
    }

    /**
     * In-place inverse negacyclic NTT: bit-reversed evaluations in [0, q) to coefficients in [0, q).
     *
     * <p>The sums of the Gentleman–Sande butterflies are corrected only where they must be. With
     * every value below a bound b, an uncorrected stage leaves sums below 2b and differences, after
     * their Shoup multiplication, below 2q; so while b &lt; 2^61 a stage skips the correction and
     * doubles b, and afterwards each stage subtracts b from sums at or above it, keeping b. From
     * inputs below 2q that is every stage for primes below 2^(62 - logN) (the 40- to 44-bit primes
     * of the chain at N = 8192), three stages of twelve for the 58-bit auxiliary primes of BFV
     * multiplication and one for 60-bit primes. The differences x - y + b stay below 2b &lt;= 2^63,
     * the input range of the Shoup multiplication.
     *
     * <p>The lazy and the corrected stages are separate loops: one loop with the correction masked
     * off in lazy stages made the 58-bit inverse 6–7 % slower (112 against 105 µs at N = 8192,
     * three interleaved runs of medians of 7 × 2,000 transforms), and those are 9 of the 25
     * transforms of a BFV square.
     */
    public void inverse(long[] a) {
        checkLength(a);
        final long q = modulus.value();
        final long[] w = invRootPowers;
        final long[] ws = invRootPowersShoup;
        long bound = 2 * q; // [0, 2q) is accepted, as lazy products may arrive unreduced
        int t = 1;
        for (int m = n >> 1; m > 1; m >>= 1) {
            final long b = bound;
            if (b < LAZY_INVERSE_LIMIT) {
                if (t == 1) {
                    for (int i = 0; i < m; i++) {
                        final long wi = w[m + i];
                        final long wsi = ws[m + i];
                        final int j = 2 * i;
                        long x = a[j];
                        long y = a[j + 1];
                        long d = x - y + b;
                        a[j] = x + y;
                        a[j + 1] = d * wi - Math.multiplyHigh(d, wsi) * q;
                    }
                } else {
                    for (int i = 0; i < m; i++) {
                        final long wi = w[m + i];
                        final long wsi = ws[m + i];
                        final int j1 = 2 * i * t;
                        final int j2 = j1 + t;
                        for (int j = j1; j < j2; j++) {
                            long x = a[j];
                            long y = a[j + t];
                            long d = x - y + b;
                            a[j] = x + y;
                            a[j + t] = d * wi - Math.multiplyHigh(d, wsi) * q;
                        }
                    }
                }
                bound = 2 * b;
            } else if (t == 1) {
                for (int i = 0; i < m; i++) {
                    final long wi = w[m + i];
                    final long wsi = ws[m + i];
                    final int j = 2 * i;
                    long x = a[j];
                    long y = a[j + 1];
                    long s = x + y;
                    s -= b & ((b - 1 - s) >> 63);
                    long d = x - y + b;
                    a[j] = s;
                    a[j + 1] = d * wi - Math.multiplyHigh(d, wsi) * q;
                }
            } else {
                for (int i = 0; i < m; i++) {
                    final long wi = w[m + i];
                    final long wsi = ws[m + i];
                    final int j1 = 2 * i * t;
                    final int j2 = j1 + t;
                    for (int j = j1; j < j2; j++) {
                        long x = a[j];
                        long y = a[j + t];
                        long s = x + y;
                        s -= b & ((b - 1 - s) >> 63);
                        long d = x - y + b;
                        a[j] = s;
                        a[j + t] = d * wi - Math.multiplyHigh(d, wsi) * q;
                    }
                }
            }
            t <<= 1;
        }
        // last stage (m == 1, t == N/2) with N^-1 folded into both outputs
        final long b = bound;
        final long ni = invN, nis = invNShoup, lw = lastInvTwiddle, lws = lastInvTwiddleShoup;
        final int half = n >> 1;
        for (int j = 0; j < half; j++) {
            long x = a[j];
            long y = a[j + half];
            long s = x + y;
            long d = x - y + b;
            long r0 = s * ni - Math.multiplyHigh(s, nis) * q;
            long r1 = d * lw - Math.multiplyHigh(d, lws) * q;
            a[j] = r0 >= q ? r0 - q : r0;
            a[j + half] = r1 >= q ? r1 - q : r1;
        }
    }

    private void checkLength(long[] a) {
        if (a.length != n) {
            throw new IllegalArgumentException("NTT expects " + n + " values, got " + a.length);
        }
    }
}
