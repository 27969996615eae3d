package org.privmed.data.split;

import java.util.SplittableRandom;

/**
 * The Fisher–Yates shuffle (Durstenfeld's in-place form; Knuth, TAOCP vol. 2, §3.4.2, Algorithm
 * P) driven by an explicitly seeded {@link SplittableRandom}, so every split and partition in
 * PrivMed is a pure function of its seed.
 */
public final class Shuffle {
  private Shuffle() {}

  /** Permutes {@code a} in place, uniformly over all orders. */
  public static void inPlace(int[] a, SplittableRandom rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** A uniformly random permutation of 0..n-1. */
  public static int[] permutation(int n, SplittableRandom rng) {
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
