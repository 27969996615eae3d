package org.privmed.bench.timing;

import java.util.Arrays;

/**
 * Times a task as a whole by repetition: a warm-up phase (so the JIT has compiled the hot loops
 * before we measure) followed by {@code reps} individually timed runs, reported as median and
 * minimum. The median is what docs/performance.md quotes; the minimum shows the noise floor.
 */
public final class RepeatedTimer {
  private final int warmupReps;
  private final long warmupNanos;
  private final int reps;

  /**
   * @param warmupReps at least this many untimed runs
   * @param warmupMillis and keep warming up until this much time has passed
   * @param reps timed runs
   */
  public RepeatedTimer(int warmupReps, long warmupMillis, int reps) {
    if (warmupReps < 0 || warmupMillis < 0) {
      throw new IllegalArgumentException("warm-up must be non-negative, got " + warmupReps
          + " reps / " + warmupMillis + " ms");
    }
    if (reps < 1) {
      throw new IllegalArgumentException("reps must be at least 1, got " + reps);
    }
    this.warmupReps = warmupReps;
    this.warmupNanos = warmupMillis * 1_000_000L;
    this.reps = reps;
  }

  public int reps() {
    return reps;
  }

  /** Times {@code task}; {@code n} and {@code limbs} only label the result. */
  public OpTiming time(String op, int n, int limbs, Runnable task) {
    long start = System.nanoTime();
    for (int i = 0; i < warmupReps || System.nanoTime() - start < warmupNanos; i++) {
      task.run();
    }
    long[] samples = new long[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      task.run();
      samples[i] = System.nanoTime() - t0;
    }
    Arrays.sort(samples);
    double median = reps % 2 == 1
        ? samples[reps / 2]
        : (samples[reps / 2 - 1] + samples[reps / 2]) / 2.0;
    return new OpTiming(op, n, limbs, median / 1e6, samples[0] / 1e6, reps);
  }
}
