package org.privmed.he.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.he.math.Primes;

class RingTest {
    private static final int N = 32;

    private static long[] primes(int... bits) {
        return Primes.coefficientModuli(N, bits);
    }

    private static BigInteger[] randomBig(BigInteger bound, Random rnd) {
        BigInteger[] x = new BigInteger[N];
        for (int c = 0; c < N; c++) x[c] = new BigInteger(bound.bitLength() + 8, rnd).mod(bound);
        return x;
    }

    private static RnsPoly toPoly(BigInteger[] x, long[] primes) {
        RnsPoly p = new RnsPoly(N, primes.length, false);
        for (int c = 0; c < N; c++) {
            long[] r = CrtReference.residues(x[c], primes);
            for (int i = 0; i < primes.length; i++) p.limb(i)[c] = r[i];
        }
        return p;
    }

    private static BigInteger coefficient(RnsPoly p, int c, long[] primes) {
        long[] r = new long[primes.length];
        for (int i = 0; i < primes.length; i++) r[i] = p.limb(i)[c];
        return CrtReference.reconstruct(r, primes);
    }

    @Test
    void nttProductIsNegacyclicProductModQ() {
        qt().withExamples(20).forAll(integers().between(1, 1000)).checkAssert(seed -> {
            Random rnd = new Random(seed);
            long[] qs = primes(60, 40, 50);
            RnsBasis basis = RnsBasis.of(N, qs, Parallelism.SINGLE);
            BigInteger bigQ = basis.product();
            BigInteger[] a = randomBig(bigQ, rnd), b = randomBig(bigQ, rnd);
            RnsPoly pa = toPoly(a, qs), pb = toPoly(b, qs);
            basis.toNtt(pa);
            basis.toNtt(pb);
            RnsPoly prod = basis.newPoly(true), sum = basis.newPoly(true), diff = basis.newPoly(true);
            basis.mul(pa, pb, prod);
            basis.add(pa, pb, sum);
            basis.sub(pa, pb, diff);
            basis.fromNtt(prod);
            basis.fromNtt(sum);
            basis.fromNtt(diff);
            for (int k = 0; k < N; k++) {
                BigInteger acc = BigInteger.ZERO;
                for (int i = 0; i < N; i++) {
                    int j = k - i;
                    BigInteger t = a[i].multiply(b[Math.floorMod(j, N)]);
                    acc = j >= 0 ? acc.add(t) : acc.subtract(t);
                }
                assertEquals(acc.mod(bigQ), coefficient(prod, k, qs));
                assertEquals(a[k].add(b[k]).mod(bigQ), coefficient(sum, k, qs));
                assertEquals(a[k].subtract(b[k]).mod(bigQ), coefficient(diff, k, qs));
            }
        });
    }

    @Test
    void fastBasisConversionIsExactUpToMultipleOfSourceModulus() {
        qt().withExamples(30).forAll(integers().between(1, 1000)).checkAssert(seed -> {
            Random rnd = new Random(seed);
            long[] all = primes(45, 50, 55, 60, 60, 61);
            int k = 1 + seed % 3;
            long[] a = Arrays.copyOfRange(all, 0, k), b = Arrays.copyOfRange(all, k, all.length);
            RnsBasis from = RnsBasis.of(N, a, Parallelism.SINGLE), to = RnsBasis.of(N, b, Parallelism.SINGLE);
            BigInteger bigA = from.product();
            BigInteger[] x = randomBig(bigA, rnd);
            RnsPoly in = toPoly(x, a);
            long[][] out = new long[b.length][N];
            new BasisExtender(from, to).convert(in.limbs(), out);
            RnsPoly conv = new RnsPoly(out, false);
            BigInteger bigB = to.product();
            for (int c = 0; c < N; c++) {
                BigInteger y = coefficient(conv, c, b);
                boolean found = false;
                for (int u = 0; u < k && !found; u++) {
                    found = y.equals(x[c].add(bigA.multiply(BigInteger.valueOf(u))).mod(bigB));
                }
                assertTrue(found, "coefficient " + c + ": conversion " + y + " is not x + uA, x = " + x[c]);
            }
        });
    }

    @Test
    void divideAndRoundByOnePrimeIsExactRounding() {
        checkDivideAndRound(1, 0);
    }

    @Test
    void divideAndRoundByTwoPrimesIsWithinOne() {
        checkDivideAndRound(2, 1);
    }

    private static void checkDivideAndRound(int specialCount, int tolerance) {
        qt().withExamples(20).forAll(integers().between(1, 1000)).checkAssert(seed -> {
            Random rnd = new Random(seed);
            long[] qs = primes(60, 40, 40);
            long[] ps = Arrays.copyOf(primes(61, 61), specialCount);
            RnsBasis q = RnsBasis.of(N, qs, Parallelism.SINGLE), p = RnsBasis.of(N, ps, Parallelism.SINGLE);
            RnsBasis qp = q.concat(p);
            long[] qpPrimes = qp.primes();
            BigInteger bigQ = q.product(), bigP = p.product();
            BigInteger[] x = randomBig(bigQ.multiply(bigP), rnd);
            RnsPoly in = toPoly(x, qpPrimes);
            qp.toNtt(in);
            RnsPoly out = q.newPoly(true);
            new DivideAndRound(q, p).apply(in, out);
            q.fromNtt(out);
            for (int c = 0; c < N; c++) {
                BigInteger expected = x[c].add(bigP.shiftRight(1)).divide(bigP).mod(bigQ);
                BigInteger got = coefficient(out, c, qs);
                // the fast conversion's +u·P error (0 <= u < |P|) shows up as -u after the division
                BigInteger deficit = expected.subtract(got).mod(bigQ);
                assertTrue(deficit.compareTo(BigInteger.valueOf(tolerance)) <= 0,
                        "coefficient " + c + ": got " + got + ", expected " + expected);
            }
        });
    }

    @Test
    void parallelResultsAreBitIdentical() {
        long[] qs = Primes.coefficientModuli(4096, 60, 40, 40, 40, 60);
        Random rnd = new Random(7);
        long[][] limbs = new long[qs.length][4096];
        for (int i = 0; i < qs.length; i++) for (int c = 0; c < 4096; c++) limbs[i][c] = Math.floorMod(rnd.nextLong(), qs[i]);
        try (Parallelism four = new Parallelism(4)) {
            RnsBasis single = RnsBasis.of(4096, qs, Parallelism.SINGLE);
            RnsBasis multi = RnsBasis.of(4096, qs, four);
            RnsPoly a = new RnsPoly(limbs, false).copy(), b = a.copy();
            single.toNtt(a);
            multi.toNtt(b);
            for (int i = 0; i < qs.length; i++) assertArrayEquals(a.limb(i), b.limb(i));
            RnsPoly outA = new RnsPoly(4096, 4, true), outB = new RnsPoly(4096, 4, true);
            new DivideAndRound(single.slice(0, 4), single.slice(4, 5)).apply(a, outA);
            new DivideAndRound(multi.slice(0, 4), multi.slice(4, 5)).apply(b, outB);
            for (int i = 0; i < 4; i++) assertArrayEquals(outA.limb(i), outB.limb(i));
        }
    }
}
