package org.privmed.eval.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class ByteCounterTest {
    @Test
    void countsMessagesAndBytesInBothDirections() {
        ByteCounter c = new ByteCounter();
        c.addUp(100);
        c.addUp(28);
        c.addDown(7);
        assertEquals(128, c.up());
        assertEquals(7, c.down());
        assertEquals(135, c.total());
        assertEquals(2, c.messagesUp());
        assertEquals(1, c.messagesDown());
        assertEquals(new ByteCounts(128, 7), c.snapshot());
        c.reset();
        assertEquals(ByteCounts.NONE, c.snapshot());
    }

    @Test
    void isThreadSafe() throws InterruptedException {
        ByteCounter c = new ByteCounter();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    c.addUp(3);
                    c.addDown(1);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(120_000, c.up());
        assertEquals(40_000, c.down());
        assertEquals(40_000, c.messagesUp());
    }

    @Test
    void countingStreamsCountWhatPassesThrough() throws IOException {
        ByteCounter c = new ByteCounter();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = c.countingUp(sink)) {
            out.write(new byte[1000], 10, 500);
            out.write(1);
        }
        assertEquals(501, sink.size());
        assertEquals(501, c.up());
        try (InputStream in = c.countingDown(new ByteArrayInputStream(new byte[300]))) {
            assertEquals(200, in.read(new byte[200]));
            in.read();
            assertEquals(99, in.readAllBytes().length);
            assertEquals(-1, in.read());
        }
        assertEquals(300, c.down());
    }

    @Test
    void rejectsNegativeCounts() {
        ByteCounter c = new ByteCounter();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.addDown(-1));
        assertEquals("negative byte count -1 for direction down", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ByteCounts(-2, 0));
    }
}
