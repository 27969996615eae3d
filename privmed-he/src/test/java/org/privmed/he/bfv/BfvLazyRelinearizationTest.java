package org.privmed.he.bfv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.he.math.Modulus;
import org.privmed.he.math.NttTables;
import org.privmed.he.math.Primes;
import org.privmed.he.ring.Parallelism;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;

/**
 * Weighted sums of unrelinearized squares followed by one relinearization per sum, against the
 * eager order (relinearize every square, then sum), on SEAL's chain and on the wide chain of 60-bit
 * primes whose residues the sums split in halves.
 */
class BfvLazyRelinearizationTest {
    private static final BfvFixture SEAL = BfvFixture.SEAL;
    private static final BfvFixture WIDE = new BfvFixture(BfvParameters.builder().logN(13).qBits(60, 60)
            .pBits(60).plainModulus(1785857).build());

    /** Σ_j w[r][j]·v_j² slot-wise modulo t, in exact arithmetic. */
    private static long[] sumOfSquares(long[][] v, long[] w, int r, long t) {
        int cols = v.length;
        long[] out = new long[v[0].length];
        BigInteger bt = BigInteger.valueOf(t);
        for (int k = 0; k < out.length; k++) {
            BigInteger acc = BigInteger.ZERO;
            for (int j = 0; j < cols; j++) {
                acc = acc.add(BigInteger.valueOf(w[r * cols + j]).multiply(BigInteger.valueOf(v[j][k]).pow(2)));
            }
            out[k] = acc.mod(bt).longValueExact();
        }
        return out;
    }

    private static void lazyEqualsEager(BfvFixture f, int level) {
        Random rnd = new Random(31 + level);
        int cols = 4;
        long[][] v = new long[cols][];
        BfvCiphertext[] c = new BfvCiphertext[cols];
        for (int j = 0; j < cols; j++) {
            v[j] = f.random(rnd);
            c[j] = f.eval.modSwitchTo(f.encrypt(v[j]), level);
        }
        // row 1 is zero modulo t; row 2 has weights beyond 2^30 that are taken modulo t
        long[] w = {3, -7, 15, -16, f.t, 0, -2 * f.t, 0, 1L << 40, -(1L << 35) + 5, 1, -1};
        BfvCiphertext[] relinearized = new BfvCiphertext[cols];
        BfvProduct[] products = new BfvProduct[cols];
        for (int j = 0; j < cols; j++) {
            relinearized[j] = f.eval.squareRelinearize(c[j]);
            products[j] = f.eval.squareUnrelinearized(c[j]);
            assertEquals(level, products[j].level());
        }
        BfvCiphertext[] eager = f.eval.weightedSums(relinearized, w, 0, 3);
        BfvProduct[] lazySums = f.eval.weightedSums(products, w, 0, 3);
        assertNull(eager[1]);
        assertNull(lazySums[1]);
        for (int r : new int[] {0, 2}) {
            BfvCiphertext lazy = f.eval.relinearize(lazySums[r]);
            long[] want = sumOfSquares(v, w, r, f.t);
            assertArrayEquals(want, f.decrypt(eager[r]), "eager row " + r);
            assertArrayEquals(want, f.decrypt(lazy), "lazy row " + r);
            int eagerBudget = f.decryptor.invariantNoiseBudget(eager[r]);
            int lazyBudget = f.decryptor.invariantNoiseBudget(lazy);
            assertTrue(lazyBudget > 0 && lazyBudget >= eagerBudget - 1,
                    "row " + r + ": lazy budget " + lazyBudget + ", eager " + eagerBudget);
        }
        // rows taken one range at a time give the same sums as all at once
        BfvProduct[] last = f.eval.weightedSums(products, w, 2, 3);
        assertArrayEquals(f.decrypt(f.eval.relinearize(lazySums[2])), f.decrypt(f.eval.relinearize(last[0])));
    }

    @Test
    void lazyRelinearizationEqualsEagerAfterDecryptionOnSealsChain() {
        for (int level = SEAL.ctx.maxLevel(); level >= 1; level--) {
            lazyEqualsEager(SEAL, level);
        }
    }

    @Test
    void lazyRelinearizationEqualsEagerAfterDecryptionOnWidePrimes() {
        lazyEqualsEager(WIDE, 1);
    }

