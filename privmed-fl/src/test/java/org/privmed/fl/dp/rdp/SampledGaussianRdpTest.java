package org.privmed.fl.dp.rdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;

class SampledGaussianRdpTest {

    /**
     * Values from privmed-fl/src/test/python/rdp_reference.py, which integrates the definition of
     * A_α (Mironov, Talwar, Zhang 2019, Sec. 3) numerically in 60-digit arithmetic — a different
     * method from the series under test. Relative tolerance 1e-6.
     */
    @Test
    void matchesNumericalIntegrationOfTheDefinition() {
        double[][] cases = {
            // q, sigma, alpha, rdp
            {0.01, 1.1, 2, 0.000128510081605162},
            {0.01, 1.1, 8, 0.000584070335520251},
            {0.01, 1.1, 2.5, 0.000162077409370004},
            {0.01, 1.1, 10.7, 0.00111664447128767},
            {0.1, 2.0, 5, 0.00773696848979587},
            {0.1, 2.0, 5.5, 0.00864722935096407},
            {0.05, 0.8, 3.3, 0.0253612215246131},
            {0.2, 5.0, 40.5, 0.0455300788410477},
            {0.004, 1.0, 1.1, 1.49797899925668e-5},
            {0.5, 1.5, 17.25, 3.09830835970127},
            // extreme regimes: tiny q with tiny σ, q near 1, huge σ, fractional α near 1 and large
            {1e-7, 0.1, 1.01, 4.00341232253e-6},
            {1e-5, 0.1, 256.1, 12793.4419435},
            {0.5, 0.3, 2.5, 12.733643685},
            {0.9, 0.5, 7.5, 14.8784301742},
            {0.1, 100, 20.5, 1.02522145939e-5},
            {0.999, 100, 256.1, 0.0127797257467},
        };
        for (double[] c : cases) {
            double got = SampledGaussianRdp.rdp(c[0], c[1], c[2]);
            assertEquals(c[3], got, 1e-6 * c[3], () -> "q=" + c[0] + " sigma=" + c[1] + " alpha=" + c[2]);
        }
    }

    /** TensorFlow Privacy rdp_accountant_test.py, test_compute_rdp_scalar: q=0.1, σ=2, 10 steps, α=5 → 0.07737. */
    @Test
    void tensorflowPrivacyScalarFigure() {
        assertEquals(0.07737, SampledGaussianRdp.rdp(0.1, 2, 10, new double[] {5})[0], 1e-5);
    }

