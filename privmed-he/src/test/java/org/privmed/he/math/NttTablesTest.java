package org.privmed.he.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NttTablesTest {
    private static long[] random(int n, long q, SplittableRandom rnd) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextLong(q);
        return a;
    }

    @Test
    void forwardIsNegacyclicEvaluationInBitReversedOrder() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int bits : new int[] {30, 50, 60, 61}) {
            for (int n : new int[] {2, 4, 8, 16, 32, 64, 128, 256}) {
                long q = Primes.nttPrimes(bits, n, 1)[0];
                NttTables t = new NttTables(n, new Modulus(q));
                long[] a = random(n, q, rnd);
                long[] f = a.clone();
                t.forward(f);
                BigInteger bq = BigInteger.valueOf(q);
                BigInteger psi = BigInteger.valueOf(t.root());
                int logN = Integer.numberOfTrailingZeros(n);
                for (int i = 0; i < n; i++) {
                    BigInteger x = psi.modPow(BigInteger.valueOf(2L * NttTables.bitReverse(i, logN) + 1), bq);
                    BigInteger acc = BigInteger.ZERO;
                    for (int k = n - 1; k >= 0; k--) {
                        acc = acc.multiply(x).add(BigInteger.valueOf(a[k])).mod(bq);
                    }
                    assertEquals(acc.longValue(), f[i], "n=" + n + " q=" + q + " i=" + i);
                }
                long[] lazy = a.clone();
                t.forwardLazy(lazy);
                for (int i = 0; i < n; i++) {
                    assertTrue(lazy[i] >= 0 && lazy[i] < 4 * q && lazy[i] % q == f[i], "lazy output " + i);
                }
                t.inverse(f);
                assertArrayEquals(a, f);
            }
        }
    }

    /**
     * Primes just below and above the limits where the transforms skip their per-stage corrections,
     * at the largest ring degree, with the inputs that make the bounds grow fastest (all q - 1): the
     * round trip must be exact and a monomial must land on the right powers of ψ.
     */
    @Test
    void transformsStayExactAtTheLooseBoundaries() {
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 1 << 16;
        for (int bits : new int[] {40, 45, 46, 56, 57, 58, 60}) {
            long q = Primes.nttPrimes(bits, n, 1)[0];
            NttTables t = new NttTables(n, new Modulus(q));
            long[] max = new long[n];
            java.util.Arrays.fill(max, q - 1);
            for (long[] a : new long[][] {max, random(n, q, rnd)}) {
                long[] f = a.clone();
                t.forward(f);
                long[] lazy = a.clone();
                t.forwardLazy(lazy);
                for (int i = 0; i < n; i++) {
                    assertTrue(f[i] >= 0 && f[i] < q, "bits=" + bits + " forward output " + i + " = " + f[i]);
                    assertTrue(lazy[i] >= 0 && lazy[i] < 4 * q && lazy[i] % q == f[i], "bits=" + bits + " lazy output " + i);
                }
                t.inverse(f);
                assertArrayEquals(a, f, "bits=" + bits + " round trip");
            }
            // c·X: slot i holds c·ψ^(2·rev(i)+1)
            long c = q - 2;
            long[] mono = new long[n];
            mono[1] = c;
            t.forward(mono);
            BigInteger bq = BigInteger.valueOf(q);
            BigInteger psi = BigInteger.valueOf(t.root());
            for (int i : new int[] {0, 1, n / 2, n - 1}) {
                long want = psi.modPow(BigInteger.valueOf(2L * NttTables.bitReverse(i, 16) + 1), bq)
                        .multiply(BigInteger.valueOf(c)).mod(bq).longValue();
                assertEquals(want, mono[i], "bits=" + bits + " monomial slot " + i);
            }
        }
    }

    /**
     * The inverse accepts evaluations in [0, 2q) (lazy products, key-switching sums): adding q to
     * any of them must not change the coefficients, including all 2q - 1 at the primes where the
     * inverse skips corrections in some stages (58, 60 bits) or in all of them (40 bits).
     */
    @Test
    void inverseAcceptsUnreducedInputs() {
        SplittableRandom rnd = new SplittableRandom(11);
        int n = 8192;
        for (int bits : new int[] {40, 49, 50, 58, 60, 61}) {
            long q = Primes.nttPrimes(bits, n, 1)[0];
            NttTables t = new NttTables(n, new Modulus(q));
            long[] reduced = random(n, q, rnd);
            long[] lazy = reduced.clone();
            for (int i = 0; i < n; i++) if (rnd.nextBoolean()) lazy[i] += q;
            long[] top = new long[n];
            java.util.Arrays.fill(top, 2 * q - 1);
            long[] topReduced = new long[n];
            java.util.Arrays.fill(topReduced, q - 1);
            t.inverse(reduced);
            t.inverse(lazy);
            t.inverse(top);
            t.inverse(topReduced);
            assertArrayEquals(reduced, lazy, "bits=" + bits);
            assertArrayEquals(topReduced, top, "bits=" + bits + ", all 2q - 1");
        }
    }

    @Test
    void pointwiseProductIsNegacyclicConvolution() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int n : new int[] {32, 1024, 8192}) {
            long q = Primes.nttPrimes(60, n, 1)[0];
            Modulus m = new Modulus(q);
            NttTables t = new NttTables(n, m);
            long[] a = random(n, q, rnd);
            long[] b = random(n, q, rnd);
            long[] fa = a.clone(), fb = b.clone();
            t.forward(fa);
            t.forward(fb);
            for (int i = 0; i < n; i++) fa[i] = m.mul(fa[i], fb[i]);
            t.inverse(fa);
            // BigInteger schoolbook reference, only for a few output coefficients at large N
            BigInteger bq = BigInteger.valueOf(q);
            int stride = n <= 1024 ? 1 : 97;
            for (int k = 0; k < n; k += stride) {
                BigInteger acc = BigInteger.ZERO;
                for (int i = 0; i < n; i++) {
                    int j = k - i;
                    BigInteger prod = BigInteger.valueOf(a[i]).multiply(BigInteger.valueOf(b[Math.floorMod(j, n)]));
                    acc = j >= 0 ? acc.add(prod) : acc.subtract(prod);
                }
                assertEquals(acc.mod(bq).longValue(), fa[k], "n=" + n + " k=" + k);
            }
        }
    }

    @Test
    void tablesAreCanonical() {
        long q = Primes.nttPrimes(40, 4096, 1)[0];
        assertEquals(new NttTables(4096, new Modulus(q)).root(), new NttTables(4096, new Modulus(q)).root());
        assertThrows(IllegalArgumentException.class, () -> new NttTables(4096, new Modulus(q)).forward(new long[10]));
    }
}
