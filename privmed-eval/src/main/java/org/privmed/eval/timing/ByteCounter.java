package org.privmed.eval.timing;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe running totals of bytes sent up and down, and of the messages that carried them.
 * Record sizes directly ({@link #addUp}, {@link #addDown}) or wrap the streams that carry them
 * ({@link #countingUp}, {@link #countingDown}).
 */
public final class ByteCounter {
    private final AtomicLong up = new AtomicLong();
    private final AtomicLong down = new AtomicLong();
    private final AtomicLong messagesUp = new AtomicLong();
    private final AtomicLong messagesDown = new AtomicLong();

    /** Records one message of {@code bytes} sent up. */
    public void addUp(long bytes) {
        up.addAndGet(check(bytes, "up"));
        messagesUp.incrementAndGet();
    }

    /** Records one message of {@code bytes} sent down. */
    public void addDown(long bytes) {
        down.addAndGet(check(bytes, "down"));
        messagesDown.incrementAndGet();
    }

    private static long check(long bytes, String direction) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative byte count " + bytes + " for direction " + direction);
        }
        return bytes;
    }

    public long up() {
        return up.get();
    }

    public long down() {
        return down.get();
    }

    public long total() {
        return up.get() + down.get();
    }

    public long messagesUp() {
        return messagesUp.get();
    }

    public long messagesDown() {
        return messagesDown.get();
    }

    public ByteCounts snapshot() {
        return new ByteCounts(up.get(), down.get());
    }

    public void reset() {
        up.set(0);
        down.set(0);
        messagesUp.set(0);
        messagesDown.set(0);
    }

    /** Wraps a stream going up; bytes written to it are counted (not messages). */
    public OutputStream countingUp(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                up.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                up.addAndGet(len);
            }
        };
    }

    /** Wraps a stream coming down; bytes read from it are counted (not messages). */
    public InputStream countingDown(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    down.incrementAndGet();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    down.addAndGet(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long s = in.skip(n);
                if (s > 0) {
                    down.addAndGet(s);
                }
                return s;
            }
        };
    }
}
