package org.privmed.fl.dp.accountant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.privmed.fl.dp.rdp.PrivacySpent;

class RdpAccountantTest {

    /**
     * Abadi et al. 2016's MNIST setting (q = 0.01, σ = 4, 10,000 steps, δ = 1e-5) over Opacus'
     * default orders with the Balle et al. 2020 conversion. Reference 1.03549006604 at order 17
     * from privmed-fl/src/test/python/rdp_reference.py ("epsilon" mode), which integrates A_α
     * numerically in 30-digit arithmetic — independent of the Java series.
     */
    @Test
    void abadiSettingWithOpacusConversion() {
        RdpAccountant acc = new RdpAccountant();
        acc.record(new MechanismSteps(4, 0.01, 10_000));
        PrivacySpent s = acc.spent(1e-5);
        assertEquals(1.03549006604, s.epsilon(), 1e-6);
        assertEquals(17, s.order());
    }

    /**
     * TensorFlow Privacy's MNIST DP-SGD tutorial setting (60,000 examples, batch 256, σ = 1.1,
     * 60 epochs = 14,063 steps, δ = 1e-5), Opacus orders and Balle conversion. Reference
     * 2.59665552868 at order 8.1, same independent script as above.
     */
    @Test
    void mnistTutorialSettingWithOpacusConversion() {
        RdpAccountant acc = new RdpAccountant();
        acc.record(new MechanismSteps(1.1, 256.0 / 60_000, 14_063));
        PrivacySpent s = acc.spent(1e-5);
        assertEquals(2.59665552868, s.epsilon(), 1e-6);
        assertEquals(8.1, s.order(), 1e-9);
    }

    @Test
    void stepByStepEqualsOneBulkRecord() {
        RdpAccountant a = new RdpAccountant();
        for (int i = 0; i < 300; i++) a.step(1.1, 0.05);
        RdpAccountant b = new RdpAccountant();
        b.record(new MechanismSteps(1.1, 0.05, 300));
        assertEquals(b.epsilon(1e-5), a.epsilon(1e-5), 1e-12);
        assertEquals(1, a.history().size(), "identical steps merge into one ledger entry");
        assertEquals(300, a.totalSteps());
    }

    @Test
    void moreStepsMoreEpsilonMoreNoiseLessEpsilon() {
        double prev = 0;
        RdpAccountant acc = new RdpAccountant();
        for (int round = 0; round < 20; round++) {
            acc.record(new MechanismSteps(1.0, 0.1, 10));
            double eps = acc.epsilon(1e-5);
            assertTrue(eps > prev, "round " + round + ": " + eps + " <= " + prev);
            prev = eps;
        }
        double last = Double.POSITIVE_INFINITY;
        for (double z : new double[] {0.6, 0.8, 1.0, 1.5, 2.5, 5}) {
            RdpAccountant a = new RdpAccountant();
            a.record(new MechanismSteps(z, 0.1, 200));
            double eps = a.epsilon(1e-5);
            assertTrue(eps < last, "z=" + z + ": " + eps + " >= " + last);
            last = eps;
        }
    }

    @Test
    void emptyLedgerSpendsNothing() {
        assertEquals(0.0, new RdpAccountant().epsilon(1e-5));
    }

    @Test
    void jsonRoundTripPreservesTheLedgerExactly() {
        RdpAccountant acc = new RdpAccountant();
        acc.record(new MechanismSteps(1.3, 0.2, 7));
        acc.step(0.9, 1.0);
        acc.step(0.9, 1.0);
        String json = acc.toJson();
        RdpAccountant back = RdpAccountant.fromJson(json);
        assertEquals(acc.history(), back.history());
        assertArrayEquals(acc.orders(), back.orders());
        assertEquals(acc.epsilon(1e-6), back.epsilon(1e-6));
        assertEquals(json, back.toJson());
    }

    @Test
    void malformedJsonIsRejectedWithAReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RdpAccountant.fromJson("{\"format\":\"x\"}"));
        assertTrue(e.getMessage().contains("format"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RdpAccountant.fromJson("{not json"));
        assertTrue(e.getMessage().contains("parse"), e.getMessage());
        String bad = new RdpAccountant().toJson().replace("\"steps\":[]",
                "\"steps\":[{\"noiseMultiplier\":1.0,\"sampleRate\":2.0,\"count\":1}]");
        e = assertThrows(IllegalArgumentException.class, () -> RdpAccountant.fromJson(bad));
        assertTrue(e.getMessage().contains("2.0"), e.getMessage());
        String truncated = new RdpAccountant().toJson().replace("\"steps\":[]", "\"steps\":[{\"noiseMultiplier\":1.0}]");
        assertThrows(IllegalArgumentException.class, () -> RdpAccountant.fromJson(truncated));
    }

    @Test
    void overspendingIsRefusedBeforeAnythingIsRecorded() {
        PrivacyBudget budget = new PrivacyBudget(1.0, 1e-5);
        RdpAccountant acc = new RdpAccountant();
        acc.recordWithin(budget, new MechanismSteps(2.0, 0.1, 10));
        long before = acc.totalSteps();
        PrivacyBudgetExceededException e = assertThrows(PrivacyBudgetExceededException.class,
                () -> acc.recordWithin(budget, new MechanismSteps(0.5, 0.5, 1_000)));
        assertTrue(e.projectedEpsilon() > 1.0);
        assertTrue(e.getMessage().contains("budget epsilon=1.0"), e.getMessage());
        assertEquals(before, acc.totalSteps(), "a refused spend must not be recorded");
    }

    @Test
    void rejectsBadSteps() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MechanismSteps(-1, 0.1, 1));
        assertTrue(e.getMessage().contains("-1"));
        assertThrows(IllegalArgumentException.class, () -> new MechanismSteps(1, 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new RdpAccountant(new double[] {0.5}));
    }
}
