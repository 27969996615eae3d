package org.privmed.he.math;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Primality and NTT-friendly primes.
 *
 * <p>{@link #isPrime} is Miller–Rabin with the first twelve primes as bases, which is deterministic
 * for every n &lt; 3.3·10^24 (Sorenson and Webster, "Strong pseudoprimes to twelve prime bases",
 * Math. Comp. 2017), hence for all 64-bit inputs. {@link #coefficientModuli} picks primes q ≡ 1 mod 2N
 * of requested bit sizes, scanning downward from 2^bits in steps of 2N and handing out the primes of
 * one size in descending order, the same convention as SEAL's {@code CoeffModulus::Create}, so the
 * same bit-size list gives the same chain.
 */
public final class Primes {
    private static final long[] WITNESSES = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};

    private Primes() {
    }

    public static boolean isPrime(long n) {
        if (n < 2) return false;
        for (long p : WITNESSES) {
            if (n % p == 0) return n == p;
        }
        if (n >= (1L << Modulus.MAX_BITS)) {
            return isPrimeBig(n);
        }
        Modulus m = new Modulus(n);
        long d = n - 1;
        int r = Long.numberOfTrailingZeros(d);
        d >>>= r;
        for (long a : WITNESSES) {
            long x = m.pow(a, d);
            if (x == 1 || x == n - 1) continue;
            boolean composite = true;
            for (int i = 1; i < r; i++) {
                x = m.mul(x, x);
                if (x == n - 1) {
                    composite = false;
                    break;
                }
            }
            if (composite) return false;
        }
        return true;
    }

    /** The same deterministic test for 61..63-bit inputs, which do not fit the fast {@link Modulus}. */
    private static boolean isPrimeBig(long n) {
        BigInteger bn = BigInteger.valueOf(n);
        BigInteger nm1 = bn.subtract(BigInteger.ONE);
        int r = nm1.getLowestSetBit();
        BigInteger d = nm1.shiftRight(r);
        for (long a : WITNESSES) {
            BigInteger x = BigInteger.valueOf(a).modPow(d, bn);
            if (x.equals(BigInteger.ONE) || x.equals(nm1)) continue;
            boolean composite = true;
            for (int i = 1; i < r; i++) {
                x = x.multiply(x).mod(bn);
                if (x.equals(nm1)) {
                    composite = false;
                    break;
                }
            }
            if (composite) return false;
        }
        return true;
    }

    /**
     * The largest {@code count} primes q ≡ 1 (mod 2N) with exactly {@code bits} bits, descending.
     */
    public static long[] nttPrimes(int bits, int ringDegree, int count) {
        checkRingDegree(ringDegree);
        if (bits < 2 || bits > Modulus.MAX_BITS) {
            throw new IllegalArgumentException("prime bit size must be in [2, 61], got " + bits);
        }
        long step = 2L * ringDegree;
        long lower = 1L << (bits - 1);
        long[] out = new long[count];
        int found = 0;
        for (long v = (1L << bits) - step + 1; v > lower && found < count; v -= step) {
            if (isPrime(v)) out[found++] = v;
        }
        if (found < count) {
            throw new IllegalArgumentException("only " + found + " primes of " + bits + " bits are 1 mod "
                    + step + ", asked for " + count);
        }
        return out;
    }

    /**
     * One distinct NTT-friendly prime per entry of {@code bitSizes}; entries of equal size receive
     * that size's primes in descending order of appearance (SEAL's convention).
     */
    public static long[] coefficientModuli(int ringDegree, int... bitSizes) {
        Map<Integer, Integer> perSize = new HashMap<>();
        for (int b : bitSizes) perSize.merge(b, 1, Integer::sum);
        Map<Integer, long[]> primes = new HashMap<>();
        for (Map.Entry<Integer, Integer> e : perSize.entrySet()) {
            primes.put(e.getKey(), nttPrimes(e.getKey(), ringDegree, e.getValue()));
        }
        Map<Integer, Integer> used = new HashMap<>();
        long[] out = new long[bitSizes.length];
        for (int i = 0; i < bitSizes.length; i++) {
            int k = used.merge(bitSizes[i], 1, Integer::sum) - 1;
            out[i] = primes.get(bitSizes[i])[k];
        }
        return out;
    }

    /**
     * The smallest primitive 2N-th root of unity modulo a prime q ≡ 1 (mod 2N): canonical, so
     * tables built twice (or by another implementation using the same rule) agree.
     */
    public static long minimalPrimitiveRoot(long q, int ringDegree) {
        checkRingDegree(ringDegree);
        long twoN = 2L * ringDegree;
        if ((q - 1) % twoN != 0) {
            throw new IllegalArgumentException(q + " is not 1 mod " + twoN);
        }
        Modulus m = new Modulus(q);
        long cofactor = (q - 1) / twoN;
        long root = -1;
        // a 2N-th root r is primitive iff r^N = -1 (2N is a power of two)
        for (long x = 2; x < q; x++) {
            long r = m.pow(x, cofactor);
            if (m.pow(r, ringDegree) == q - 1) {
                root = r;
                break;
            }
        }
        if (root < 0) {
            throw new IllegalArgumentException("no primitive " + twoN + "-th root modulo " + q + " (not prime?)");
        }
        // every primitive root is root^k for odd k; walk them all and keep the minimum
        long square = m.mul(root, root);
        long current = root;
        long best = root;
        for (long k = 1; k < twoN; k += 2) {
            if (current < best) best = current;
            current = m.mul(current, square);
        }
        return best;
    }

    static void checkRingDegree(int n) {
        if (n < 2 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("ring degree must be a power of two >= 2, got " + n);
        }
    }

    /** All primes in a list, as {@link Modulus} objects. */
    public static List<Modulus> toModuli(long[] values) {
        List<Modulus> out = new ArrayList<>(values.length);
        for (long v : values) out.add(new Modulus(v));
        return out;
    }
}
