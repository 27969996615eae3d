package org.privmed.fl.dp.rdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RdpConversionTest {

    private static double[] orders2to32() {
        return IntStream.rangeClosed(2, 32).asDoubleStream().toArray();
    }

    /**
     * Abadi et al. 2016 (Deep Learning with Differential Privacy, Sec. 5: q = 0.01, σ = 4,
     * 10,000 steps, δ = 1e-5 → ε ≈ 1.26 with the moments accountant). TensorFlow Privacy's
     * rdp_accountant_test.py (test_get_privacy_spent_check_target_delta) pins the RDP figure with the
     * classic conversion over orders 2..32: ε = 1.258575 at order 20.
     */
    @Test
    void abadiMnistFigureWithClassicConversion() {
        double[] orders = orders2to32();
        double[] rdp = SampledGaussianRdp.rdp(0.01, 4, 10_000, orders);
        PrivacySpent spent = RdpConversion.classicEpsilon(orders, rdp, 1e-5);
        assertEquals(1.258575, spent.epsilon(), 5e-6);
        assertEquals(20, spent.order());
    }

    /**
     * TensorFlow Privacy rdp_accountant_test.py, test_check_composition: 40,000 steps of
     * (q=1e-4, σ=0.4) then 100 steps of (q=0.1, σ=2), δ=1e-5 → ε = 8.509656 at order 2.5 (classic).
     */
    @Test
    void tensorflowPrivacyCompositionFigure() {
        double[] orders = {1.25, 1.5, 1.75, 2., 2.5, 3., 4., 5., 6., 7., 8., 10., 12., 14., 16., 20., 24., 28., 32., 64., 256.};
        double[] a = SampledGaussianRdp.rdp(1e-4, 0.4, 40_000, orders);
        double[] b = SampledGaussianRdp.rdp(0.1, 2, 100, orders);
        for (int i = 0; i < a.length; i++) a[i] += b[i];
        PrivacySpent spent = RdpConversion.classicEpsilon(orders, a, 1e-5);
        assertEquals(8.509656, spent.epsilon(), 5e-6);
        assertEquals(2.5, spent.order());
    }

    @Test
    void balleConversionIsNeverLooserThanClassic() {
        double[] orders = RdpOrders.defaults();
        for (double sigma : new double[] {0.7, 1.1, 4}) {
            double[] rdp = SampledGaussianRdp.rdp(0.01, sigma, 5_000, orders);
            double balle = RdpConversion.epsilon(orders, rdp, 1e-5).epsilon();
            double classic = RdpConversion.classicEpsilon(orders, rdp, 1e-5).epsilon();
            assertTrue(balle < classic, "sigma " + sigma + ": balle " + balle + " classic " + classic);
        }
    }

    @Test
    void balleFormulaAtASingleOrder() {
        // ε = r + log((α−1)/α) − (log δ + log α)/(α−1) with α=10, r=0.5, δ=1e-6, worked by hand:
        // 0.5 + log(0.9) − (−13.815510558 + 2.302585093)/9 = 0.5 − 0.105360516 + 1.279213941
        PrivacySpent s = RdpConversion.epsilon(new double[] {10}, new double[] {0.5}, 1e-6);
        assertEquals(1.673853425, s.epsilon(), 1e-8);
        assertEquals(10, s.order());
    }

    @Test
    void defaultOrdersAreOpacusGrid() {
        double[] o = RdpOrders.defaults();
        assertEquals(151, o.length);
        assertEquals(1.1, o[0], 1e-12);
        assertEquals(10.9, o[98], 1e-12);
        assertEquals(12, o[99]);
        assertEquals(63, o[150]);
    }

    @Test
    void rejectsBadDeltaAndMismatchedLengths() {
        assertThrows(IllegalArgumentException.class, () -> RdpConversion.epsilon(new double[] {2}, new double[] {1}, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RdpConversion.epsilon(new double[] {2, 3}, new double[] {1}, 1e-5));
        assertTrue(e.getMessage().contains("2") && e.getMessage().contains("1"));
        assertThrows(IllegalArgumentException.class, () -> RdpConversion.epsilon(new double[] {2}, new double[] {Double.NaN}, 1e-5));
    }
}
