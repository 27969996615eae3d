package org.privmed.he.bfv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BfvWeightedSumTest {
    private static final BfvFixture F = BfvFixture.SEAL;

    /** Σ w_j·v_j + c slot-wise modulo t, in exact arithmetic. */
    private static long[] expected(long[][] v, long[] w, long c) {
        int n = v[0].length;
        long[] out = new long[n];
        BigInteger t = BigInteger.valueOf(F.t);
        for (int k = 0; k < n; k++) {
            BigInteger acc = BigInteger.valueOf(c);
            for (int j = 0; j < v.length; j++) {
                acc = acc.add(BigInteger.valueOf(w[j]).multiply(BigInteger.valueOf(v[j][k])));
            }
            out[k] = acc.mod(t).longValueExact();
        }
        return out;
    }

    @Test
    void smallWeightsManyTermsMatchSlotwiseSum() {
        // 3000 terms of 8-bit weights: the lazy sum must be reduced part-way (3000·128·2^44 > 2^62)
        Random rnd = new Random(5);
        int terms = 3000;
        long[][] v = new long[terms][];
        BfvCiphertext[] c = new BfvCiphertext[terms];
        long[] w = new long[terms];
        long[] base = F.random(rnd);
        BfvCiphertext baseCt = F.symmetric.encrypt(F.encoder.encode(base));
        for (int j = 0; j < terms; j++) {
            // one encryption reused keeps the test fast; the weights still differ per term
            v[j] = base;
            c[j] = baseCt;
            w[j] = rnd.nextInt(255) - 127;
        }
        w[7] = 0;
        BfvCiphertext sum = F.eval.addConstant(F.eval.multiplyAccumulate(c, w), -12345);
        assertArrayEquals(expected(v, w, -12345), F.decrypt(sum));
        assertTrue(F.decryptor.invariantNoiseBudget(sum) > 0);
    }

    @Test
    void largeAndNegativeWeightsAreTakenModuloT() {
        Random rnd = new Random(9);
        long[][] v = {F.random(rnd), F.random(rnd), F.random(rnd)};
        BfvCiphertext[] c = {F.encrypt(v[0]), F.encrypt(v[1]), F.encrypt(v[2])};
        long[] w = {Long.MAX_VALUE / 3, -F.t * 5 - 17, 3 * F.t}; // the last is 0 modulo t
        assertArrayEquals(expected(v, w, 0), F.decrypt(F.eval.multiplyAccumulate(c, w)));
        assertNull(F.eval.multiplyAccumulate(new BfvCiphertext[] {c[0]}, new long[] {F.t}));
    }

    @Test
    void encryptionAtALowerLevelDecryptsAndSerializes() throws Exception {
        long[] v = F.random(new Random(3));
        BfvCiphertext low = F.symmetric.encrypt(F.encoder.encode(v), 1);
        org.junit.jupiter.api.Assertions.assertEquals(1, low.level());
        assertArrayEquals(v, F.decrypt(low));
        org.privmed.he.serial.BfvSerializer ser = new org.privmed.he.serial.BfvSerializer(F.ctx);
        byte[] bytes = ser.write(low);
        assertTrue(bytes.length < ser.write(F.symmetric.encrypt(F.encoder.encode(v))).length);
        assertArrayEquals(v, F.decrypt(ser.readCiphertext(bytes)));
        assertArrayEquals(v, F.decrypt(F.eval.multiplyAccumulate(new BfvCiphertext[] {low}, new long[] {1})));
    }

    @Test
    void productsAreSummedBeforeRelinearization() {
        Random rnd = new Random(4);
        long[] x = F.random(rnd), y = F.random(rnd);
        BfvCiphertext sx = F.eval.multiply(F.encrypt(x), F.encrypt(x));
        BfvCiphertext sy = F.eval.multiply(F.encrypt(y), F.encrypt(y));
        long[] w = {3, -7};
        BfvCiphertext sum = F.eval.multiplyAccumulate(new BfvCiphertext[] {sx, sy}, w);
        org.junit.jupiter.api.Assertions.assertEquals(3, sum.size());
        long[][] squares = new long[2][x.length];
        BigInteger t = BigInteger.valueOf(F.t);
        for (int k = 0; k < x.length; k++) {
            squares[0][k] = BigInteger.valueOf(x[k]).pow(2).mod(t).longValueExact();
            squares[1][k] = BigInteger.valueOf(y[k]).pow(2).mod(t).longValueExact();
        }
        assertArrayEquals(expected(squares, w, 0), F.decrypt(F.eval.relinearize(sum)));
    }

    @Test
    void addConstantIsAddPlainOfTheConstantPolynomialBitForBit() {
        Random rnd = new Random(12);
        BfvCiphertext c = F.encrypt(F.random(rnd));
        for (int level = c.level(); level >= 0; level--) {
            BfvCiphertext x = F.eval.modSwitchTo(c, level);
            for (long constant : new long[] {0, 1, -1, 12345, -(F.t / 2), F.t / 2, 7 * F.t + 3, Long.MIN_VALUE}) {
                long[] poly = new long[F.ctx.ringDegree()];
                poly[0] = Math.floorMod(constant, F.t);
                BfvCiphertext want = F.eval.addPlain(x, new BfvPlaintext(poly, F.ctx.paramsId()));
                BfvCiphertext got = F.eval.addConstant(x, constant);
                for (int i = 0; i < want.size(); i++) {
                    assertTrue(java.util.Arrays.deepEquals(want.poly(i).limbs(), got.poly(i).limbs()),
                            "level " + level + ", constant " + constant + ", poly " + i);
                }
            }
        }
    }

    @Test
    void refusesMismatchedShapesAndLevels() {
        Random rnd = new Random(1);
        BfvCiphertext a = F.encrypt(F.random(rnd));
        BfvCiphertext low = F.eval.modSwitchToNext(a);
        assertThrows(IllegalArgumentException.class,
                () -> F.eval.multiplyAccumulate(new BfvCiphertext[] {a, low}, new long[] {1, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> F.eval.multiplyAccumulate(new BfvCiphertext[] {a}, new long[] {1, 2}));
        BfvCiphertext three = F.eval.multiply(a, a);
        assertThrows(IllegalArgumentException.class,
                () -> F.eval.multiplyAccumulate(new BfvCiphertext[] {a, three}, new long[] {1, 1}));
    }
}