    @Test
    void noiseModelOfLateRelinearizationTracksTheMeasuredBudget() {
        Random rnd = new Random(8);
        BfvNoiseModel model = new BfvNoiseModel(WIDE.ctx.params());
        int cols = 16;
        BfvProduct[] products = new BfvProduct[cols];
        long[] w = new long[cols];
        double squares = 0;
        for (int j = 0; j < cols; j++) {
            products[j] = WIDE.eval.squareUnrelinearized(WIDE.symmetric.encrypt(WIDE.encoder.encode(WIDE.random(rnd))));
            w[j] = rnd.nextInt(31) - 15;
            squares += (double) w[j] * w[j];
        }
        BfvCiphertext sum = WIDE.eval.relinearize(WIDE.eval.weightedSums(products, w, 0, 1)[0]);
        BfvNoiseModel.Estimate fresh = model.freshSymmetric();
        BfvNoiseModel.Estimate product = model.multiply(fresh, fresh);
        BfvNoiseModel.Estimate estimate = model.keySwitch(
                new BfvNoiseModel.Estimate(product.variance() * squares, product.level()));
        double predicted = model.budgetBits(estimate);
        int measured = WIDE.decryptor.invariantNoiseBudget(sum);
        assertTrue(Math.abs(measured - predicted) <= 4, "predicted " + predicted + ", measured " + measured);
    }

    @Test
    void widePrimeSumsMatchExactArithmeticForAnyWeights() {
        // the kernel alone on random residues: 60-bit primes (split halves) and 44-bit (whole residues),
        // small and large weights, enough terms to force reductions part-way
        long[] wide = Primes.nttPrimes(60, 64, 2);
        long[] narrow = Primes.nttPrimes(44, 64, 1);
        for (long[] primes : new long[][] {wide, narrow}) {
            NttTables[] tables = new NttTables[primes.length];
            for (int i = 0; i < primes.length; i++) tables[i] = new NttTables(64, new Modulus(primes[i]));
            RnsBasis q = new RnsBasis(tables, Parallelism.SINGLE);
            qt().withExamples(25).forAll(integers().between(1, 1_000_000)).checkAssert(seed -> {
                Random rnd = new Random(seed);
                int cols = 1 + rnd.nextInt(300);
                int rows = 1 + rnd.nextInt(5);
                long maxWeight = rnd.nextBoolean() ? 16 : (1L << 29) - 1;
                RnsPoly[][] x = new RnsPoly[cols][];
                for (int j = 0; j < cols; j++) {
                    x[j] = new RnsPoly[] {new RnsPoly(64, primes.length, true)};
                    for (int l = 0; l < primes.length; l++) {
                        long[] limb = x[j][0].limb(l);
                        for (int k = 0; k < 64; k++) limb[k] = Math.floorMod(rnd.nextLong(), primes[l]);
                    }
                }
                long[] w = new long[rows * cols];
                for (int i = 0; i < w.length; i++) {
                    w[i] = rnd.nextInt(4) == 0 ? 0 : rnd.nextLong(-maxWeight, maxWeight + 1);
                }
                RnsPoly[][] out = WeightedSums.apply(q, x, w, 0, rows);
                for (int r = 0; r < rows; r++) {
                    boolean any = false;
                    for (int j = 0; j < cols; j++) any |= w[r * cols + j] != 0;
                    if (!any) {
                        assertNull(out[r]);
                        continue;
                    }
                    assertNotNull(out[r]);
                    assertTrue(out[r][0].isNtt());
                    for (int l = 0; l < primes.length; l++) {
                        BigInteger ql = BigInteger.valueOf(primes[l]);
                        for (int k = 0; k < 64; k++) {
                            BigInteger acc = BigInteger.ZERO;
                            for (int j = 0; j < cols; j++) {
                                acc = acc.add(BigInteger.valueOf(w[r * cols + j])
                                        .multiply(BigInteger.valueOf(x[j][0].limb(l)[k])));
                            }
                            assertEquals(acc.mod(ql).longValueExact(), out[r][0].limb(l)[k],
                                    "row " + r + ", limb " + l + ", coefficient " + k);
                        }
                    }
                }
            });
        }
    }

    @Test
    void refusesMixedLevelsAndRelinearizationWithoutKey() {
        Random rnd = new Random(2);
        BfvCiphertext a = SEAL.encrypt(SEAL.random(rnd));
        BfvProduct high = SEAL.eval.squareUnrelinearized(a);
        BfvProduct low = SEAL.eval.squareUnrelinearized(SEAL.eval.modSwitchToNext(a));
        assertThrows(IllegalArgumentException.class,
                () -> SEAL.eval.weightedSums(new BfvProduct[] {high, low}, new long[] {1, 1}, 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> SEAL.eval.weightedSums(new BfvProduct[] {high, high}, new long[] {1, 1, 1}, 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> SEAL.eval.weightedSums(new BfvProduct[] {high}, new long[] {1}, 0, 2));
        assertThrows(IllegalStateException.class, () -> new BfvEvaluator(SEAL.ctx).relinearize(high));
        assertThrows(IllegalArgumentException.class, () -> WIDE.eval.relinearize(high));
        assertThrows(IllegalArgumentException.class,
                () -> SEAL.eval.squareUnrelinearized(SEAL.eval.multiply(a, a)));
    }
}
