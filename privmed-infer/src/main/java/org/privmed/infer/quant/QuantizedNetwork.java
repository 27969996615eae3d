package org.privmed.infer.quant;

import java.math.BigInteger;
import java.util.List;

/**
 * A square-activation network in integers: the input is {@code round(x·s_in)}, each linear stage
 * {@code y = W·x + b} holds {@code round(W·s_w)} and the bias at the scale of its product
 * ({@code round(b·S·s_w)}, S the scale of its input), each square squares the scale. So an integer
 * value v at scale S stands for v / S, and the logits come out at {@link #outputScale()}.
 *
 * <p>{@link #evaluate} is the exact reference every BFV evaluation is compared with. Each stage runs
 * in signed longs with {@link Math#multiplyExact} / {@link Math#addExact} while its values fit; the
 * first stage that overflows is redone in {@link BigInteger}, and so is every stage after it. A
 * network whose values stay below 2^63 (cryptonets-mnist) thus never leaves the long path, and one
 * that outgrows it (cryptonets-all from 6-bit quantization on, its second square) is still exact.
 * Immutable and thread-safe.
 */
public final class QuantizedNetwork {

  /** One integer stage. */
  public sealed interface Layer permits Linear, Square {
    String label();

    int inputSize();

    int outputSize();
  }

