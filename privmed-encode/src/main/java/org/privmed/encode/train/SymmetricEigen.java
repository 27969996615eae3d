package org.privmed.encode.train;

/**
 * Eigen-decomposition of a small real symmetric matrix by the cyclic Jacobi method (Golub and Van
 * Loan, "Matrix Computations", 4th ed., Sec. 8.5.2-8.5.3): each sweep zeroes every off-diagonal
 * entry in turn with one plane rotation, and sweeps repeat until the off-diagonal mass is negligible.
 * Slow for large matrices, but unconditionally stable and exact to rounding for the 64 × 64
 * covariance matrices the whitening needs, with no dependency.
 *
 * @param values eigenvalues, ascending
 * @param vectors column {@code j} of this row-major matrix is the unit eigenvector of {@code
 *     values[j]}
 */
record SymmetricEigen(double[] values, double[][] vectors) {

  private static final int MAX_SWEEPS = 100;

  /** Decomposes {@code a} (square, symmetric; it is not modified). */
  static SymmetricEigen of(double[][] a) {
    int n = a.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      if (a[i].length != n) {
        throw new IllegalArgumentException("row " + i + " has " + a[i].length + " entries in a "
            + n + " × " + n + " matrix");
      }
      for (int j = 0; j < i; j++) {
        double scale = Math.max(Math.abs(a[i][j]), Math.abs(a[j][i]));
        if (Math.abs(a[i][j] - a[j][i]) > 1e-9 * Math.max(scale, 1e-300)) {
          throw new IllegalArgumentException("matrix is not symmetric at (" + i + ", " + j + "): "
              + a[i][j] + " vs " + a[j][i]);
        }
      }
      m[i] = a[i].clone();
    }
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    double total = 0;
    for (double[] row : m) {
      for (double x : row) {
        total += x * x;
      }
    }
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += m[p][q] * m[p][q];
        }
      }
      if (off <= 1e-30 * total || off == 0) {
        return sorted(m, v);
      }
      for (int p = 0; p < n - 1; p++) {
        for (int q = p + 1; q < n; q++) {
          if (m[p][q] != 0) {
            rotate(m, v, p, q);
          }
        }
      }
    }
    throw new IllegalStateException("Jacobi eigen-decomposition did not converge in "
        + MAX_SWEEPS + " sweeps (non-finite entries?)");
  }

  /** One symmetric Schur rotation zeroing m[p][q] (Golub and Van Loan, Algorithm 8.5.1). */
  private static void rotate(double[][] m, double[][] v, int p, int q) {
    double tau = (m[q][q] - m[p][p]) / (2 * m[p][q]);
    double t = Math.signum(tau == 0 ? 1 : tau) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
    double c = 1 / Math.sqrt(1 + t * t);
    double s = t * c;
    int n = m.length;
    for (int k = 0; k < n; k++) {
      double mkp = m[k][p];
      double mkq = m[k][q];
      m[k][p] = c * mkp - s * mkq;
      m[k][q] = s * mkp + c * mkq;
    }
    for (int k = 0; k < n; k++) {
      double mpk = m[p][k];
      double mqk = m[q][k];
      m[p][k] = c * mpk - s * mqk;
      m[q][k] = s * mpk + c * mqk;
    }
    for (int k = 0; k < n; k++) {
      double vkp = v[k][p];
      double vkq = v[k][q];
      v[k][p] = c * vkp - s * vkq;
      v[k][q] = s * vkp + c * vkq;
    }
  }

  private static SymmetricEigen sorted(double[][] m, double[][] v) {
    int n = m.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(m[x][x], m[y][y]));
    double[] values = new double[n];
    double[][] vectors = new double[n][n];
    for (int j = 0; j < n; j++) {
      values[j] = m[order[j]][order[j]];
      for (int i = 0; i < n; i++) {
        vectors[i][j] = v[i][order[j]];
      }
    }
    return new SymmetricEigen(values, vectors);
  }
}
