package org.privmed.he.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.privmed.he.ckks.CkksFixture.maxAbs;
import static org.privmed.he.ckks.CkksFixture.maxError;
import static org.privmed.he.ckks.CkksFixture.random;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.he.rlwe.KeyGenerator;
import org.privmed.he.security.InsecureParametersException;

class CkksTest {
    private static final CkksFixture F = CkksFixture.SMALL;
    private static final double TWO_M30 = Math.pow(2, -30);
    private static final double TWO_M20 = Math.pow(2, -20);

    @Test
    void encodeDecodeErrorBelow2PowMinus30() {
        qt().withExamples(12).forAll(integers().between(1, 100000), integers().between(0, F.ctx.maxLevel()),
                integers().between(1, F.ctx.slots())).checkAssert((seed, level, count) -> {
                    Random rnd = new Random(seed);
                    double[] re = random(rnd, count), im = random(rnd, count);
                    double[][] back = F.encoder.decode(F.encoder.encode(re, im, level, Math.pow(2, 40)));
                    double[] reFull = new double[F.ctx.slots()], imFull = new double[F.ctx.slots()];
                    System.arraycopy(re, 0, reFull, 0, count);
                    System.arraycopy(im, 0, imFull, 0, count);
                    assertTrue(maxError(back[0], reFull) < TWO_M30, "real error " + maxError(back[0], reFull));
                    assertTrue(maxError(back[1], imFull) < TWO_M30, "imaginary error " + maxError(back[1], imFull));
                });
    }

    @Test
    void coefficientsBeyond2Pow62AreEncodedExactly() {
        Random rnd = new Random(11);
        double scale = Math.pow(2, 75);
        double[] v = random(rnd, F.ctx.slots());
        Plaintext pt = F.encoder.encode(v, 3, scale);
        double[] coeffs = F.ctx.fft().slotsToCoefficients(v, new double[0]);
        for (int j = 0; j < 64; j++) {
            BigDecimal expected = new BigDecimal(Math.rint(coeffs[j] * scale)).setScale(0, RoundingMode.UNNECESSARY);
            assertEquals(expected.toBigIntegerExact(), F.encoder.exactCoefficient(pt, j), "coefficient " + j);
        }
        assertTrue(maxError(F.encoder.decodeReal(pt), v) < TWO_M30);
    }

    @Test
    void encryptDecryptRoundTripPublicAndSymmetric() {
        qt().withExamples(6).forAll(integers().between(1, 100000), integers().between(0, F.ctx.maxLevel())).checkAssert((seed, level) -> {
            double[] v = random(new Random(seed), F.ctx.slots());
            Plaintext pt = F.encoder.encode(v, level, Math.pow(2, 40));
            Ciphertext pk = F.encryptor.encrypt(pt), sk = F.symmetric.encrypt(pt);
            assertEquals(level, pk.level());
            assertTrue(sk.isSeeded() && !pk.isSeeded());
            assertTrue(maxError(F.decrypt(pk), v) < TWO_M20);
            assertTrue(maxError(F.decrypt(sk), v) < TWO_M20);
        });
    }

    /**
     * Encoding and encrypting in one step puts the very coefficients of the encoding under the
     * encryption: decryption leaves them off by the encryption error alone (|e| <= 19 for the
     * symmetric key), and slots beyond 2^62 after scaling take the plaintext path.
     */
    @Test
    void encryptingValuesDirectlyCarriesTheEncodedCoefficients() {
        qt().withExamples(6).forAll(integers().between(1, 100000), integers().between(0, F.ctx.maxLevel())).checkAssert((seed, level) -> {
            double[] v = random(new Random(seed), F.ctx.slots() - seed % 7);
            double scale = Math.pow(2, 40);
            Ciphertext sk = F.symmetric.encrypt(v, level, scale);
            Ciphertext pk = F.encryptor.encrypt(v, level, scale);
            assertTrue(sk.isSeeded() && !pk.isSeeded());
            assertEquals(level, sk.level());
            assertEquals(scale, sk.scale());
            Plaintext expected = F.encoder.encode(v, level, scale);
            Plaintext got = F.decryptor.decrypt(sk);
            for (int j = 0; j < F.ctx.ringDegree(); j += 97) {
                long diff = F.encoder.exactCoefficient(got, j).subtract(F.encoder.exactCoefficient(expected, j))
                        .longValueExact();
                assertTrue(Math.abs(diff) <= 19, "coefficient " + j + " off by " + diff);
            }
            double[] full = java.util.Arrays.copyOf(v, F.ctx.slots());
            assertTrue(maxError(F.decrypt(sk), full) < TWO_M20);
            assertTrue(maxError(F.decrypt(pk), full) < TWO_M20);
        });
        double[] v = random(new Random(3), F.ctx.slots());
        Ciphertext big = F.symmetric.encrypt(v, 3, Math.pow(2, 75));
        assertTrue(maxError(F.decrypt(big), v) < TWO_M30);
    }

