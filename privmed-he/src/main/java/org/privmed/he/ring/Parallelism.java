package org.privmed.he.ring;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.function.IntConsumer;

/**
 * Runs independent per-limb work on a fixed number of threads.
 *
 * <p>Work is split by index (one RNS limb or one digit per call of the body) and each index writes
 * only its own output, so results are bit-identical for every thread count: there are no shared
 * accumulators and no reduction whose order could depend on scheduling. With one thread (the
 * default) the body runs inline, with no executor at all.
 */
public final class Parallelism implements AutoCloseable {
    /** Inline, single-threaded execution. */
    public static final Parallelism SINGLE = new Parallelism(1);

    private final int threads;
    private final ExecutorService pool;

    public Parallelism(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("thread count must be in [1, 1024], got " + threads);
        }
        this.threads = threads;
        if (threads == 1) {
            pool = null;
        } else {
            ThreadFactory factory = r -> {
                Thread t = new Thread(r, "privmed-he-limb");
                t.setDaemon(true);
                return t;
            };
            pool = Executors.newFixedThreadPool(threads, factory);
        }
    }

    public int threads() {
        return threads;
    }

    /** Calls body.accept(i) for every i in [0, count), possibly concurrently; returns when all are done. */
    public void forEach(int count, IntConsumer body) {
        if (pool == null || count <= 1) {
            for (int i = 0; i < count; i++) body.accept(i);
            return;
        }
        int tasks = Math.min(threads, count);
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[tasks - 1];
        for (int t = 1; t < tasks; t++) {
            final int start = t;
            futures[t - 1] = pool.submit(() -> {
                for (int i = start; i < count; i += tasks) body.accept(i);
            });
        }
        for (int i = 0; i < count; i += tasks) body.accept(i);
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for limb work", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException) throw (RuntimeException) cause;
                if (cause instanceof Error) throw (Error) cause;
                throw new IllegalStateException(cause);
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
