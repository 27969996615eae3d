package org.privmed.data.split;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Stratified k-fold cross-validation (Kohavi 1995, "A study of cross-validation and bootstrap for
 * accuracy estimation and model selection", IJCAI, §3 and §5: stratification lowers the variance
 * of the estimate). Each class's rows are shuffled with the seed and dealt to the folds in turn;
 * the dealing continues from class to class instead of restarting at fold 0, so fold sizes differ
 * by at most one and each class's count per fold differs by at most one.
 */
public final class KFold {
  private KFold() {}

  /**
   * Splits rows 0..labels.length-1 into {@code k} folds. Every row is in exactly one fold's test
   * set and in the training set of the other k-1.
   */
  public static List<Fold> stratified(int[] labels, int k, long seed) {
    if (k < 2) {
      throw new IllegalArgumentException("k-fold needs k >= 2, got k = " + k);
    }
    if (k > labels.length) {
      throw new IllegalArgumentException("k = " + k + " folds for only " + labels.length
          + " examples");
    }
    SplittableRandom rng = new SplittableRandom(seed);
    int[][] byClass = ClassIndex.byClass(labels);
    int[] foldOf = new int[labels.length];
    int next = 0;
    for (int[] rows : byClass) {
      int[] shuffled = rows.clone();
      Shuffle.inPlace(shuffled, rng);
      for (int row : shuffled) {
        foldOf[row] = next;
        next = (next + 1) % k;
      }
    }
    List<Fold> folds = new ArrayList<>(k);
    for (int f = 0; f < k; f++) {
      final int fold = f;
      int[] test = java.util.stream.IntStream.range(0, labels.length)
          .filter(i -> foldOf[i] == fold).toArray();
      int[] train = java.util.stream.IntStream.range(0, labels.length)
          .filter(i -> foldOf[i] != fold).toArray();
      folds.add(new Fold(f, train, test));
    }
    return List.copyOf(folds);
  }
}
