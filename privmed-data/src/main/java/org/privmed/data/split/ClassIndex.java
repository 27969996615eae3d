package org.privmed.data.split;

import java.util.Arrays;

/** Row indices grouped by label; labels must be in 0..max, checked with the bad value named. */
final class ClassIndex {
  private ClassIndex() {}

  static int[][] byClass(int[] labels) {
    int classes = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0) {
        throw new IllegalArgumentException("label " + labels[i] + " at row " + i + " is negative");
      }
      classes = Math.max(classes, labels[i] + 1);
    }
    int[] counts = new int[classes];
    for (int l : labels) {
      counts[l]++;
    }
    int[][] rows = new int[classes][];
    for (int c = 0; c < classes; c++) {
      rows[c] = new int[counts[c]];
    }
    Arrays.fill(counts, 0);
    for (int i = 0; i < labels.length; i++) {
      rows[labels[i]][counts[labels[i]]++] = i;
    }
    return rows;
  }
}
