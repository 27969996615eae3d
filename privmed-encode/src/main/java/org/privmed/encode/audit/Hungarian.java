package org.privmed.encode.audit;

import java.util.Arrays;

/**
 * Minimum-cost perfect matching on a square cost matrix: the Hungarian method with row/column
 * potentials and shortest augmenting paths (Kuhn 1955; the O(n³) form of Jonker and Volgenant).
 * The attack uses it twice: to put each image's shuffled patches into consistent position classes,
 * and to turn a score matrix into a one-to-one re-identification.
 */
final class Hungarian {
  private Hungarian() {}

  /** For each row {@code r}, the column assigned to it; minimises the summed cost. */
  static int[] solve(double[][] cost) {
    int n = cost.length;
    for (double[] row : cost) {
      if (row.length != n) {
        throw new IllegalArgumentException("cost matrix must be square, got " + n + " rows and a row"
            + " of " + row.length);
      }
      for (double v : row) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("cost " + v + " is not finite");
        }
      }
    }
    // 1-based arrays with a virtual column 0, as in the classical formulation.
    double[] u = new double[n + 1];
    double[] v = new double[n + 1];
    int[] rowOfCol = new int[n + 1];
    int[] way = new int[n + 1];
    double[] minv = new double[n + 1];
    boolean[] used = new boolean[n + 1];
    for (int i = 1; i <= n; i++) {
      rowOfCol[0] = i;
      int j0 = 0;
      Arrays.fill(minv, Double.POSITIVE_INFINITY);
      Arrays.fill(used, false);
      do {
        used[j0] = true;
        int i0 = rowOfCol[j0];
        double delta = Double.POSITIVE_INFINITY;
        int j1 = -1;
        double[] costRow = cost[i0 - 1];
        for (int j = 1; j <= n; j++) {
          if (!used[j]) {
            double cur = costRow[j - 1] - u[i0] - v[j];
            if (cur < minv[j]) {
              minv[j] = cur;
              way[j] = j0;
            }
            if (minv[j] < delta) {
              delta = minv[j];
              j1 = j;
            }
          }
        }
        for (int j = 0; j <= n; j++) {
          if (used[j]) {
            u[rowOfCol[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (rowOfCol[j0] != 0);
      do {
        int j1 = way[j0];
        rowOfCol[j0] = rowOfCol[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] colOfRow = new int[n];
    for (int j = 1; j <= n; j++) {
      colOfRow[rowOfCol[j] - 1] = j - 1;
    }
    return colOfRow;
  }
}
