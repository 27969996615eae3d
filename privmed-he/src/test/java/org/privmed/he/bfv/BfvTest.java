package org.privmed.he.bfv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.security.InsecureParametersException;

class BfvTest {
    private static final BfvFixture F = BfvFixture.SEAL;

    private static long[] op(long[] a, long[] b, java.util.function.LongBinaryOperator f, long t) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) r[i] = Math.floorMod(f.applyAsLong(a[i], b[i]), t);
        return r;
    }

    private static long mulMod(long a, long b, long t) {
        return Math.floorMod(Math.multiplyHigh(a, b) == 0 ? a * b : java.math.BigInteger.valueOf(a)
                .multiply(java.math.BigInteger.valueOf(b)).mod(java.math.BigInteger.valueOf(t)).longValue(), t);
    }

    @Test
    void presetHasSealPrimesAndBatchingT() {
        BfvParameters p = BfvParameters.presetSeal();
        assertEquals(8192, p.ringDegree());
        assertEquals(1032193L, p.plainModulus()); // SEAL's PlainModulus::Batching(8192, 20)
        assertEquals(4, p.qPrimes().length);
        assertEquals(1, p.pPrimes().length);
        assertEquals(1, p.plainModulus() % (2L * p.ringDegree()));
        assertTrue(p.logQP() < 218, "within the 128-bit bound for N = 8192");
    }

    @Test
    void encodeDecodeRoundTripAndEncryptDecrypt() {
        qt().withExamples(6).forAll(integers().between(1, 100000)).checkAssert(seed -> {
            long[] v = F.random(new Random(seed));
            assertArrayEquals(v, F.encoder.decode(F.encoder.encode(v)));
            assertArrayEquals(v, F.decrypt(F.encrypt(v)));
            assertArrayEquals(v, F.encoder.decode(F.decryptor.decrypt(F.symmetric.encrypt(F.encoder.encode(v)))));
        });
    }

    @Test
    void signedValuesDecodeCentred() {
        long[] v = {-1, -5, 7, -(F.t / 2), F.t / 2};
        long[] out = F.encoder.decodeSigned(F.decryptor.decrypt(F.encrypt(v)));
        for (int i = 0; i < v.length; i++) assertEquals(v[i], out[i]);
        for (int i = v.length; i < out.length; i++) assertEquals(0, out[i]);
    }

    @Test
    void linearOpsMatchPlaintextArithmetic() {
        long t = F.t;
        qt().withExamples(6).forAll(integers().between(1, 100000)).checkAssert(seed -> {
            Random rnd = new Random(seed);
            long[] a = F.random(rnd), b = F.random(rnd);
            BfvCiphertext ca = F.encrypt(a), cb = F.encrypt(b);
            BfvPlaintext pb = F.encoder.encode(b);
            assertArrayEquals(op(a, b, Long::sum, t), F.decrypt(F.eval.add(ca, cb)));
            assertArrayEquals(op(a, b, (x, y) -> x - y, t), F.decrypt(F.eval.sub(ca, cb)));
            assertArrayEquals(op(a, a, (x, y) -> -x, t), F.decrypt(F.eval.negate(ca)));
            assertArrayEquals(op(a, b, Long::sum, t), F.decrypt(F.eval.addPlain(ca, pb)));
            assertArrayEquals(op(a, b, (x, y) -> x - y, t), F.decrypt(F.eval.subPlain(ca, pb)));
            assertArrayEquals(op(a, b, (x, y) -> mulMod(x, y, t), t), F.decrypt(F.eval.multiplyPlain(ca, pb)));
        });
    }

    @Test
    void multiplyAndRelinearizeMatchPlaintextProduct() {
        long t = F.t;
        qt().withExamples(4).forAll(integers().between(1, 100000)).checkAssert(seed -> {
            Random rnd = new Random(seed);
            long[] a = F.random(rnd), b = F.random(rnd);
            BfvCiphertext ca = F.encrypt(a), cb = F.encrypt(b);
            long[] ab = op(a, b, (x, y) -> mulMod(x, y, t), t);
            BfvCiphertext product = F.eval.multiply(ca, cb);
            assertEquals(3, product.size());
            assertArrayEquals(ab, F.decrypt(product));
            assertArrayEquals(ab, F.decrypt(F.eval.relinearize(product)));
            assertArrayEquals(op(a, a, (x, y) -> mulMod(x, y, t), t), F.decrypt(F.eval.multiplyRelinearize(ca, ca)));
        });
    }

    /** A ciphertext with the same coefficients in fresh arrays: multiply cannot see it is a square. */
    private static BfvCiphertext distinctCopy(BfvCiphertext c) {
        return new BfvCiphertext(new RnsPoly[] {c.poly(0).copy(), c.poly(1).copy()}, c.paramsId());
    }

    @Test
    void squareIsBitIdenticalToTheGeneralProductAtEveryLevel() {
        qt().withExamples(4).forAll(integers().between(1, 100000)).checkAssert(seed -> {
            Random rnd = new Random(seed);
            BfvCiphertext c = F.encrypt(F.random(rnd));
            for (int level = c.level(); level >= Math.max(1, c.level() - 1); level--) {
                BfvCiphertext x = F.eval.modSwitchTo(c, level);
                BfvCiphertext sq = F.eval.square(x);
                BfvCiphertext general = F.eval.multiply(x, distinctCopy(x));
                assertEquals(3, sq.size());
                for (int i = 0; i < 3; i++) {
                    assertTrue(Arrays.deepEquals(general.poly(i).limbs(), sq.poly(i).limbs()),
                            "poly " + i + " at level " + level + " (seed " + seed + ")");
                }
                BfvCiphertext relinearized = F.eval.relinearize(general);
                BfvCiphertext fused = F.eval.squareRelinearize(x);
                for (int i = 0; i < 2; i++) {
                    assertTrue(Arrays.deepEquals(relinearized.poly(i).limbs(), fused.poly(i).limbs()),
                            "relinearized poly " + i + " at level " + level + " (seed " + seed + ")");
                }
            }
        });
    }

    @Test
    void depthThreeStillDecryptsAndBudgetShrinks() {
        long t = F.t;
        Random rnd = new Random(7);
        long[] a = F.random(rnd);
        BfvCiphertext c = F.encrypt(a);
        long[] expected = a.clone();
        int budget = F.decryptor.invariantNoiseBudget(c);
        System.out.println("fresh budget " + budget);
        for (int depth = 1; depth <= 3; depth++) {
            long[] b = F.random(rnd);
            c = F.eval.multiplyRelinearize(c, F.encrypt(b));
            expected = op(expected, b, (x, y) -> mulMod(x, y, t), t);
            int next = F.decryptor.invariantNoiseBudget(c);
            System.out.println("depth " + depth + " budget " + next);
            assertTrue(next < budget - 20, "budget " + next + " after depth " + depth + " vs " + budget + " before");
            assertTrue(next > 0, "budget exhausted at depth " + depth);
            assertArrayEquals(expected, F.decrypt(c));
            budget = next;
        }
    }

    @Test
    void rotationsFollowSealsMatrixSemantics() {
        int half = F.ctx.ringDegree() / 2;
        long[] a = F.random(new Random(3));
        BfvCiphertext ca = F.encrypt(a);
        for (int steps : BfvFixture.ROW_STEPS) {
            long[] got = F.decrypt(F.eval.rotateRows(ca, steps));
            for (int row = 0; row < 2; row++) {
                for (int j = 0; j < half; j++) {
                    int from = Math.floorMod(j + steps, half);
                    assertEquals(a[row * half + from], got[row * half + j], "steps " + steps + " row " + row + " col " + j);
                }
            }
        }
        long[] swapped = F.decrypt(F.eval.rotateColumns(ca));
        for (int j = 0; j < half; j++) {
            assertEquals(a[half + j], swapped[j]);
            assertEquals(a[j], swapped[half + j]);
        }
    }

    @Test
    void largePrimesWhoseSumExceedsDoublePrecisionStillMultiplyExactly() {
        // six 60-bit primes: Σ q_i ≈ 2^62.6, so a plain double sum of x_i·θ_i would lose every fraction
        BfvFixture big = new BfvFixture(BfvParameters.builder().logN(12).qBits(60, 60, 60, 60, 60, 60).pBits(60)
                .plainModulusBits(17).insecureForTesting().build());
        Random rnd = new Random(13);
        long[] a = big.random(rnd), b = big.random(rnd);
        long[] expected = op(a, b, (x, y) -> mulMod(x, y, big.t), big.t);
        BfvCiphertext product = big.eval.multiplyRelinearize(big.encrypt(a), big.encrypt(b));
        assertArrayEquals(expected, big.decrypt(product));
        assertArrayEquals(op(expected, b, (x, y) -> mulMod(x, y, big.t), big.t),
                big.decrypt(big.eval.multiplyRelinearize(product, big.encrypt(b))));
    }

    @Test
    void modulusSwitchingKeepsTheMessageAndOpsWorkAtLowerLevels() throws Exception {
        long t = F.t;
        Random rnd = new Random(17);
        long[] a = F.random(rnd), b = F.random(rnd);
        BfvCiphertext product = F.eval.multiplyRelinearize(F.encrypt(a), F.encrypt(b));
        long[] ab = op(a, b, (x, y) -> mulMod(x, y, t), t);
        int before = F.decryptor.invariantNoiseBudget(product);
        BfvCiphertext low = F.eval.modSwitchToNext(product);
        assertEquals(F.ctx.maxLevel() - 1, low.level());
        assertArrayEquals(ab, F.decrypt(low));
        // dividing by q_L can never cost more than q_L's bits (BfvNoiseModelTest checks the exact amount)
        int after = F.decryptor.invariantNoiseBudget(low);
        assertTrue(after > 0 && after >= before - 44, "budget " + before + " -> " + after);
        BfvCiphertext other = F.eval.modSwitchToNext(F.encrypt(b));
        assertArrayEquals(op(ab, b, Long::sum, t), F.decrypt(F.eval.add(low, other)));
        assertArrayEquals(op(ab, b, (x, y) -> mulMod(x, y, t), t), F.decrypt(F.eval.multiplyRelinearize(low, other)));
        assertArrayEquals(op(ab, b, (x, y) -> mulMod(x, y, t), t),
                F.decrypt(F.eval.multiplyPlain(low, F.encoder.encode(b))));
        assertArrayEquals(op(ab, b, Long::sum, t), F.decrypt(F.eval.addPlain(low, F.encoder.encode(b))));
        long[] rotated = F.decrypt(F.eval.rotateColumns(low));
        int half = F.ctx.ringDegree() / 2;
        for (int j = 0; j < half; j++) assertEquals(ab[half + j], rotated[j]);
        BfvCiphertext lowest = F.eval.modSwitchTo(product, 0);
        assertEquals(0, lowest.level());
        assertArrayEquals(ab, F.decrypt(lowest));
        assertThrows(IllegalArgumentException.class, () -> F.eval.modSwitchToNext(lowest));
        assertThrows(IllegalArgumentException.class, () -> F.eval.add(low, F.encrypt(b)));
        org.privmed.he.serial.BfvSerializer s = new org.privmed.he.serial.BfvSerializer(F.ctx);
        byte[] small = s.write(low);
        assertTrue(small.length < s.write(product).length, "fewer primes, fewer bytes");
        assertArrayEquals(ab, F.decrypt(s.readCiphertext(small)));
    }

    @Test
    void productIsBitIdenticalAcrossThreadCounts() {
        Random rnd = new Random(9);
        BfvCiphertext a = F.encrypt(F.random(rnd)), b = F.encrypt(F.random(rnd));
        BfvCiphertext one = F.eval.multiply(a, b);
        try (BfvContext two = new BfvContext(F.ctx.params(), 2)) {
            BfvCiphertext other = new BfvEvaluator(two).multiply(a, b);
            for (int i = 0; i < 3; i++) {
                for (int l = 0; l < one.poly(i).limbCount(); l++) {
                    assertArrayEquals(one.poly(i).limb(l), other.poly(i).limb(l), "poly " + i + " limb " + l);
                }
            }
        }
    }

    @Test
    void refusesInsecureAndNonBatchingParameters() {
        InsecureParametersException e = assertThrows(InsecureParametersException.class,
                () -> BfvParameters.builder().logN(12).qBits(40, 40).pBits(40).plainModulusBits(17).build());
        assertTrue(e.getMessage().contains("109"), e.getMessage());
        IllegalArgumentException notBatching = assertThrows(IllegalArgumentException.class,
                () -> BfvParameters.builder().logN(13).qBits(43, 43, 44, 44).pBits(44).plainModulus(1000003).build());
        assertTrue(notBatching.getMessage().contains("1 (mod 2N"), notBatching.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BfvParameters.builder().logN(13).qBits(43, 43, 44, 44).pBits(44).plainModulus(1032195).build());
    }
}
