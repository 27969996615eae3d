package org.privmed.fl.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.privmed.fl.dp.DpSettings;
import org.privmed.fl.dp.NoisePlacement;
import org.privmed.fl.secagg.SecAggStage;
import org.privmed.fl.secagg.StochasticQuantizer;

class PrivateAggregationTest {
    private static ExecutorService pool;
    private final SecureRandom random = new SecureRandom();

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    /** Every client sends the same large update; clipping bounds it, so the mean is that update scaled to norm C. */
    private static List<ClientUpdate> sameUpdate(int n, int d, float value) {
        List<ClientUpdate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] delta = new float[d];
            java.util.Arrays.fill(delta, value);
            out.add(new ClientUpdate(i, delta, 1));
        }
        return out;
    }

    private static double[] meanAndStd(float[] v, double center) {
        double s = 0;
        double sq = 0;
        for (float x : v) {
            s += x - center;
            sq += (x - center) * (x - center);
        }
        double mean = s / v.length;
        return new double[] {mean, Math.sqrt(sq / v.length - mean * mean)};
    }

    @Test
    void centralNoiseHasStddevZCOverMOnTheMean() {
        int n = 8;
        int d = 20_000;
        double clip = 1.0;
        double z = 2.0;
        List<ClientUpdate> u = sameUpdate(n, d, 1.0f); // norm √d ≫ C, clipped to coordinates 1/√d
        AggregationRounds.Outcome o = AggregationRounds.secure(u, new FedAvg(1), new StochasticQuantizer(4.0, 24), 1, 5, 3,
                Map.of(u.get(2).clientId(), SecAggStage.COLLECT_MASKED_INPUTS), pool, random,
                new DpSettings(NoisePlacement.CENTRAL, z, clip));
        assertEquals(7, o.contributors().length);
        double[] ms = meanAndStd(o.average(), 1.0 / Math.sqrt(d));
        double expected = z * clip / 7 * (1 + 0x1.0p-8);
        assertEquals(expected, ms[1], 0.03 * expected, "noise std on the mean of the 7 contributors");
        assertEquals(0, ms[0], 5 * expected / Math.sqrt(d), "noise is centred on the clipped mean");
    }

    @Test
    void localNoiseAveragesDownAsZCOverRootM() {
        int n = 9;
        int d = 20_000;
        double clip = 0.5;
        double z = 1.0;
        List<ClientUpdate> u = sameUpdate(n, d, 0f);
        AggregationRounds.Outcome o = AggregationRounds.secure(u, new FedAvg(1), new StochasticQuantizer(4.0, 24), 2, 5, 3,
                Map.of(), pool, random, new DpSettings(NoisePlacement.LOCAL, z, clip));
        double[] ms = meanAndStd(o.average(), 0);
        double expected = z * clip / Math.sqrt(n) * (1 + 0x1.0p-8);
        assertEquals(expected, ms[1], 0.03 * expected);
    }

    @Test
    void dpRefusesUnequalWeights() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AggregationRounds.secure(sameUpdate(5, 4, 0f),
                new FedAvg(10), new StochasticQuantizer(1, 16), 3, 5, 3, Map.of(), pool, random, new DpSettings(NoisePlacement.CENTRAL, 1, 1)));
        assertTrue(e.getMessage().contains("cap 10"), e.getMessage());
    }
}
