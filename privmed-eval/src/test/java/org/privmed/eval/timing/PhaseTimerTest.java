package org.privmed.eval.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PhaseTimerTest {
    @Test
    void accumulatesLapsPerPhaseOnAGivenClock() {
        AtomicLong now = new AtomicLong(1_000);
        PhaseTimer timer = new PhaseTimer(now::get);
        try (PhaseTimer.Lap total = timer.start(Phase.TOTAL)) {
            for (int i = 0; i < 3; i++) {
                try (PhaseTimer.Lap lap = timer.start(Phase.ENCRYPT)) {
                    now.addAndGet(2_000_000); // 2 ms
                }
            }
            String result = timer.time(Phase.EVALUATE, () -> {
                now.addAndGet(5_000_000);
                return "scores";
            });
            assertEquals("scores", result);
            timer.run("keygen", () -> now.addAndGet(500_000));
        }
        assertEquals(6_000_000, timer.nanos(Phase.ENCRYPT));
        assertEquals(3, timer.laps("encrypt"));
        assertEquals(5_000_000, timer.nanos(Phase.EVALUATE));
        assertEquals(11_500_000, timer.nanos(Phase.TOTAL));
        assertEquals(0, timer.nanos(Phase.DECRYPT));

        PhaseTimes t = timer.snapshot();
        assertEquals(List.of("encrypt", "evaluate", "total", "keygen"), List.copyOf(t.nanos().keySet()));
        assertEquals(2.0, t.meanMillis("encrypt"), 1e-12);
        assertEquals(6.0, t.millis(Phase.ENCRYPT), 1e-12);
        assertTrue(Double.isNaN(t.millis(Phase.DECRYPT)), "never-timed phase must be NaN, not 0");
        assertFalse(t.has(Phase.TRAIN));
        assertEquals(List.of("keygen"), t.extraPhases());
    }

    @Test
    void closingTwiceCountsOnceAndExceptionsStillRecord() {
        AtomicLong now = new AtomicLong();
        PhaseTimer timer = new PhaseTimer(now::get);
        PhaseTimer.Lap lap = timer.start("decode");
        now.addAndGet(10);
        lap.close();
        now.addAndGet(10);
        lap.close();
        assertEquals(10, timer.nanos("decode"));
        assertThrows(IllegalStateException.class, () -> timer.run(Phase.DECRYPT, () -> {
            now.addAndGet(7);
            throw new IllegalStateException("boom");
        }));
        assertEquals(7, timer.nanos(Phase.DECRYPT));
    }

    @Test
    void realClockMeasuresNonNegativeTime() {
        PhaseTimer timer = new PhaseTimer();
        long[] sink = new long[1];
        timer.run(Phase.TRAIN, () -> {
            for (int i = 0; i < 1000; i++) {
                sink[0] += i;
            }
        });
        assertEquals(1, timer.laps("train"));
        assertTrue(timer.nanos(Phase.TRAIN) >= 0);
        timer.reset();
        assertTrue(timer.snapshot().nanos().isEmpty());
    }

    @Test
    void concurrentLapsAllCount() throws InterruptedException {
        PhaseTimer timer = new PhaseTimer();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 250; i++) {
                    timer.add("aggregate", 2);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1000, timer.laps("aggregate"));
        assertEquals(2000, timer.nanos("aggregate"));
    }

    @Test
    void rejectsBadNamesAndNegativeTimes() {
        PhaseTimer timer = new PhaseTimer();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> timer.start(" "));
        assertTrue(e.getMessage().contains("non-blank"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> timer.add("encrypt", -5));
        assertTrue(e.getMessage().contains("-5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PhaseTimes.ofMillis(Map.of("train", Double.NaN)));
        assertTrue(e.getMessage().contains("train"), e.getMessage());
    }

    @Test
    void snapshotsAddPhaseWise() {
        PhaseTimes a = PhaseTimes.ofNanos(Map.of("train", 5L, "encode", 1L));
        PhaseTimes b = PhaseTimes.ofMillis(Map.of("train", 1.0));
        PhaseTimes sum = a.plus(b);
        assertEquals(1_000_005L, sum.nanos().get("train"));
        assertEquals(2L, sum.laps().get("train"));
        assertEquals(1L, sum.nanos().get("encode"));
        assertEquals(List.of("train", "encode"), List.copyOf(sum.nanos().keySet()));
    }
}
