package org.privmed.infer.plan;

/**
 * {@code y = M·x + b} with {@code M} dense, {@code rows × cols}, row-major. Consecutive linear
 * layers (convolutions, pooling, flatten, dense, leftover batch norms, folded activation scales)
 * are composed into one stage, so each costs one rescale however many source layers it holds.
 */
public record LinearStage(String label, int rows, int cols, double[] matrix, double[] bias)
    implements Stage {

  public LinearStage {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException(label + ": matrix must be non-empty, got " + rows + "x" + cols);
    }
    if (matrix.length != (long) rows * cols) {
      throw new IllegalArgumentException(label + ": matrix has " + matrix.length + " entries, "
          + rows + "x" + cols + " needs " + (long) rows * cols);
    }
    if (bias.length != rows) {
      throw new IllegalArgumentException(label + ": bias has " + bias.length + " entries, need " + rows);
    }
    for (double v : matrix) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(label + ": matrix holds a non-finite weight " + v);
      }
    }
    for (double v : bias) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(label + ": bias holds a non-finite value " + v);
      }
    }
  }

  public double at(int r, int c) {
    return matrix[r * cols + c];
  }

  @Override
  public int inputSize() {
    return cols;
  }

  @Override
  public int outputSize() {
    return rows;
  }

  @Override
  public int depth() {
    return 1;
  }

  /** Largest row sum of |M| (the ∞-norm): how much this map can amplify an input error. */
  public double infinityNorm() {
    double best = 0;
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int c = 0; c < cols; c++) {
        s += Math.abs(matrix[r * cols + c]);
      }
      best = Math.max(best, s);
    }
    return best;
  }

  /** Number of nonzero weights (the constant multiplications of the throughput packing). */
  public long nonZeros() {
    long n = 0;
    for (double v : matrix) {
      if (v != 0) {
        n++;
      }
    }
    return n;
  }
}
