package org.privmed.he.rlwe;

import java.util.Arrays;
import org.privmed.he.math.Primes;
import org.privmed.he.security.SecurityLevel;
import org.privmed.he.security.SecurityTable;

/**
 * The part of a scheme's parameters that every RLWE scheme here shares: ring degree, ciphertext
 * primes Q, special primes P for hybrid key switching, the decomposition number, and the security
 * check on log2(QP). CKKS and BFV validate it the same way, so it is decided once; each scheme adds
 * what is its own (scale, plaintext modulus) and its own parameter id.
 *
 * @param logN   log2 of the ring degree
 * @param qPrimes ciphertext primes q_0 … q_L
 * @param pPrimes special primes
 * @param dnum   decomposition number
 * @param logQP  log2 of the product of all primes
 */
public record ModulusChain(int logN, long[] qPrimes, long[] pPrimes, int dnum, double logQP) {

    /** Bounds a scheme puts on its chain: the ring degrees it supports and the widest prime. */
    public record Limits(int minLogN, int maxLogN, int maxPrimeBits) {
    }

    public ModulusChain {
        qPrimes = qPrimes.clone();
        pPrimes = pPrimes.clone();
    }

    @Override
    public long[] qPrimes() {
        return qPrimes.clone();
    }

    @Override
    public long[] pPrimes() {
        return pPrimes.clone();
    }

    /**
     * Validates the requested sizes, generates NTT-friendly primes of those sizes (distinct,
     * ≡ 1 mod 2N) and, unless {@code insecure}, refuses a chain whose log2(QP) exceeds the
     * HomomorphicEncryption.org bound for N at {@code security} (the message names the bound).
     *
     * @param dnum 0 for one prime of Q per digit
     */
    public static ModulusChain generate(Limits limits, int logN, int[] qBits, int[] pBits, int dnum,
                                        SecurityLevel security, boolean insecure) {
        if (logN < limits.minLogN() || logN > limits.maxLogN()) {
            throw new IllegalArgumentException("logN must be in [" + limits.minLogN() + ", " + limits.maxLogN()
                    + "], got " + logN);
        }
        if (qBits == null || qBits.length == 0) {
            throw new IllegalArgumentException("the ciphertext modulus needs at least one prime (qBits is empty)");
        }
        if (pBits == null || pBits.length == 0) {
            throw new IllegalArgumentException("key switching needs at least one special prime (pBits is empty)");
        }
        int[] all = Arrays.copyOf(qBits, qBits.length + pBits.length);
        System.arraycopy(pBits, 0, all, qBits.length, pBits.length);
        for (int bits : all) {
            if (bits < 20 || bits > limits.maxPrimeBits()) {
                throw new IllegalArgumentException("prime bit sizes must be in [20, " + limits.maxPrimeBits()
                        + "], got " + bits);
            }
        }
        int dn = dnum == 0 ? qBits.length : dnum;
        if (dn < 1 || dn > qBits.length) {
            throw new IllegalArgumentException("dnum must be in [1, " + qBits.length + "], got " + dn);
        }
        if (security == null) {
            throw new IllegalArgumentException("security level must not be null");
        }
        int n = 1 << logN;
        long[] primes = Primes.coefficientModuli(n, all);
        double lg = 0;
        for (long p : primes) lg += Math.log(p) / Math.log(2);
        if (!insecure) {
            SecurityTable.check(n, lg, security);
        }
        return new ModulusChain(logN, Arrays.copyOfRange(primes, 0, qBits.length),
                Arrays.copyOfRange(primes, qBits.length, primes.length), dn, lg);
    }
}
