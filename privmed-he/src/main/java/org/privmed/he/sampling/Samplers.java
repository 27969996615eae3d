package org.privmed.he.sampling;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Secret and error distributions of RLWE-based schemes.
 *
 * <ul>
 *   <li>{@link #ternary}: uniform over {-1, 0, 1}, the secret-key distribution for which the
 *       HomomorphicEncryption.org standard tabulates its "(-1, 1)" security bounds (Albrecht et al.,
 *       Homomorphic Encryption Standard, 2018, Sec. 2.1.5). Bytes from the PRNG at or above
 *       3^5 = 243 are rejected; an accepted byte is uniform over [0, 243) and so its five base-3
 *       digits are five independent uniform trits (no bias, five coefficients per byte).</li>
 *   <li>{@link #gaussian}: the discrete Gaussian D_{Z,sigma} restricted to |e| &lt;= bound, sampled by
 *       inversion with a cumulative distribution table (CDT; Peikert, "An efficient and parallel
 *       Gaussian sampler for lattices", CRYPTO 2010, and the table sampler of Bos et al., FrodoKEM).
 *       Restricting the support is the same as redrawing any |e| &gt; bound: the mass is renormalised,
 *       never piled onto the bound as clamping would. The table is scanned in full for every sample
 *       so the time does not depend on the value drawn. When sigma is so large that a table would be
 *       unwieldy (more than {@value #MAX_TABLE} entries, e.g. noise flooding), the rounded continuous
 *       Gaussian that the standard also allows (Sec. 2.1.2) is drawn by Box-Muller and redrawn above
 *       the bound.</li>
 * </ul>
 */
public final class Samplers {

    /** Error standard deviation of the HE standard (Sec. 2.1.2) and of SEAL, Lattigo, OpenFHE. */
    public static final double SIGMA = 3.2;
    /** Tail cut used with {@link #SIGMA}: six standard deviations (19.2, so |e| &lt;= 19). */
    public static final double BOUND = 6 * SIGMA;

    static final int MAX_TABLE = 1 << 12;

    private static final double TWO_POW_62 = 0x1.0p62;

    // a byte below 3^5 = 243 is five independent uniform base-3 digits; 13 of 256 bytes are rejected
    private static final int TRITS_PER_BYTE = 5;
    private static final int TRIT_BYTES = 243;

    private static final ConcurrentHashMap<TableKey, long[]> TABLES = new ConcurrentHashMap<>();

    private Samplers() {
    }

    /**
     * {@code n} independent coefficients uniform over {-1, 0, 1}.
     *
     * @param prng source of randomness (a {@link Prng#fromSecureRandom()} instance for keys)
     * @param n    number of coefficients, non-negative
     */
    public static byte[] ternary(Prng prng, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("coefficient count must be non-negative, got " + n);
        }
        byte[] out = new byte[n];
        int i = 0;
        while (i < n) {
            long r = prng.nextLong();
            for (int b = 0; b < Long.BYTES && i < n; b++, r >>>= 8) {
                int v = (int) (r & 0xFF);
                // only the rejection depends on the byte; the digits are extracted arithmetically, with
                // no secret-indexed table, so the secret key leaves no cache footprint
                if (v < TRIT_BYTES) {
                    int take = Math.min(TRITS_PER_BYTE, n - i);
                    for (int d = 0; d < take; d++) {
                        int quotient = (v * 171) >>> 9; // v / 3, exact for v < 243
                        out[i++] = (byte) (v - 3 * quotient - 1);
                        v = quotient;
                    }
                }
            }
        }
        return out;
    }

    /**
     * {@code n} independent samples of the discrete Gaussian of parameter {@code sigma} (standard
     * deviation of the continuous Gaussian it discretises) restricted to {@code |e| <= bound}.
     *
     * @param sigma standard deviation, finite and positive
     * @param bound tail cut, finite and non-negative; the support is the integers in [-bound, bound]
     */
    public static long[] gaussian(Prng prng, int n, double sigma, double bound) {
        if (n < 0) {
            throw new IllegalArgumentException("sample count must be non-negative, got " + n);
        }
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("sigma must be finite and positive, got " + sigma);
        }
        if (!(bound >= 0) || !Double.isFinite(bound)) {
            throw new IllegalArgumentException("bound must be finite and non-negative, got " + bound);
        }
        long[] out = new long[n];
        double cut = Math.floor(bound);
        if (cut == 0) {
            return out;
        }
        if (cut > MAX_TABLE) {
            roundedContinuous(prng, sigma, cut, out);
            return out;
        }
        long[] cdf = TABLES.computeIfAbsent(new TableKey(sigma, (int) cut), Samplers::magnitudeTable);
        for (int i = 0; i < n; i++) {
            long r = prng.nextLong();
            long u = r >>> 2; // 62 bits for the magnitude, bit 0 for the sign
            long magnitude = 0;
            for (long c : cdf) {
                // sign bit of (c - u - 1) is set exactly when c <= u; both lie in [0, 2^62]
                magnitude += (c - u - 1) >>> 63;
            }
            long sign = -(r & 1); // 0 or -1
            out[i] = (magnitude ^ sign) - sign;
        }
        return out;
    }

    /**
     * cdf[k] = round(2^62 * P(|X| &lt;= k)) for k in [0, B), X the discrete Gaussian on [-B, B]; the
     * sampler draws |X| from it and a uniform sign, which is exactly symmetric by construction
     * (the sign of 0 is irrelevant). Scanning half the support halves the cost of each sample.
     */
    private static long[] magnitudeTable(TableKey key) {
        int b = key.cut();
        double twoSigmaSq = 2 * key.sigma() * key.sigma();
        double[] mass = new double[b + 1];
        double total = 0;
        // add the smallest weights first so the tail mass is not lost to rounding
        for (int x = b; x >= 0; x--) {
            double w = Math.exp(-(double) x * x / twoSigmaSq);
            mass[x] = x == 0 ? w : 2 * w;
            total += mass[x];
        }
        long[] cdf = new long[b];
        double cumulative = 0;
        for (int k = 0; k < b; k++) {
            cumulative += mass[k];
            cdf[k] = (long) Math.rint(cumulative / total * TWO_POW_62);
        }
        return cdf;
    }

    private static void roundedContinuous(Prng prng, double sigma, double cut, long[] out) {
        int i = 0;
        while (i < out.length) {
            // Box-Muller: two independent standard normals per pair of uniforms
            double u1 = 1.0 - prng.nextDouble(); // (0, 1], keeps log finite
            double u2 = prng.nextDouble();
            double radius = sigma * Math.sqrt(-2 * Math.log(u1));
            double angle = 2 * Math.PI * u2;
            double a = Math.rint(radius * Math.cos(angle));
            double c = Math.rint(radius * Math.sin(angle));
            if (Math.abs(a) <= cut) {
                out[i++] = (long) a;
            }
            if (i < out.length && Math.abs(c) <= cut) {
                out[i++] = (long) c;
            }
        }
    }

    private record TableKey(double sigma, int cut) {
    }
}
