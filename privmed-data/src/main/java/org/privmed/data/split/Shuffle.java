package org.privmed.data.split;

import java.util.random.RandomGenerator;

/**
 * The Fisher–Yates shuffle (Durstenfeld's in-place form; Knuth, TAOCP vol. 2, §3.4.2, Algorithm
 * P) driven by an explicitly seeded generator, so every split, partition, epoch order of the
 * trainers and shuffle of the encoding audit in PrivMed is a pure function of its seed. Splits and
 * partitions pass a {@link java.util.SplittableRandom}; the trainers a {@link java.util.Random},
 * whose stream their recorded runs were made with.
 */
public final class Shuffle {
  private Shuffle() {}

  /** Permutes {@code a} in place, uniformly over all orders. */
  public static void inPlace(int[] a, RandomGenerator rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** A uniformly random permutation of 0..n-1. */
  public static int[] permutation(int n, RandomGenerator rng) {
    if (n < 0) {
      throw new IllegalArgumentException("permutation size " + n + " is negative");
    }
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    inPlace(p, rng);
    return p;
  }
}
