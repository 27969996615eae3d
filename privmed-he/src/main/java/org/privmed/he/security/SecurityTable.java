package org.privmed.he.security;

import java.util.Locale;

/**
 * Largest log2(QP) (bit size of the product of all ciphertext and special primes) for a ring degree N
 * and a classical security level, for a uniform ternary secret and Gaussian errors with sigma = 3.2.
 *
 * <p>N = 2^10 ... 2^15: the HomomorphicEncryption.org standard, Albrecht, Chase, Chen, Ding, Goldwasser,
 * Gorbunov, Halevi, Hoffstein, Laine, Lauter, Lokam, Micciancio, Moody, Morrison, Sahai, Vaikuntanathan,
 * "Homomorphic Encryption Standard", version 1.1 (November 2018; Cryptology ePrint Archive 2019/939;
 * also in "Protecting Privacy through Homomorphic Encryption", Springer 2021), Section 2.1.5
 * "Recommended parameters", Table 1 (classical security), rows for the secret distribution "(-1, 1)"
 * (ternary). The numbers were checked to agree with Microsoft SEAL's
 * {@code native/src/seal/util/hestdparms.h} ({@code SEAL_HE_STD_PARMS_128_TC}, {@code _192_TC},
 * {@code _256_TC}) and OpenFHE's {@code src/core/lib/lattice/stdlatticeparms.cpp}
 * ({@code HEStd_ternary} entries of {@code StandardLatticeParmSets}).
 *
 * <p>N = 2^16 is not in the standard. Its bounds, 1772 / 1228 / 956 bits, are the ones OpenFHE lists
 * in {@code stdlatticeparms.cpp} ({@code StdLatticeParm(HEStd_ternary, 65536, HEStd_128_classic, 1772)}
 * and the 192- and 256-bit entries), an extension of the standard's table computed by the OpenFHE
 * team with the lattice estimator (Albrecht, Player, Scott, J. Math. Cryptol. 2015; OpenFHE ships its
 * estimator scripts in {@code scripts/paramsestimator}). Lattigo's largest default set,
 * {@code PN16QP1761} (log2(QP) = 1761, Lattigo v2 {@code ckks/params.go}), lies within the 128-bit bound.
 * Prefer N &lt;= 2^15 where the standard itself vouches for the bound.
 */
public final class SecurityTable {

    private static final int MIN_LOG_N = 10;
    private static final int MAX_LOG_N = 16;
    private static final int STANDARD_MAX_LOG_N = 15;

    // rows: log2(N) = 10..16; columns: 128, 192, 256 bits
    private static final int[][] MAX_LOG_QP = {
        {27, 19, 14},
        {54, 37, 29},
        {109, 75, 58},
        {218, 152, 118},
        {438, 305, 237},
        {881, 611, 476},
        {1772, 1228, 956},
    };

    private SecurityTable() {
    }

    /**
     * The largest log2(QP) allowed at {@code level} for ring degree {@code n}.
     *
     * @throws IllegalArgumentException if {@code n} is not a power of two in [2^10, 2^16]
     */
    public static int maxLogQP(int n, SecurityLevel level) {
        if (level == null) {
            throw new IllegalArgumentException("security level must not be null");
        }
        int logN = Integer.numberOfTrailingZeros(n);
        if (n <= 0 || Integer.bitCount(n) != 1 || logN < MIN_LOG_N || logN > MAX_LOG_N) {
            throw new IllegalArgumentException("no security bound for ring degree N = " + n
                    + " (supported: powers of two from 1024 to 65536)");
        }
        return MAX_LOG_QP[logN - MIN_LOG_N][level.ordinal()];
    }

    /**
     * Refuses a modulus of {@code logQP} bits that exceeds the bound for {@code n} and {@code level}.
     *
     * @throws InsecureParametersException naming N, the level, log2(QP) and the bound
     * @throws IllegalArgumentException    if {@code logQP} is not finite and positive or {@code n} unsupported
     */
    public static void check(int n, double logQP, SecurityLevel level) {
        int bound = maxLogQP(n, level);
        if (!(logQP > 0) || !Double.isFinite(logQP)) {
            throw new IllegalArgumentException("log2(QP) must be finite and positive, got " + logQP);
        }
        if (logQP > bound) {
            String source = Integer.numberOfTrailingZeros(n) <= STANDARD_MAX_LOG_N
                    ? "HomomorphicEncryption.org standard, ternary secret"
                    : "OpenFHE lattice-estimator bound, ternary secret; N = 65536 is outside the standard";
            String message = String.format(Locale.ROOT,
                    "log2(QP) = %s exceeds the %d-bit bound %d for N = %d (%s)",
                    formatBits(logQP, bound), level.bits(), bound, n, source);
            throw new InsecureParametersException(n, level, logQP, bound, message);
        }
    }

    /** One decimal, or more when one decimal would print a value that looks within the bound. */
    private static String formatBits(double logQP, int bound) {
        String shortForm = String.format(Locale.ROOT, "%.1f", logQP);
        if (Double.parseDouble(shortForm) > bound) {
            return shortForm;
        }
        return String.format(Locale.ROOT, "%.6f", logQP);
    }
}