    @Test
    void multiplyRelinearizeRescaleKeepsRelativeErrorBelow2PowMinus20() {
        qt().withExamples(6).forAll(integers().between(1, 100000), integers().between(1, F.ctx.maxLevel())).checkAssert((seed, level) -> {
            Random rnd = new Random(seed);
            double[] x = random(rnd, F.ctx.slots()), y = random(rnd, F.ctx.slots());
            double[] expected = new double[x.length];
            for (int i = 0; i < x.length; i++) expected[i] = x[i] * y[i];
            Ciphertext prod = F.eval.rescale(F.eval.relinearize(F.eval.multiply(F.encrypt(x, level), F.encrypt(y, level))));
            assertEquals(level - 1, prod.level());
            double rel = maxError(F.decrypt(prod), expected) / maxAbs(expected);
            assertTrue(rel < TWO_M20, "relative error " + rel);
            double[] sq = new double[x.length];
            for (int i = 0; i < x.length; i++) sq[i] = x[i] * x[i];
            Ciphertext s = F.eval.rescale(F.eval.relinearize(F.eval.square(F.encrypt(x, level))));
            assertTrue(maxError(F.decrypt(s), sq) / maxAbs(sq) < TWO_M20);
        });
    }

    @Test
    void additiveAndPlaintextOperations() {
        Random rnd = new Random(4);
        double[] x = random(rnd, F.ctx.slots()), y = random(rnd, F.ctx.slots());
        Ciphertext cx = F.encrypt(x, 2), cy = F.encrypt(y, 2);
        Plaintext py = F.encoder.encode(y, 2, Math.pow(2, 40));
        double[] sum = new double[x.length], diff = new double[x.length], neg = new double[x.length], prod = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            sum[i] = x[i] + y[i];
            diff[i] = x[i] - y[i];
            neg[i] = -x[i];
            prod[i] = x[i] * y[i];
        }
        assertTrue(maxError(F.decrypt(F.eval.add(cx, cy)), sum) < TWO_M20);
        assertTrue(maxError(F.decrypt(F.eval.sub(cx, cy)), diff) < TWO_M20);
        assertTrue(maxError(F.decrypt(F.eval.negate(cx)), neg) < TWO_M20);
        assertTrue(maxError(F.decrypt(F.eval.addPlain(cx, py)), sum) < TWO_M20);
        assertTrue(maxError(F.decrypt(F.eval.subPlain(cx, py)), diff) < TWO_M20);
        assertTrue(maxError(F.decrypt(F.eval.rescale(F.eval.multiplyPlain(cx, py))), prod) < TWO_M20);
        // the unrelinearized product decrypts too
        Ciphertext deg2 = F.eval.multiply(cx, cy);
        assertEquals(3, deg2.size());
        assertTrue(maxError(F.decrypt(F.eval.rescale(deg2)), prod) < TWO_M20);
    }

    @Test
    void constantsWithoutEncoding() {
        qt().withExamples(8).forAll(integers().between(1, 100000), doubles().between(-100, 100)).checkAssert((seed, c) -> {
            double[] x = random(new Random(seed), F.ctx.slots());
            Ciphertext cx = F.encrypt(x, 3);
            double[] plus = new double[x.length], times = new double[x.length], timesInt = new double[x.length];
            long k = Math.round(c);
            for (int i = 0; i < x.length; i++) {
                plus[i] = x[i] + c;
                times[i] = x[i] * c;
                timesInt[i] = x[i] * k;
            }
            assertTrue(maxError(F.decrypt(F.eval.addConstant(cx, c)), plus) < TWO_M20);
            Ciphertext m = F.eval.rescale(F.eval.multiplyConstant(cx, c));
            // the constant is encoded at the scale of the prime that is dropped: the scale comes back exactly
            assertEquals(cx.scale(), m.scale(), 0.0);
            assertTrue(maxError(F.decrypt(m), times) < TWO_M20 * Math.max(1, Math.abs(c)));
            Ciphertext mi = F.eval.multiplyInteger(cx, k);
            assertEquals(cx.scale(), mi.scale(), 0.0);
            assertTrue(maxError(F.decrypt(mi), timesInt) < TWO_M20 * Math.max(1, Math.abs(k)));
        });
    }

    @Test
    void rotationMovesEverySlotToTheRightPlace() {
        qt().withExamples(8).forAll(integers().between(1, 100000), integers().between(0, CkksFixture.ROTATIONS.length - 1),
                integers().between(0, F.ctx.maxLevel())).checkAssert((seed, which, level) -> {
                    int k = CkksFixture.ROTATIONS[which];
                    int slots = F.ctx.slots();
                    double[] x = random(new Random(seed), slots);
                    double[] expected = new double[slots];
                    for (int j = 0; j < slots; j++) expected[j] = x[Math.floorMod(j + k, slots)];
                    double[] got = F.decrypt(F.eval.rotate(F.encrypt(x, level), k));
                    assertTrue(maxError(got, expected) < TWO_M20, "rotation by " + k + " error " + maxError(got, expected));
                });
    }

    @Test
    void hoistedAndPlainRotationsAgree() {
        qt().withExamples(4).forAll(integers().between(1, 100000), integers().between(0, F.ctx.maxLevel())).checkAssert((seed, level) -> {
            double[] x = random(new Random(seed), F.ctx.slots());
            Ciphertext cx = F.encrypt(x, level);
            Ciphertext[] hoisted = F.eval.rotateHoisted(cx, CkksFixture.ROTATIONS);
            for (int i = 0; i < hoisted.length; i++) {
                double[] plain = F.decrypt(F.eval.rotate(cx, CkksFixture.ROTATIONS[i]));
                assertTrue(maxError(F.decrypt(hoisted[i]), plain) < TWO_M20, "step " + CkksFixture.ROTATIONS[i]);
            }
        });
    }

    @Test
    void hoistedDotsWithOneModDownEqualTheSumOfWeightedRotations() {
        int[][] steps = {{0, 1, 5, -7, 100}, {2, 3}};
        qt().withExamples(4).forAll(integers().between(1, 100000), integers().between(1, F.ctx.maxLevel())).checkAssert((seed, level) -> {
            Random rnd = new Random(seed);
            int slots = F.ctx.slots();
            double[] x = random(rnd, slots);
            Ciphertext cx = F.encrypt(x, level);
            double ptScale = (double) F.ctx.rlwe().qAtLevel(level).modulus(level).value();
            LiftedPlaintext[][] w = new LiftedPlaintext[steps.length][];
            for (int g = 0; g < steps.length; g++) {
                w[g] = new LiftedPlaintext[steps[g].length];
                double[] expected = new double[slots];
                Ciphertext reference = null;
                for (int i = 0; i < steps[g].length; i++) {
                    double[] wv = random(rnd, slots);
                    Plaintext pt = F.encoder.encode(wv, level, ptScale);
                    w[g][i] = F.eval.lift(pt);
                    for (int j = 0; j < slots; j++) expected[j] += wv[j] * x[Math.floorMod(j + steps[g][i], slots)];
                    Ciphertext term = F.eval.multiplyPlain(F.eval.rotate(cx, steps[g][i]), pt);
                    reference = reference == null ? term : F.eval.add(reference, term);
                }
                Ciphertext lazy = F.eval.rotateHoistedDots(cx, new int[][] {steps[g]}, new LiftedPlaintext[][] {w[g]})[0];
                double[] got = F.decrypt(F.eval.rescale(lazy));
                double[] ref = F.decrypt(F.eval.rescale(reference));
                double scale = maxAbs(expected);
                assertTrue(maxError(got, ref) < TWO_M20 * scale, "lazy vs individual " + maxError(got, ref));
                assertTrue(maxError(got, expected) < TWO_M20 * scale, "lazy vs plaintext " + maxError(got, expected));
            }
            // both groups from one decomposition give the same as one group at a time
            Ciphertext[] both = F.eval.rotateHoistedDots(cx, steps, w);
            for (int g = 0; g < steps.length; g++) {
                Ciphertext alone = F.eval.rotateHoistedDots(cx, new int[][] {steps[g]}, new LiftedPlaintext[][] {w[g]})[0];
                for (int p = 0; p < 2; p++) {
                    assertArrayEquals(alone.poly(p).limbs(), both[g].poly(p).limbs());
                }
            }
        });
    }

    @Test
    void liftRefusesPlaintextsWithoutASmallRepresentative() {
        double[] v = random(new Random(3), F.ctx.slots());
        Plaintext big = F.encoder.encode(v, 3, Math.pow(2, 75));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> F.eval.lift(big));
        assertTrue(e.getMessage().contains("q_0/2"), e.getMessage());
    }

    @Test
    void conjugateAndRotateAndSum() {
        Random rnd = new Random(8);
        int slots = F.ctx.slots();
        double[] re = random(rnd, slots), im = random(rnd, slots);
        Ciphertext c = F.encryptor.encrypt(F.encoder.encode(re, im, 2, Math.pow(2, 40)));
        double[][] conj = F.encoder.decode(F.decryptor.decrypt(F.eval.conjugate(c)));
        double[] negIm = new double[slots];
        for (int j = 0; j < slots; j++) negIm[j] = -im[j];
        assertTrue(maxError(conj[0], re) < TWO_M20);
        assertTrue(maxError(conj[1], negIm) < TWO_M20);

        double[] x = random(rnd, slots);
        double[] expected = new double[slots];
        for (int j = 0; j < slots; j++) {
            for (int i = 0; i < 8; i++) expected[j] += x[(j + i) % slots];
        }
        assertTrue(maxError(F.decrypt(F.eval.rotateAndSum(F.encrypt(x, 2), 8)), expected) < TWO_M20);
    }

    @Test
    void linearTransformMatchesMatrixVectorProduct() {
        qt().withExamples(3).forAll(integers().between(1, 100000)).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int slots = F.ctx.slots();
            int[] indices = {0, 1, 2, 3, 4, 5, 8, 16};
            Map<Integer, double[]> diags = new HashMap<>();
            for (int k : indices) diags.put(k, random(rnd, slots));
            LinearTransform lt = LinearTransform.ofRealDiagonals(F.ctx, diags, 2);
            for (int r : lt.requiredRotations()) {
                assertTrue(F.galois.has(F.ctx.galoisElementForRotation(r)), "fixture lacks rotation " + r);
            }
            double[] x = random(rnd, slots);
            double[] expected = new double[slots];
            for (int j = 0; j < slots; j++) {
                for (int k : indices) expected[j] += diags.get(k)[j] * x[(j + k) % slots];
            }
            Ciphertext y = F.eval.rescale(lt.apply(F.eval, F.encrypt(x, 2)));
            double rel = maxError(F.decrypt(y), expected) / maxAbs(expected);
            assertTrue(rel < TWO_M20, "relative error " + rel);
        });
    }

    @Test
    void mismatchedScalesAndLevelsAreRejected() {
        Random rnd = new Random(2);
        double[] x = random(rnd, 16);
        Ciphertext a = F.encrypt(x, 3), b = F.encrypt(x, 2);
        IllegalArgumentException lv = assertThrows(IllegalArgumentException.class, () -> F.eval.add(a, b));
        assertTrue(lv.getMessage().contains("3") && lv.getMessage().contains("2"), lv.getMessage());
        Ciphertext c = F.encryptor.encrypt(F.encoder.encode(x, 3, Math.pow(2, 41)));
        IllegalArgumentException sc = assertThrows(IllegalArgumentException.class, () -> F.eval.sub(a, c));
        assertTrue(sc.getMessage().contains("2^40") && sc.getMessage().contains("2^41"), sc.getMessage());
        assertThrows(IllegalArgumentException.class, () -> F.eval.addPlain(a, F.encoder.encode(x, 2, Math.pow(2, 40))));
        assertThrows(IllegalArgumentException.class, () -> F.eval.multiply(a, b));
        Ciphertext low = F.encrypt(x, 0);
        assertThrows(IllegalArgumentException.class, () -> F.eval.rescale(low));
        assertThrows(IllegalArgumentException.class, () -> F.eval.rotate(a, 9));
        // dropping the level first makes them compatible
        assertTrue(maxError(F.decrypt(F.eval.add(F.eval.dropLevel(a, 2), b)), doubled(x)) < TWO_M20);
    }

    private static double[] doubled(double[] x) {
        double[] d = new double[4096 / 2];
        for (int i = 0; i < x.length; i++) d[i] = 2 * x[i];
        return d;
    }

    @Test
    void foreignParametersAreRejected() {
        CkksParameters other = CkksParameters.builder().logN(12).qBits(60, 40, 40, 40).pBits(60).scale(Math.pow(2, 41))
                .insecureForTesting().build();
        assertTrue(other.id() != F.ctx.paramsId());
        try (CkksContext otherCtx = new CkksContext(other)) {
            KeyGenerator kg = new KeyGenerator(otherCtx.rlwe());
            Ciphertext foreign = new CkksEncryptor(otherCtx, kg.publicKey())
                    .encrypt(new CkksEncoder(otherCtx).encode(new double[] {1}, 3, Math.pow(2, 40)));
            Ciphertext mine = F.encrypt(new double[] {1}, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> F.eval.add(mine, foreign));
            assertTrue(e.getMessage().contains(Long.toHexString(other.id())), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> F.decryptor.decrypt(foreign));
        }
    }

    @Test
    void presetsAreAcceptedAndInsecureSetsRefused() {
        CkksParameters a = CkksParameters.presetA(), b = CkksParameters.presetB();
        assertEquals(8192, a.ringDegree());
        assertEquals(2, a.maxLevel());
        assertEquals(3, a.dnum());
        assertEquals(16384, b.ringDegree());
        assertEquals(6, b.maxLevel());
        assertEquals(a.id(), CkksParameters.presetA().id());
        assertTrue(a.id() != b.id());
        // N = 4096 allows 109 bits at 128-bit security: 49 + 60 bits is under, 50 + 60 one bit over
        CkksParameters ok = CkksParameters.builder().logN(12).qBits(49).pBits(60).build();
        assertTrue(ok.logQP() <= 109);
        InsecureParametersException e = assertThrows(InsecureParametersException.class,
                () -> CkksParameters.builder().logN(12).qBits(50).pBits(60).build());
        assertTrue(e.getMessage().contains("109"), e.getMessage());
        assertThrows(InsecureParametersException.class,
                () -> CkksParameters.builder().logN(13).qBits(60, 40, 40, 40).pBits(60).build());
        assertThrows(IllegalArgumentException.class, () -> CkksParameters.builder().logN(11).qBits(40).pBits(40).build());
        assertThrows(IllegalArgumentException.class, () -> CkksParameters.builder().logN(13).qBits(60, 40).pBits(60).dnum(3).build());
    }

    @Test
    void parallelResultsAreBitIdenticalToSingleThread() {
        try (CkksContext multi = new CkksContext(F.ctx.params(), 3)) {
            Evaluator ev = new Evaluator(multi, F.relin, F.galois);
            CkksEncoder enc = new CkksEncoder(multi);
            Random rnd = new Random(13);
            double[] x = random(rnd, F.ctx.slots()), y = random(rnd, F.ctx.slots());
            assertArrayEquals(F.encoder.encode(x).limbs(), enc.encode(x).limbs());
            Ciphertext cx = F.encrypt(x, 3), cy = F.encrypt(y, 3);
            Ciphertext single = F.eval.rescale(F.eval.relinearize(F.eval.multiply(cx, cy)));
            Ciphertext par = ev.rescale(ev.relinearize(ev.multiply(cx, cy)));
            for (int i = 0; i < 2; i++) assertArrayEquals(single.poly(i).limbs(), par.poly(i).limbs());
            Ciphertext[] hs = F.eval.rotateHoisted(cx, new int[] {1, 5}), hp = ev.rotateHoisted(cx, new int[] {1, 5});
            for (int r = 0; r < 2; r++) {
                for (int i = 0; i < 2; i++) assertArrayEquals(hs[r].poly(i).limbs(), hp[r].poly(i).limbs());
            }
        }
    }
}
