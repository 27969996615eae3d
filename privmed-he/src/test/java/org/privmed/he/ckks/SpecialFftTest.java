package org.privmed.he.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SpecialFftTest {

    /** Direct O(N^2) evaluation of m at zeta^(5^j mod 2N), zeta = exp(i pi / N), exact exponents mod 2N. */
    private static double[][] evaluateDirectly(double[] m) {
        int n = m.length;
        int twoN = 2 * n;
        double[] cos = new double[twoN];
        double[] sin = new double[twoN];
        for (int t = 0; t < twoN; t++) {
            cos[t] = Math.cos(Math.PI * t / n);
            sin[t] = Math.sin(Math.PI * t / n);
        }
        int slots = n / 2;
        double[][] z = new double[2][slots];
        long g = 1;
        for (int j = 0; j < slots; j++) {
            double re = 0;
            double im = 0;
            for (int k = 0; k < n; k++) {
                int t = (int) (k * g % twoN);
                re += m[k] * cos[t];
                im += m[k] * sin[t];
            }
            z[0][j] = re;
            z[1][j] = im;
            g = g * 5 % twoN;
        }
        return z;
    }

    private static double[] randomVector(Random rnd, int len, double scale) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = (2 * rnd.nextDouble() - 1) * scale;
        }
        return v;
    }

    @Test
    void coefficientsToSlotsMatchesDirectEvaluation() {
        Random rnd = new Random(20170101);
        for (int n : new int[] {16, 64, 1024}) {
            SpecialFft fft = new SpecialFft(n);
            double[] m = randomVector(rnd, n, 1.0);
            double[][] expected = evaluateDirectly(m);
            double[] re = new double[n / 2];
            double[] im = new double[n / 2];
            fft.coefficientsToSlots(m, re, im);
            double tolerance = 1e-12 * n;
            for (int j = 0; j < n / 2; j++) {
                assertEquals(expected[0][j], re[j], tolerance, "N = " + n + " slot " + j + " re");
                assertEquals(expected[1][j], im[j], tolerance, "N = " + n + " slot " + j + " im");
            }
        }
    }

    @Test
    void slotsToCoefficientsInterpolates() {
        Random rnd = new Random(42);
        for (int n : new int[] {16, 64, 1024}) {
            SpecialFft fft = new SpecialFft(n);
            double[] re = randomVector(rnd, n / 2, 1.0);
            double[] im = randomVector(rnd, n / 2, 1.0);
            double[] m = fft.slotsToCoefficients(re, im);
            assertEquals(n, m.length);
            double[][] z = evaluateDirectly(m);
            double tolerance = 1e-12 * n;
            for (int j = 0; j < n / 2; j++) {
                assertEquals(re[j], z[0][j], tolerance, "N = " + n + " slot " + j + " re");
                assertEquals(im[j], z[1][j], tolerance, "N = " + n + " slot " + j + " im");
            }
        }
    }

    @Test
    void roundTripUpToTheLargestDegree() {
        Random rnd = new Random(7);
        for (int logN = 3; logN <= 17; logN++) {
            int n = 1 << logN;
            SpecialFft fft = new SpecialFft(n);
            double[] re = randomVector(rnd, n / 2, 1e3);
            double[] im = randomVector(rnd, n / 2, 1e3);
            double[] m = fft.slotsToCoefficients(re, im);
            double[] re2 = new double[n / 2];
            double[] im2 = new double[n / 2];
            fft.coefficientsToSlots(m, re2, im2);
            double maxErr = 0;
            for (int j = 0; j < n / 2; j++) {
                maxErr = Math.max(maxErr, Math.max(Math.abs(re[j] - re2[j]), Math.abs(im[j] - im2[j])));
            }
            assertTrue(maxErr < 1e3 * 1e-12 * logN, "N = " + n + ": round-trip error " + maxErr);
        }
    }

    @Test
    void fewerSlotsAreZeroPadded() {
        SpecialFft fft = new SpecialFft(64);
        double[] m = fft.slotsToCoefficients(new double[] {1.5, -2}, new double[] {0.25});
        double[] re = new double[32];
        double[] im = new double[32];
        fft.coefficientsToSlots(m, re, im);
        assertEquals(1.5, re[0], 1e-12);
        assertEquals(-2, re[1], 1e-12);
        assertEquals(0.25, im[0], 1e-12);
        assertEquals(0, im[1], 1e-12);
        for (int j = 2; j < 32; j++) {
            assertEquals(0, re[j], 1e-12, "slot " + j);
            assertEquals(0, im[j], 1e-12, "slot " + j);
        }
    }

    @Test
    void realSlotsGiveTheConstantAndLinearTermsExpected() {
        // all slots equal to c encode the constant polynomial c
        SpecialFft fft = new SpecialFft(32);
        double[] ones = new double[16];
        java.util.Arrays.fill(ones, 3.0);
        double[] m = fft.slotsToCoefficients(ones, new double[0]);
        assertEquals(3.0, m[0], 1e-12);
        for (int k = 1; k < 32; k++) {
            assertEquals(0, m[k], 1e-12, "coefficient " + k);
        }
    }

    @Test
    void automorphismXToX5RotatesSlotsByOne() {
        Random rnd = new Random(5);
        for (int n : new int[] {16, 256, 4096}) {
            SpecialFft fft = new SpecialFft(n);
            int slots = n / 2;
            double[] re = randomVector(rnd, slots, 1.0);
            double[] im = randomVector(rnd, slots, 1.0);
            double[] m = fft.slotsToCoefficients(re, im);
            // m(X) -> m(X^5) in Z[X]/(X^N + 1): X^k goes to +-X^(5k mod N)
            double[] rotated = new double[n];
            for (int k = 0; k < n; k++) {
                long e = 5L * k % (2L * n);
                if (e < n) {
                    rotated[(int) e] += m[k];
                } else {
                    rotated[(int) (e - n)] -= m[k];
                }
            }
            double[] re2 = new double[slots];
            double[] im2 = new double[slots];
            fft.coefficientsToSlots(rotated, re2, im2);
            for (int j = 0; j < slots; j++) {
                int src = (j + 1) % slots;
                assertEquals(re[src], re2[j], 1e-9, "N = " + n + " slot " + j);
                assertEquals(im[src], im2[j], 1e-9, "N = " + n + " slot " + j);
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        for (int n : new int[] {4, 12, 1 << 18}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SpecialFft(n));
            assertTrue(e.getMessage().contains(Integer.toString(n)), e.getMessage());
        }
        SpecialFft fft = new SpecialFft(16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fft.slotsToCoefficients(new double[9], new double[0]));
        assertTrue(e.getMessage().contains("9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> fft.slotsToCoefficients(new double[] {0, Double.NaN}, new double[0]));
        assertTrue(e.getMessage().contains("re[1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> fft.coefficientsToSlots(new double[15], new double[8], new double[8]));
        assertTrue(e.getMessage().contains("15"), e.getMessage());
    }
}
