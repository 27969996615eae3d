package org.privmed.fl.dp.accountant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoiseCalibrationTest {

    @Test
    void calibratedNoiseMeetsTheBudgetTightly() {
        double[][] plans = {{6, 1.9e-4, 1.0, 50}, {1, 1e-5, 0.01, 10_000}, {3, 1e-5, 0.3, 100}, {0.5, 1e-6, 1.0, 1}};
        for (double[] p : plans) {
            double z = NoiseCalibration.noiseMultiplier(p[0], p[1], p[2], (long) p[3]);
            RdpAccountant acc = new RdpAccountant();
            acc.record(new MechanismSteps(z, p[2], (long) p[3]));
            double eps = acc.epsilon(p[1]);
            assertTrue(eps <= p[0], "never exceeds: eps=" + eps + " target=" + p[0]);
            RdpAccountant slightlyLess = new RdpAccountant();
            slightlyLess.record(new MechanismSteps(z * 0.999, p[2], (long) p[3]));
            assertTrue(slightlyLess.epsilon(p[1]) > p[0] * 0.99, "tight: 0.1% less noise is near or over the target");
        }
    }

    @Test
    void fewerRoundsNeedLessNoise() {
        double zShort = NoiseCalibration.noiseMultiplier(2, 1e-5, 0.5, 10);
        double zLong = NoiseCalibration.noiseMultiplier(2, 1e-5, 0.5, 100);
        assertTrue(zShort < zLong, zShort + " vs " + zLong);
    }

    @Test
    void calibrationOnTopOfAResumedLedgerUsesOnlyTheRemainder() {
        PrivacyBudget budget = new PrivacyBudget(4, 1e-5);
        RdpAccountant spent = new RdpAccountant();
        spent.record(new MechanismSteps(5.0, 1.0, 5));
        double z = NoiseCalibration.noiseMultiplier(budget, 1.0, 5, spent);
        spent.recordWithin(budget, new MechanismSteps(z, 1.0, 5));
        assertEquals(4, spent.epsilon(1e-5), 0.01);
        assertTrue(spent.epsilon(1e-5) <= 4);
    }

    @Test
    void aLedgerAlreadyOverBudgetIsRefused() {
        PrivacyBudget budget = new PrivacyBudget(1, 1e-5);
        RdpAccountant spent = new RdpAccountant();
        spent.record(new MechanismSteps(0.3, 1.0, 10));
        assertThrows(PrivacyBudgetExceededException.class, () -> NoiseCalibration.noiseMultiplier(budget, 1.0, 5, spent));
    }

    @Test
    void rejectsBadPlans() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NoiseCalibration.noiseMultiplier(1, 1e-5, 0, 10));
        assertTrue(e.getMessage().contains("0.0"));
        assertThrows(IllegalArgumentException.class, () -> NoiseCalibration.noiseMultiplier(-1, 1e-5, 0.1, 10));
        assertThrows(IllegalArgumentException.class, () -> NoiseCalibration.noiseMultiplier(1, 1e-5, 0.1, 0));
    }
}