    /**
     * TensorFlow Privacy rdp_accountant_test.py, test_compute_rdp_sequence: q=0.01, σ=2.5, 50 steps
     * at orders 1.5, 2.5, 5, 50, 100 → 0.00065, 0.001085, 0.00218075, 0.023846, 167.416307 (±1e-5).
     */
    @Test
    void tensorflowPrivacySequenceFigure() {
        double[] got = SampledGaussianRdp.rdp(0.01, 2.5, 50, new double[] {1.5, 2.5, 5, 50, 100});
        double[] want = {0.00065, 0.001085, 0.00218075, 0.023846, 167.416307};
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5, "order index " + i);
        assertEquals(Double.POSITIVE_INFINITY, SampledGaussianRdp.rdp(0.01, 2.5, Double.POSITIVE_INFINITY));
    }

    @Test
    void fullSamplingIsThePlainGaussianClosedForm() {
        qt().forAll(doubles().between(0.1, 20), doubles().between(1.01, 200)).checkAssert((sigma, alpha) ->
                assertEquals(alpha / (2 * sigma * sigma), SampledGaussianRdp.rdp(1.0, sigma, alpha), 1e-12 * alpha));
        assertEquals(20 / (2 * 1.3 * 1.3), SampledGaussianRdp.gaussianRdp(1.3, 20), 1e-12);
    }

    @Test
    void integerOrderAgreesWithFractionalSeriesNearby() {
        // The two code paths must meet: α = 7 exactly vs α = 7 ± 1e-7 through the series.
        double exact = SampledGaussianRdp.rdp(0.03, 1.2, 7);
        double below = SampledGaussianRdp.logAFractionalOrder(0.03, 1.2, 7 - 1e-7) / (6 - 1e-7);
        double above = SampledGaussianRdp.logAFractionalOrder(0.03, 1.2, 7 + 1e-7) / (6 + 1e-7);
        assertEquals(exact, below, 1e-6 * exact);
        assertEquals(exact, above, 1e-6 * exact);
    }

    @Test
    void noDataMeansNoLossAndNoNoiseMeansInfiniteLoss() {
        assertEquals(0.0, SampledGaussianRdp.rdp(0, 10, 20));
        assertEquals(Double.POSITIVE_INFINITY, SampledGaussianRdp.rdp(0.1, 0, 20));
    }

    @Test
    void moreNoiseLessLossMoreSamplingMoreLoss() {
        qt().forAll(doubles().between(0.001, 0.5), doubles().between(0.5, 8), doubles().between(1.1, 64))
                .checkAssert((q, sigma, alpha) -> {
                    double base = SampledGaussianRdp.rdp(q, sigma, alpha);
                    assertTrue(SampledGaussianRdp.rdp(q, sigma * 1.25, alpha) <= base * (1 + 1e-9), "more noise");
                    assertTrue(SampledGaussianRdp.rdp(Math.min(1, q * 1.5), sigma, alpha) >= base * (1 - 1e-9), "more sampling");
                    assertTrue(SampledGaussianRdp.rdp(q, sigma, alpha) <= SampledGaussianRdp.gaussianRdp(sigma, alpha) * (1 + 1e-9),
                            "subsampling never hurts");
                });
    }

    @Test
    void rdpIsNonDecreasingInOrder() {
        qt().forAll(doubles().between(0.001, 0.3), doubles().between(0.6, 6), integers().between(0, 140))
                .checkAssert((q, sigma, k) -> {
                    double[] orders = RdpOrders.defaults();
                    double a = SampledGaussianRdp.rdp(q, sigma, orders[k]);
                    double b = SampledGaussianRdp.rdp(q, sigma, orders[k + 1]);
                    assertTrue(b >= a * (1 - 1e-9), () -> "order " + orders[k] + "→" + orders[k + 1] + ": " + a + " > " + b);
                });
    }

    @Test
    void composesLinearlyInSteps() {
        double[] orders = {2, 3.5, 32};
        double[] one = SampledGaussianRdp.rdp(0.02, 1.0, 1, orders);
        double[] many = SampledGaussianRdp.rdp(0.02, 1.0, 1234, orders);
        for (int i = 0; i < orders.length; i++) assertEquals(one[i] * 1234, many[i], 1e-12 * many[i]);
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SampledGaussianRdp.rdp(1.5, 1, 2));
        assertTrue(e.getMessage().contains("1.5"));
        e = assertThrows(IllegalArgumentException.class, () -> SampledGaussianRdp.rdp(0.1, Double.NaN, 2));
        assertTrue(e.getMessage().contains("NaN"));
        e = assertThrows(IllegalArgumentException.class, () -> SampledGaussianRdp.rdp(0.1, 1, 1.0));
        assertTrue(e.getMessage().contains("1.0"));
    }

    @Test
    void logErfcMatchesScipyValues() {
        // scipy.special.log_ndtr(-x*sqrt(2)) + log 2 == log erfc(x), scipy 1.17.
        double[][] ref = {
            {-8, 0.6931471805599453}, {-3, 0.6931361352504468}, {-0.7, 0.5174841229791057},
            {-0.2, 0.20106364578290642}, {0, 0.0}, {0.3, -0.39843005144008525}, {0.5, -0.7350111298370848},
            {0.51, -0.7534145583581112}, {1, -1.849605509933249}, {2, -5.36494126461664},
            {3, -10.720363041981116}, {5.9, -37.171198417250196}, {6.1, -39.6036669208361},
            {10, -102.87988902484493}, {30, -903.9741171106442}, {100, -10005.177585122668},
        };
        for (double[] r : ref) {
            assertEquals(r[1], LogSpace.logErfc(r[0]), 1e-12 + 1e-12 * Math.abs(r[1]), "x=" + r[0]);
        }
    }
}
