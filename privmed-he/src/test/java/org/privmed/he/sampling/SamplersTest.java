package org.privmed.he.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Statistical checks; every threshold is a z = 6 tail (false failure below 1e-8 per check). */
class SamplersTest {

    private static Prng prng(int tag) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) tag);
        s[0] = 0x5A;
        return new Prng(s);
    }

    @Test
    void ternaryIsUniformOverMinusOneZeroOne() {
        // large enough that mapping all 256 byte values mod 3 (bias 1/256) would be caught
        int n = 3_000_000;
        byte[] t = Samplers.ternary(prng(1), n);
        assertEquals(n, t.length);
        long[] counts = new long[3];
        for (byte v : t) {
            assertTrue(v >= -1 && v <= 1, "not ternary: " + v);
            counts[v + 1]++;
        }
        double[] expected = {n / 3.0, n / 3.0, n / 3.0};
        double chi = ChiSquare.statistic(counts, expected);
        assertTrue(chi < ChiSquare.threshold(2), "chi-square " + chi + " counts " + Arrays.toString(counts));
    }

    @Test
    void consecutiveTernaryCoefficientsAreIndependent() {
        // several coefficients come from one random byte: their pairs must still be uniform over 9 cells
        int pairs = 600_000;
        byte[] t = Samplers.ternary(prng(7), 2 * pairs + 1);
        for (int offset = 0; offset < 2; offset++) {
            long[] counts = new long[9];
            for (int i = offset; i + 1 < t.length; i += 2) {
                counts[3 * (t[i] + 1) + t[i + 1] + 1]++;
            }
            double[] expected = new double[9];
            Arrays.fill(expected, pairs / 9.0);
            double chi = ChiSquare.statistic(counts, expected);
            assertTrue(chi < ChiSquare.threshold(8), "offset " + offset + ": chi-square " + chi);
        }
    }

    @Test
    void ternaryIsDeterministicPerSeed() {
        assertArrayEquals(Samplers.ternary(prng(4), 1000), Samplers.ternary(prng(4), 1000));
    }

    @Test
    void gaussianMeanVarianceAndBound() {
        int n = 200_000;
        long[] e = Samplers.gaussian(prng(2), n, Samplers.SIGMA, Samplers.BOUND);
        double sum = 0;
        double sumSq = 0;
        for (long v : e) {
            assertTrue(Math.abs(v) <= 19, "sample beyond 6 sigma: " + v);
            sum += v;
            sumSq += (double) v * v;
        }
        double mean = sum / n;
        double variance = sumSq / n - mean * mean;
        double sigmaSq = Samplers.SIGMA * Samplers.SIGMA;
        // sd of the mean is sigma / sqrt(n); sd of the sample variance is about sigma^2 sqrt(2 / n)
        assertTrue(Math.abs(mean) < ChiSquare.Z * Samplers.SIGMA / Math.sqrt(n), "mean " + mean);
        assertTrue(Math.abs(variance - sigmaSq) < ChiSquare.Z * sigmaSq * Math.sqrt(2.0 / n),
                "variance " + variance + " expected " + sigmaSq);
    }

    @Test
    void gaussianFrequenciesMatchTheDiscreteGaussian() {
        int n = 400_000;
        double sigma = Samplers.SIGMA;
        long[] e = Samplers.gaussian(prng(3), n, sigma, Samplers.BOUND);
        // cells -9..9 and the two pooled tails
        int cut = 9;
        long[] observed = new long[2 * cut + 3];
        double[] pmf = new double[2 * 19 + 1];
        double total = 0;
        for (int x = -19; x <= 19; x++) {
            pmf[x + 19] = Math.exp(-x * x / (2 * sigma * sigma));
            total += pmf[x + 19];
        }
        double[] expected = new double[observed.length];
        for (int x = -19; x <= 19; x++) {
            expected[cell(x, cut)] += pmf[x + 19] / total * n;
        }
        for (long v : e) {
            observed[cell((int) v, cut)]++;
        }
        double chi = ChiSquare.statistic(observed, expected);
        assertTrue(chi < ChiSquare.threshold(observed.length - 1), "chi-square " + chi);
    }

    private static int cell(int x, int cut) {
        if (x < -cut) {
            return 0;
        }
        if (x > cut) {
            return 2 * cut + 2;
        }
        return x + cut + 1;
    }

    @Test
    void gaussianIsSymmetric() {
        int n = 400_000;
        long[] e = Samplers.gaussian(prng(5), n, Samplers.SIGMA, Samplers.BOUND);
        long[] counts = new long[39];
        for (long v : e) {
            counts[(int) v + 19]++;
        }
        // for each k, (c_k - c_-k)^2 / (c_k + c_-k) is chi-square(1) under symmetry
        double chi = 0;
        int df = 0;
        for (int k = 1; k <= 8; k++) {
            double a = counts[19 + k];
            double b = counts[19 - k];
            chi += (a - b) * (a - b) / (a + b);
            df++;
        }
        assertTrue(chi < ChiSquare.threshold(df), "asymmetry chi-square " + chi);
    }

    @Test
    void tailBeyondTheBoundIsRedrawnNotClamped() {
        // bound 2.5 keeps only {-2..2}; clamping would pile ~ 53% of the mass on +-2
        int n = 200_000;
        double sigma = Samplers.SIGMA;
        long[] e = Samplers.gaussian(prng(6), n, sigma, 2.5);
        long[] observed = new long[5];
        for (long v : e) {
            assertTrue(Math.abs(v) <= 2, "sample beyond bound: " + v);
            observed[(int) v + 2]++;
        }
        double[] expected = new double[5];
        double total = 0;
        for (int x = -2; x <= 2; x++) {
            expected[x + 2] = Math.exp(-x * x / (2 * sigma * sigma));
            total += expected[x + 2];
        }
        for (int i = 0; i < 5; i++) {
            expected[i] *= n / total;
        }
        double chi = ChiSquare.statistic(observed, expected);
        assertTrue(chi < ChiSquare.threshold(4), "chi-square " + chi + " counts " + Arrays.toString(observed));
    }

    @Test
    void wideGaussianUsesTheContinuousSamplerWithinItsBound() {
        int n = 100_000;
        double sigma = 1 << 20;
        double bound = 3 * sigma;
        long[] e = Samplers.gaussian(prng(8), n, sigma, bound);
        double sum = 0;
        double sumSq = 0;
        for (long v : e) {
            assertTrue(Math.abs(v) <= bound, "sample beyond bound: " + v);
            sum += v;
            sumSq += (double) v * v;
        }
        double mean = sum / n;
        double variance = sumSq / n - mean * mean;
        // variance of N(0, sigma^2) truncated at 3 sigma: sigma^2 (1 - 2 * 3 * phi(3) / (1 - 2 * Phi(-3)))
        double phi3 = Math.exp(-4.5) / Math.sqrt(2 * Math.PI);
        double tail = 0.0013498980316301; // Phi(-3)
        double expectedVar = sigma * sigma * (1 - 6 * phi3 / (1 - 2 * tail));
        assertTrue(Math.abs(mean) < ChiSquare.Z * sigma / Math.sqrt(n), "mean " + mean);
        assertTrue(Math.abs(variance / expectedVar - 1) < ChiSquare.Z * Math.sqrt(2.0 / n),
                "variance " + variance + " expected " + expectedVar);
    }

    @Test
    void gaussianIsDeterministicPerSeed() {
        assertArrayEquals(Samplers.gaussian(prng(9), 1000, Samplers.SIGMA, Samplers.BOUND),
                Samplers.gaussian(prng(9), 1000, Samplers.SIGMA, Samplers.BOUND));
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Samplers.gaussian(prng(1), 10, Double.NaN, 5));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Samplers.gaussian(prng(1), 10, 3.2, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Samplers.ternary(prng(1), -5));
        assertTrue(e.getMessage().contains("-5"), e.getMessage());
    }
}
