package org.privmed.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScoreLogTest {
    @Test
    void batchesAddUpToTheSameMetricsAsOneCall() {
        int[] y = {0, 1, 2, 1, 0, 2};
        double[][] s = {{0.7, 0.2, 0.1}, {0.1, 0.5, 0.4}, {0.3, 0.3, 0.4}, {0.6, 0.3, 0.1}, {0.4, 0.4, 0.2}, {0.1, 0.1, 0.8}};
        ScoreLog log = new ScoreLog(3);
        log.addAll(new int[] {0, 1}, new double[][] {s[0], s[1]});
        for (int i = 2; i < y.length; i++) {
            log.add(y[i], s[i]);
        }
        assertEquals(6, log.size());
        assertArrayEquals(y, log.labels());
        assertEquals(ClassificationMetrics.fromScores(y, s), log.metrics());
    }

    @Test
    void concurrentAddsAreAllKept() throws InterruptedException {
        ScoreLog log = new ScoreLog(2);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int label = t % 2;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    log.add(label, new double[] {1 - label, label});
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(2000, log.size());
        assertEquals(1.0, log.metrics().accuracy(), 0.0);
        assertEquals(1.0, log.metrics().auroc(), 0.0);
    }

    @Test
    void rejectsWrongWidthsLabelsAndNaN() {
        ScoreLog log = new ScoreLog(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> log.add(0, new double[2]));
        assertTrue(e.getMessage().contains("2 entries"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> log.add(3, new double[3]));
        assertTrue(e.getMessage().contains("label 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> log.add(1, new double[] {0, Double.NaN, 0}));
        assertTrue(e.getMessage().contains("score[1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> log.addAll(new int[] {0, 7}, new double[][] {{1, 0, 0}, {0, 1, 0}}));
        assertTrue(e.getMessage().contains("batch labels[1] = 7"), e.getMessage());
        assertEquals(0, log.size(), "a rejected batch must add nothing");
        assertThrows(IllegalStateException.class, log::metrics);
    }
}