  /**
   * {@code y = W·x + b}, W row-major {@code rows × cols}. The bias is at the scale of the stage's
   * products, which after two squares can exceed a long.
   *
   * @param weightScale s_w of this stage's weights
   * @param inputScale the scale of the values it reads
   */
  public record Linear(String label, int rows, int cols, long[] weights, BigInteger[] bias,
      double weightScale, double inputScale) implements Layer {
    public Linear {
      if (weights.length != (long) rows * cols || bias.length != rows) {
        throw new IllegalArgumentException(label + ": " + weights.length + " weights and "
            + bias.length + " biases for " + rows + "x" + cols);
      }
      weights = weights.clone();
      bias = bias.clone();
      for (int r = 0; r < rows; r++) {
        if (bias[r] == null) {
          throw new IllegalArgumentException(label + ": bias " + r + " is missing");
        }
      }
    }

    @Override
    public BigInteger[] bias() {
      return bias.clone();
    }

    /** Bias r reduced into [0, t): what a BFV evaluation under plaintext prime t adds. */
    public long biasMod(int r, long t) {
      return bias[r].mod(BigInteger.valueOf(t)).longValueExact();
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

    /** Bits of the largest |weight|, sign included: the precision the stage was quantized to. */
    public int weightBits() {
      long max = 0;
      for (long w : weights) {
        max = Math.max(max, Math.abs(w));
      }
      return 64 - Long.numberOfLeadingZeros(max) + 1;
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
  // per layer: the biases as longs when all of them fit, else null (that stage starts in BigInteger)
  private final long[][] longBias;

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
    this.longBias = new long[layers.size()][];
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) instanceof Linear lin) {
        longBias[i] = longsOrNull(lin.bias);
      }
    }
  }

  private static long[] longsOrNull(BigInteger[] v) {
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      if (v[i].bitLength() > 63) {
        return null;
      }
      out[i] = v[i].longValue();
    }
    return out;
  }

  /** Bits of the quantized inputs (sign included); {@link #weightBits} gives the weights'. */
  public int bits() {
    return bits;
  }

  /** Bits of each linear stage's weights (sign included), in stage order. */
  public int[] weightBits() {
    return layers.stream().filter(l -> l instanceof Linear).mapToInt(l -> ((Linear) l).weightBits())
        .toArray();
  }

  /** "8-bit inputs and weights", or the precision of each when they differ. */
  public String precision() {
    int[] w = weightBits();
    boolean uniform = java.util.Arrays.stream(w).allMatch(b -> b == bits);
    return uniform ? bits + "-bit inputs and weights"
        : bits + "-bit inputs, weights " + java.util.Arrays.stream(w).mapToObj(Integer::toString)
            .collect(java.util.stream.Collectors.joining("/")) + " bits by layer";
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
  public BigInteger[] evaluate(long[] x) {
    return trace(x).output();
  }

  /**
   * The values at every layer boundary of one evaluation: stage s (0: the input, i+1: the output of
   * layer i) is held as longs while they fit, as BigIntegers from the first stage that does not.
   */
  public static final class Trace {
    private final long[][] small;
    private final BigInteger[][] big;

    private Trace(int stages) {
      small = new long[stages][];
      big = new BigInteger[stages][];
    }

    public int stages() {
      return small.length;
    }

    /** Stage s as longs, or null from the first stage that overflowed a long on. */
    public long[] longs(int s) {
      return small[s] == null ? null : small[s].clone();
    }

    /** Stage s as BigIntegers (converted when it was held as longs). */
    public BigInteger[] values(int s) {
      if (big[s] != null) {
        return big[s].clone();
      }
      BigInteger[] v = new BigInteger[small[s].length];
      for (int i = 0; i < v.length; i++) {
        v[i] = BigInteger.valueOf(small[s][i]);
      }
      return v;
    }

    /** Largest |value| of stage s. */
    public BigInteger maxAbs(int s) {
      if (small[s] != null) {
        long m = 0;
        for (long v : small[s]) {
          m = Math.max(m, Math.abs(v)); // |Long.MIN_VALUE| cannot occur: every long stage is checked
        }
        return BigInteger.valueOf(m);
      }
      BigInteger m = BigInteger.ZERO;
      for (BigInteger v : big[s]) {
        m = m.max(v.abs());
      }
      return m;
    }

    /** The logits. */
    public BigInteger[] output() {
      return values(small.length - 1);
    }
  }

  public Trace trace(long[] x) {
    if (x.length != inputSize()) {
      throw new IllegalArgumentException("expected " + inputSize() + " input values, got " + x.length);
    }
    Trace t = new Trace(layers.size() + 1);
    t.small[0] = x.clone();
    for (int i = 0; i < layers.size(); i++) {
      if (t.small[i] != null) {
        try {
          t.small[i + 1] = applyLong(layers.get(i), longBias[i], t.small[i]);
          continue;
        } catch (ArithmeticException beyond63Bits) {
          t.big[i] = t.values(i);
        }
      }
      t.big[i + 1] = applyBig(layers.get(i), t.big[i]);
    }
    return t;
  }

  /** One stage in longs, every product and sum checked; a bias that does not fit counts as overflow. */
  private static long[] applyLong(Layer layer, long[] bias, long[] x) {
    if (layer instanceof Square) {
      long[] y = new long[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = Math.multiplyExact(x[i], x[i]);
      }
      return y;
    }
    if (bias == null) {
      throw new ArithmeticException("a bias needs more than 63 bits");
    }
    Linear l = (Linear) layer;
    long[] y = new long[l.rows()];
    long[] w = l.weights;
    for (int r = 0; r < l.rows(); r++) {
      long acc = bias[r];
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

  private static BigInteger[] applyBig(Layer layer, BigInteger[] x) {
    if (layer instanceof Square) {
      BigInteger[] y = new BigInteger[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = x[i].multiply(x[i]);
      }
      return y;
    }
    Linear l = (Linear) layer;
    BigInteger[] y = new BigInteger[l.rows()];
    long[] w = l.weights;
    for (int r = 0; r < l.rows(); r++) {
      BigInteger acc = l.bias[r];
      int base = r * l.cols();
      for (int c = 0; c < l.cols(); c++) {
        long wc = w[base + c];
        if (wc != 0) {
          acc = acc.add(x[c].multiply(BigInteger.valueOf(wc)));
        }
      }
      y[r] = acc;
    }
    return y;
  }

  /** The float logits the integer logits stand for (v / output scale). */
  public double[] dequantize(BigInteger[] logits) {
    return dequantize(logits, outputScale);
  }

  /** v / scale for each v, in doubles (the logits' leading 53 bits are all the softmax needs). */
  public static double[] dequantize(BigInteger[] logits, double scale) {
    double[] d = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      d[i] = logits[i].doubleValue() / scale;
    }
    return d;
  }

  /** Index of the largest integer logit (the first on ties, as the float argmax). */
  public static int argmax(BigInteger[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i].compareTo(v[best]) > 0) {
        best = i;
      }
    }
    return best;
  }
}
