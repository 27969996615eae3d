package org.privmed.fl.federated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.fl.dp.accountant.MechanismSteps;
import org.privmed.fl.dp.accountant.PrivacyBudgetExceededException;
import org.privmed.fl.dp.accountant.RdpAccountant;
import org.privmed.fl.dp.sgd.DpSgdSettings;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

/** A hospital training by DP-SGD keeps its sample-level ledger in a file that a restarted hospital continues. */
class DpSgdClientTest {
    @Test
    void theLedgerSurvivesARestartAndKeepsCounting(@TempDir Path dir) throws Exception {
        int[] rows = new int[40];
        for (int i = 0; i < rows.length; i++) rows[i] = i;
        ImageDataset data = Datasets.load("pneumoniamnist", Split.TRAIN).subset("train-40", rows);
        Model global = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), data.classNames(), new ZooOptions(0, 5));
        FederatedSettings s = FederatedSettings.defaults(2).withTraining(1.0, 1, 10, 1e-3, 3);
        DpSgdSettings dp = new DpSgdSettings(1.0, 1.2, 1e-4);
        Path ledger = dir.resolve("hospital-4.json");

        FederatedClient first = new FederatedClient(4, data).withDpSgd(dp, ledger);
        FederatedClient.LocalResult r1 = first.fit(global, 1, s, 0);
        RdpAccountant oneRound = new RdpAccountant();
        oneRound.record(new MechanismSteps(1.2, 0.25, 4)); // q = 10/40, ⌈40/10⌉ steps
        assertEquals(oneRound.epsilon(1e-4), r1.sampleEpsilon(), 1e-12);

        FederatedClient restarted = new FederatedClient(4, data).withDpSgd(dp, ledger);
        assertEquals(r1.sampleEpsilon(), restarted.sampleEpsilon(), 0.0, "a restarted hospital continues its ledger");
        FederatedClient.LocalResult r2 = restarted.fit(global, 2, s, 0);
        oneRound.record(new MechanismSteps(1.2, 0.25, 4));
        assertEquals(oneRound.epsilon(1e-4), r2.sampleEpsilon(), 1e-12);
        assertTrue(r2.sampleEpsilon() > r1.sampleEpsilon());
        assertTrue(Double.isNaN(new FederatedClient(4, data).sampleEpsilon()), "no DP-SGD, no sample-level epsilon");
    }

    @Test
    void aTargetEpsilonCalibratesSigmaAndRefusesARoundPastIt() throws Exception {
        int[] rows = new int[40];
        for (int i = 0; i < rows.length; i++) rows[i] = 40 + i;
        ImageDataset data = Datasets.load("pneumoniamnist", Split.TRAIN).subset("train-40b", rows);
        Model global = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), data.classNames(), new ZooOptions(0, 5));
        FederatedSettings s = FederatedSettings.defaults(2).withTraining(1.0, 1, 10, 1e-3, 3); // 2 planned rounds
        FederatedClient h = new FederatedClient(1, data).withDpSgd(DpSgdSettings.forTarget(1.0, 3.0, 1e-4), null);
        double eps = 0;
        for (int round = 1; round <= 2; round++) eps = h.fit(global, round, s, 0).sampleEpsilon();
        double sigma = h.calibratedNoiseMultiplier();
        RdpAccountant planned = new RdpAccountant();
        planned.record(new MechanismSteps(sigma, 0.25, 8));
        assertEquals(planned.epsilon(1e-4), eps, 1e-12, "two rounds of 4 steps at the calibrated sigma");
        assertTrue(eps <= 3.0 && eps > 2.9, "the planned rounds spend (nearly) the whole budget: " + eps);
        // A third round would overspend: the hospital refuses to train.
        assertThrows(PrivacyBudgetExceededException.class, () -> h.fit(global, 3, s, 0));
        assertEquals(eps, h.sampleEpsilon(), 0.0, "nothing recorded for the refused round");
    }
}
