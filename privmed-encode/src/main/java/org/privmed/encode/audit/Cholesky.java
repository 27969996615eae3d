package org.privmed.encode.audit;

/** Solves symmetric positive-definite systems A·X = B (the ridge-regularised Gram matrices). */
final class Cholesky {
  private Cholesky() {}

  static double[][] solve(double[][] a, double[][] b) {
    int n = a.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) {
          s -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalArgumentException("matrix is not positive definite (pivot " + s
                + " at row " + i + ")");
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    int m = b[0].length;
    double[][] x = new double[n][m];
    for (int c = 0; c < m; c++) {
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        double s = b[i][c];
        for (int k = 0; k < i; k++) {
          s -= l[i][k] * y[k];
        }
        y[i] = s / l[i][i];
      }
      for (int i = n - 1; i >= 0; i--) {
        double s = y[i];
        for (int k = i + 1; k < n; k++) {
          s -= l[k][i] * x[k][c];
        }
        x[i][c] = s / l[i][i];
      }
    }
    return x;
  }
}
