package org.privmed.fl.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.privmed.fl.prg.AesCtrPrg;

class GaussianNoiseTest {

    private static AesCtrPrg prg(int tag) {
        byte[] seed = new byte[32];
        seed[0] = (byte) tag;
        return new AesCtrPrg(seed);
    }

    /** Small σ: the empirical distribution must match exp(−x²/2σ²)/Z on the integers (chi-square). */
    @Test
    void discreteGaussianMatchesItsMassFunction() {
        double sigma = 1.5;
        DiscreteGaussianSampler s = new DiscreteGaussianSampler(prg(1));
        int n = 200_000;
        int span = 8;
        long[] counts = new long[2 * span + 1];
        for (int i = 0; i < n; i++) {
            long x = s.sample(sigma);
            int idx = (int) Math.max(-span, Math.min(span, x)) + span;
            counts[idx]++;
        }
        double z = 0;
        for (int x = -200; x <= 200; x++) z += Math.exp(-x * x / (2 * sigma * sigma));
        double chi2 = 0;
        for (int k = -span + 1; k < span; k++) {
            double expect = n * Math.exp(-k * k / (2 * sigma * sigma)) / z;
            chi2 += Math.pow(counts[k + span] - expect, 2) / expect;
        }
        // 15 cells; chi-square 14 dof at p = 0.001 is 36.12.
        assertTrue(chi2 < 36.12, "chi-square " + chi2);
    }

    @Test
    void discreteLaplaceHasItsVariance() {
        DiscreteGaussianSampler s = new DiscreteGaussianSampler(prg(2));
        long t = 3;
        int n = 100_000;
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            long x = s.discreteLaplace(t);
            sum += x;
            sq += (double) x * x;
        }
        double p = Math.exp(-1.0 / t);
        double variance = 2 * p / ((1 - p) * (1 - p));
        assertEquals(0, sum / n, 0.05);
        assertEquals(variance, sq / n, 0.05 * variance);
    }

    @Test
    void bernoulliExpMinusHasTheRightRate() {
        DiscreteGaussianSampler s = new DiscreteGaussianSampler(prg(3));
        for (double g : new double[] {0, 0.3, 1, 2.7}) {
            int hits = 0;
            int n = 100_000;
            for (int i = 0; i < n; i++) if (s.bernoulliExpMinus(g)) hits++;
            double p = Math.exp(-g);
            assertEquals(p, hits / (double) n, 4 * Math.sqrt(p * (1 - p) / n) + 1e-9, "gamma=" + g);
        }
    }

    @Test
    void addedNoiseHasTheRequestedStddevAndLivesOnTheGrid() {
        int d = 100_000;
        float[] x = new float[d];
        for (int i = 0; i < d; i++) x[i] = (float) Math.sin(i) * 0.01f;
        double sigma = 0.05;
        double sens = 1.0;
        float[] y = new GaussianNoise(prg(4)).addNoise(x, sigma, sens);
        double gamma = GaussianNoise.grid(d, sens);
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < d; i++) {
            double diff = y[i] - x[i];
            sum += diff;
            sq += diff * diff;
            double onGrid = y[i] / gamma;
            assertEquals(Math.rint(onGrid), onGrid, 1e-9, "output " + i + " is not a multiple of the grid");
        }
        double sd = Math.sqrt(sq / d);
        assertEquals(sigma * (1 + GaussianNoise.SLACK), sd, 0.01 * sigma);
        assertEquals(0, sum / d, 5 * sigma / Math.sqrt(d));
        assertTrue(Math.sqrt(d) * gamma <= GaussianNoise.SLACK * sens, "grid keeps the sensitivity slack");
    }

    @Test
    void placementsScaleAsDocumented() {
        assertEquals(0.7 * 2.0 / 10, NoisePlacement.CENTRAL.stddev(0.7, 2.0, 10), 1e-15);
        assertEquals(0.7 * 2.0, NoisePlacement.LOCAL.stddev(0.7, 2.0, 10), 1e-15);
        assertEquals(0.2, NoisePlacement.CENTRAL.sensitivity(2.0, 10), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> NoisePlacement.CENTRAL.stddev(0.7, 2.0, 0));
    }

    @Test
    void rejectsBadArguments() {
        GaussianNoise g = new GaussianNoise(prg(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.addNoise(new float[] {1}, -1, 1));
        assertTrue(e.getMessage().contains("-1"));
        e = assertThrows(IllegalArgumentException.class, () -> g.addNoise(new float[] {Float.POSITIVE_INFINITY}, 1, 1));
        assertTrue(e.getMessage().contains("values[0]"));
    }
}
