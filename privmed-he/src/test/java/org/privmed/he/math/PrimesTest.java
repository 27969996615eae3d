package org.privmed.he.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrimesTest {
    @Test
    void millerRabinAgreesWithBigInteger() {
        qt().withExamples(2000).forAll(longs().between(0, Long.MAX_VALUE)).checkAssert(n ->
                assertEquals(BigInteger.valueOf(n).isProbablePrime(60), Primes.isPrime(n), () -> "n=" + n));
        for (long n = 0; n < 2000; n++) {
            assertEquals(BigInteger.valueOf(n).isProbablePrime(60), Primes.isPrime(n), "n=" + n);
        }
        // strong pseudoprime to bases 2..37 below 2^64 does not exist; a Carmichael number must fail
        assertEquals(false, Primes.isPrime(3215031751L));
        assertEquals(true, Primes.isPrime((1L << 61) - 1));
        assertEquals(false, Primes.isPrime(Long.MAX_VALUE));
    }

    @Test
    void chainIsDistinctNttFriendlyAndDescendingPerSize() {
        int n = 8192;
        long[] chain = Primes.coefficientModuli(n, 60, 40, 40, 60);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < chain.length; i++) {
            assertTrue(Primes.isPrime(chain[i]));
            assertEquals(1, chain[i] % (2L * n));
            assertTrue(seen.add(chain[i]));
        }
        assertEquals(60, 64 - Long.numberOfLeadingZeros(chain[0]));
        assertEquals(40, 64 - Long.numberOfLeadingZeros(chain[1]));
        assertTrue(chain[0] > chain[3]);
        assertTrue(chain[1] > chain[2]);
        // nothing between the largest 60-bit candidate and chain[0] is prime
        for (long v = (1L << 60) - 2L * n + 1; v > chain[0]; v -= 2L * n) {
            assertEquals(false, Primes.isPrime(v));
        }
        assertArrayEquals(chain, Primes.coefficientModuli(n, 60, 40, 40, 60));
    }

    @Test
    void minimalRootIsPrimitiveAndMinimal() {
        int n = 64;
        long q = Primes.nttPrimes(30, n, 1)[0];
        long psi = Primes.minimalPrimitiveRoot(q, n);
        Modulus m = new Modulus(q);
        assertEquals(q - 1, m.pow(psi, n));
        for (long x = 2; x < psi; x++) {
            assertTrue(m.pow(x, n) != q - 1 || m.pow(x, 2L * n) != 1, "smaller root " + x);
        }
    }
}
