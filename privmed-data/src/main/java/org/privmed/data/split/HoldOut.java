package org.privmed.data.split;

import java.util.SplittableRandom;

/**
 * Seeded hold-out splits for sets that ship without validation or test parts.
 *
 * <p>{@link #stratified} shuffles each class's rows with the seed and cuts them by the requested
 * fractions (rounded half up per class), so each part keeps the class balance of the whole.
 * {@link #random} draws a uniform random subset of a fixed size (the first {@code count} entries
 * of a seeded Fisher–Yates permutation).
 */
public final class HoldOut {
  private HoldOut() {}

  /**
   * Per class: {@code round(valFraction · n_c)} rows to validation, {@code round(testFraction ·
   * n_c)} to test, the rest to training.
   */
  public static SplitIndices stratified(int[] labels, double valFraction, double testFraction,
      long seed) {
    if (!(valFraction >= 0) || !(testFraction >= 0) || valFraction + testFraction >= 1) {
      throw new IllegalArgumentException("fractions val " + valFraction + " and test "
          + testFraction + " must be >= 0 and sum to less than 1");
    }
    SplittableRandom rng = new SplittableRandom(seed);
    int[][] byClass = ClassIndex.byClass(labels);
    int[] part = new int[labels.length]; // 0 train, 1 val, 2 test
    for (int[] rows : byClass) {
      int[] shuffled = rows.clone();
      Shuffle.inPlace(shuffled, rng);
      int nTest = (int) Math.round(testFraction * rows.length);
      int nVal = (int) Math.round(valFraction * rows.length);
      for (int i = 0; i < shuffled.length; i++) {
        part[shuffled[i]] = i < nTest ? 2 : i < nTest + nVal ? 1 : 0;
      }
    }
    return new SplitIndices(rowsIn(part, 0), rowsIn(part, 1), rowsIn(part, 2));
  }

  /**
   * A uniform random {@code count}-subset of 0..n-1 as {@code val}, the rest as {@code train},
   * no test part; both ascending.
   */
  public static SplitIndices random(int n, int count, long seed) {
    if (count < 0 || count > n) {
      throw new IllegalArgumentException("hold-out size " + count + " is outside 0.." + n);
    }
    int[] perm = Shuffle.permutation(n, new SplittableRandom(seed));
    int[] part = new int[n];
    for (int i = 0; i < count; i++) {
      part[perm[i]] = 1;
    }
    return new SplitIndices(rowsIn(part, 0), rowsIn(part, 1), new int[0]);
  }

  private static int[] rowsIn(int[] part, int which) {
    return java.util.stream.IntStream.range(0, part.length).filter(i -> part[i] == which).toArray();
  }
}
