package org.privmed.fl.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.privmed.fl.secagg.SecAggAbortedException;
import org.privmed.fl.secagg.SecAggStage;
import org.privmed.fl.secagg.StochasticQuantizer;

class FedAvgTest {

    @Test
    void weightedMeanWithCappedWeights() {
        FedAvg f = new FedAvg(100);
        List<ClientUpdate> u = List.of(new ClientUpdate(1, new float[] {1, 0}, 50),
                new ClientUpdate(2, new float[] {0, 1}, 10_000)); // capped to 100
        float[] avg = f.average(u);
        assertArrayEquals(new float[] {50f / 150, 100f / 150}, avg, 1e-7f);
        assertEquals(100, f.weight(10_000));
        assertEquals(7, f.weight(7));
    }

    @Test
    void secureEncodingDecodesToTheSameMean() {
        FedAvg f = new FedAvg(300);
        List<ClientUpdate> u = updates(5, 20, 1);
        float[] sum = new float[21];
        for (ClientUpdate c : u) {
            float[] e = f.encodeForSecureSum(c);
            for (int i = 0; i < e.length; i++) sum[i] += e[i];
        }
        assertArrayEquals(f.average(u), FedAvg.decodeSecureSum(sum), 1e-6f);
    }

    @Test
    void rejectsMismatchedShapes() {
        FedAvg f = new FedAvg(10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.average(List.of(
                new ClientUpdate(1, new float[3], 1), new ClientUpdate(2, new float[4], 1))));
        assertTrue(e.getMessage().contains("client 2") && e.getMessage().contains("4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ClientUpdate(1, new float[1], 0));
        assertThrows(IllegalArgumentException.class, () -> new FedAvg(0));
    }

    @Test
    void secureRoundMatchesPlainFedAvgWithinQuantizationError() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            FedAvg f = new FedAvg(500);
            List<ClientUpdate> u = updates(8, 200, 2);
            StochasticQuantizer q = new StochasticQuantizer(1.0, 24);
            SecureRandom random = new SecureRandom();
            AggregationRounds.Outcome secure = AggregationRounds.secure(u, f, q, 1, 5, 3, Map.of(), pool, random);
            float[] plain = AggregationRounds.plain(u, f).average();
            double step = 2.0 / ((1 << 24) - 1);
            for (int i = 0; i < plain.length; i++) assertEquals(plain[i], secure.average()[i], 8 * 8 * step, "coordinate " + i);
            assertTrue(secure.meanBytesPerClient() > 4 * 201, "bytes include the masked vector");

            // Two clients drop before masking: the mean is over the other six.
            AggregationRounds.Outcome dropped = AggregationRounds.secure(u, f, q, 2, 5, 3,
                    Map.of(u.get(0).clientId(), SecAggStage.COLLECT_MASKED_INPUTS, u.get(5).clientId(), SecAggStage.SHARE_KEYS), pool, random);
            List<ClientUpdate> rest = new ArrayList<>(u);
            rest.remove(5);
            rest.remove(0);
            float[] plainRest = f.average(rest);
            assertEquals(6, dropped.contributors().length);
            for (int i = 0; i < plainRest.length; i++) assertEquals(plainRest[i], dropped.average()[i], 8 * 8 * step);

            assertThrows(SecAggAbortedException.class, () -> AggregationRounds.secure(u, f, q, 3, 5, 3,
                    Map.of(1, SecAggStage.ADVERTISE_KEYS, 2, SecAggStage.ADVERTISE_KEYS, 3, SecAggStage.ADVERTISE_KEYS,
                            4, SecAggStage.ADVERTISE_KEYS, 5, SecAggStage.ADVERTISE_KEYS, 6, SecAggStage.ADVERTISE_KEYS), pool, random));
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<ClientUpdate> updates(int n, int d, long seed) {
        Random r = new Random(seed);
        List<ClientUpdate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] delta = new float[d];
            for (int j = 0; j < d; j++) delta[j] = (float) (r.nextGaussian() * 0.1);
            out.add(new ClientUpdate(i + 1, delta, 1 + r.nextInt(1000)));
        }
        return out;
    }
}
