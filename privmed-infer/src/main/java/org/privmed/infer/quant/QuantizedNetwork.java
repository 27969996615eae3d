package org.privmed.infer.quant;

import java.util.List;

/**
 * A square-activation network in integers: the input is {@code round(x·s_in)}, each linear stage
 * {@code y = W·x + b} holds {@code round(W·s_w)} and the bias at the scale of its product
 * ({@code round(b·S·s_w)}, S the scale of its input), each square squares the scale. So an integer
 * value v at scale S stands for v / S, and the logits come out at {@link #outputScale()}.
 *
 * <p>{@link #evaluate} is the exact reference every BFV evaluation is compared with: all arithmetic
 * in signed longs with {@link Math#multiplyExact} / {@link Math#addExact}, so a network whose values
 * outgrow 63 bits fails loudly instead of wrapping. Immutable and thread-safe.
 */
public final class QuantizedNetwork {

  /** One integer stage. */
  public sealed interface Layer permits Linear, Square {
    String label();

    int inputSize();

    int outputSize();
  }

  /**
   * {@code y = W·x + b}, W row-major {@code rows × cols}.
   *
   * @param weightScale s_w of this stage's weights
   * @param inputScale the scale of the values it reads
   */
  public record Linear(String label, int rows, int cols, long[] weights, long[] bias,
      double weightScale, double inputScale) implements Layer {
    public Linear {
      if (weights.length != (long) rows * cols || bias.length != rows) {
        throw new IllegalArgumentException(label + ": " + weights.length + " weights and "
            + bias.length + " biases for " + rows + "x" + cols);
      }
      weights = weights.clone();
      bias = bias.clone();
    }

    @Override
    public int inputSize() {
      return cols;
    }

    @Override
    public int outputSize() {
      return rows;
    }

    /** The scale of its outputs. */
    public double outputScale() {
      return inputScale * weightScale;
    }

    /** Row r of W (a copy). */
    public long[] row(int r) {
      return java.util.Arrays.copyOfRange(weights, r * cols, (r + 1) * cols);
    }

    /** Largest Σ_c W[r][c]² over the rows: how much the stage amplifies the noise variance. */
    public double maxRowSquareSum() {
      double best = 0;
      for (int r = 0; r < rows; r++) {
        double s = 0;
        for (int c = 0; c < cols; c++) {
          double w = weights[r * cols + c];
          s += w * w;
        }
        best = Math.max(best, s);
      }
      return best;
    }
  }

  /** Element-wise x². */
  public record Square(String label, int size) implements Layer {
    @Override
    public int inputSize() {
      return size;
    }

    @Override
    public int outputSize() {
      return size;
    }
  }

  private final int bits;
  private final double inputScale;
  private final List<Layer> layers;
  private final double outputScale;

  QuantizedNetwork(int bits, double inputScale, List<Layer> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("a quantized network needs at least one layer");
    }
    this.bits = bits;
    this.inputScale = inputScale;
    this.layers = List.copyOf(layers);
    double s = inputScale;
    for (Layer l : layers) {
      s = l instanceof Linear lin ? s * lin.weightScale() : s * s;
    }
    this.outputScale = s;
  }

  /** Bits of the quantized inputs and weights (sign included). */
  public int bits() {
    return bits;
  }

  public double inputScale() {
    return inputScale;
  }

  public List<Layer> layers() {
    return layers;
  }

  public double outputScale() {
    return outputScale;
  }

  public int inputSize() {
    return layers.get(0).inputSize();
  }

  public int outputSize() {
    return layers.get(layers.size() - 1).outputSize();
  }

  /** Number of squares (the multiplicative depth of the BFV program). */
  public int depth() {
    int d = 0;
    for (Layer l : layers) {
      d += l instanceof Square ? 1 : 0;
    }
    return d;
  }

  /** round(x·s_in) of one normalised, arranged input. */
  public long[] quantizeInput(double[] x) {
    if (x.length != inputSize()) {
      throw new IllegalArgumentException("expected " + inputSize() + " input values, got " + x.length);
    }
    long[] q = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      q[i] = Quantizer.roundExact(x[i] * inputScale, "input value " + i);
    }
    return q;
  }

  /** The integer logits of one quantized input, exactly. */
  public long[] evaluate(long[] x) {
    long[][] t = trace(x);
    return t[t.length - 1];
  }

  /**
   * Element 0 is the input, element i+1 the output of layer i.
   *
   * @throws ArithmeticException when a value leaves the range of a signed long
   */
  public long[][] trace(long[] x) {
    if (x.length != inputSize()) {
      throw new IllegalArgumentException("expected " + inputSize() + " input values, got " + x.length);
    }
    long[][] out = new long[layers.size() + 1][];
    out[0] = x;
    for (int i = 0; i < layers.size(); i++) {
      out[i + 1] = apply(layers.get(i), out[i]);
    }
    return out;
  }

  private static long[] apply(Layer layer, long[] x) {
    if (layer instanceof Square) {
      long[] y = new long[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = Math.multiplyExact(x[i], x[i]);
      }
      return y;
    }
    Linear l = (Linear) layer;
    long[] y = new long[l.rows()];
    long[] w = l.weights;
    for (int r = 0; r < l.rows(); r++) {
      long acc = l.bias[r];
      int base = r * l.cols();
      for (int c = 0; c < l.cols(); c++) {
        long wc = w[base + c];
        if (wc != 0) {
          acc = Math.addExact(acc, Math.multiplyExact(wc, x[c]));
        }
      }
      y[r] = acc;
    }
    return y;
  }

  /** The float logits the integer logits stand for (v / output scale). */
  public double[] dequantize(long[] logits) {
    double[] d = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      d[i] = logits[i] / outputScale;
    }
    return d;
  }

  /** Index of the largest integer logit (the first on ties, as the float argmax). */
  public static int argmax(long[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
