package org.privmed.he.ring;

import java.math.BigInteger;

/** BigInteger CRT helpers used as the reference in ring tests. */
final class CrtReference {
    private CrtReference() {
    }

    static BigInteger reconstruct(long[] residues, long[] primes) {
        BigInteger m = BigInteger.ONE;
        for (long p : primes) m = m.multiply(BigInteger.valueOf(p));
        BigInteger x = BigInteger.ZERO;
        for (int i = 0; i < primes.length; i++) {
            BigInteger pi = BigInteger.valueOf(primes[i]);
            BigInteger hat = m.divide(pi);
            x = x.add(BigInteger.valueOf(residues[i]).multiply(hat).multiply(hat.modInverse(pi)));
        }
        return x.mod(m);
    }

    static long[] residues(BigInteger x, long[] primes) {
        long[] r = new long[primes.length];
        for (int i = 0; i < primes.length; i++) r[i] = x.mod(BigInteger.valueOf(primes[i])).longValue();
        return r;
    }

    static BigInteger product(long[] primes) {
        BigInteger m = BigInteger.ONE;
        for (long p : primes) m = m.multiply(BigInteger.valueOf(p));
        return m;
    }
}
