package org.privmed.infer.quant;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.privmed.data.ImageDataset;
import org.privmed.infer.plan.LinearStage;
import org.privmed.infer.plan.Lowering;
import org.privmed.infer.plan.PolynomialStage;
import org.privmed.infer.plan.Stage;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.Model;

/**
 * Fixed-point quantization with one scale per layer (CryptoNets, Gilad-Bachrach et al., ICML 2016,
 * Sec. 4.2: weights and inputs are scaled and rounded to integers, and the plaintext modulus must
 * hold the largest value the integer network reaches). With b bits, the input scale maps the largest
 * calibrated |input| to 2^(b-1) - 1, and each linear stage's weight scale maps its largest |weight|
 * there too; biases take the scale of their stage's products so they add exactly. A square squares
 * the scale, which is why b stays small: the output grows to about 4·(2b + log2 fan-in) bits
 * through two squares, each extra bit of b costing about eleven bits of plaintext in a depth-2 net.
 *
 * <p>{@link #choose} tries b = min … max and keeps the smallest b whose integer network has the
 * float network's argmax on every calibration image (a smaller b means fewer or smaller plaintext
 * primes, and so fewer BFV evaluations).
 */
public final class Quantizer {
  /** Inputs above this are refused: they are held in longs, with headroom below 2^63. */
  static final double LIMIT = 0x1p62;

  private Quantizer() {}

  /** round(v), refusing values a long cannot hold with headroom. */
  public static long roundExact(double v, String what) {
    if (!(Math.abs(v) < LIMIT)) {
      throw new ArithmeticException(what + " = " + v + " does not fit 62 bits after scaling");
    }
    return Math.round(v);
  }

  /**
   * round(v) of any size: {@link Math#round} below 2^62 (so networks that fit longs quantize as
   * they always did), and above it v itself, since a double that large is already an integer.
   */
  static BigInteger roundBig(double v, String what) {
    if (!Double.isFinite(v)) {
      throw new ArithmeticException(what + " = " + v + " is not finite after scaling");
    }
    return Math.abs(v) < LIMIT ? BigInteger.valueOf(Math.round(v))
        : new BigDecimal(v).toBigIntegerExact();
  }

  /**
   * Quantizes lowered stages (throughput lowering: identity input layout).
   *
   * @param inputMaxAbs largest |normalised input| on calibration data
   * @param bits bits of inputs and weights, sign included, in [2, 16]
   * @throws IllegalArgumentException for a polynomial stage other than a bare square
   */
  public static QuantizedNetwork quantize(List<Stage> stages, double inputMaxAbs, int bits) {
    int[] w = new int[linearStages(stages)];
    Arrays.fill(w, bits);
    return quantize(stages, inputMaxAbs, bits, w);
  }

  /**
   * Quantizes with a precision of its own for the input and for each linear stage.
   *
   * @param bits bits of the inputs, sign included, in [2, 16]
   * @param weightBits bits of each linear stage's weights, in stage order, each in [2, 16]
   */
  public static QuantizedNetwork quantize(List<Stage> stages, double inputMaxAbs, int bits,
      int[] weightBits) {
    if (weightBits.length != linearStages(stages)) {
      throw new IllegalArgumentException(weightBits.length + " weight precisions for "
          + linearStages(stages) + " linear stages");
    }
    for (int b : weightBits) {
      if (b < 2 || b > 16) {
        throw new IllegalArgumentException("weight bits must be in [2, 16], got " + b);
      }
    }
    if (bits < 2 || bits > 16) {
      throw new IllegalArgumentException("quantization bits must be in [2, 16], got " + bits);
    }
    if (!(inputMaxAbs > 0) || !Double.isFinite(inputMaxAbs)) {
      throw new IllegalArgumentException("input range must be finite and > 0, got " + inputMaxAbs);
    }
    double top = (1L << (bits - 1)) - 1;
    double scale = top / inputMaxAbs;
    double inputScale = scale;
    List<QuantizedNetwork.Layer> layers = new ArrayList<>();
    int li = 0;
    for (Stage s : equalize(stages)) {
      if (s instanceof PolynomialStage p) {
        if (!(p.isBarePower() && p.degree() == 2)) {
          throw new IllegalArgumentException("stage " + p.label() + " is a degree-" + p.degree()
              + " polynomial with coefficients; the BFV path evaluates bare squares only (square, or"
              + " scaledpower of power 2 followed by a linear layer) — use CKKS for this model");
        }
        layers.add(new QuantizedNetwork.Square(p.label(), p.size()));
        scale = scale * scale;
        continue;
      }
      LinearStage l = (LinearStage) s;
      double maxW = 0;
      for (double w : l.matrix()) {
        maxW = Math.max(maxW, Math.abs(w));
      }
      if (maxW == 0) {
        throw new IllegalArgumentException("stage " + l.label() + " has only zero weights");
      }
      double ws = ((1L << (weightBits[li++] - 1)) - 1) / maxW;
      long[] w = new long[l.matrix().length];
      for (int i = 0; i < w.length; i++) {
        w[i] = Math.round(l.matrix()[i] * ws);
      }
      BigInteger[] b = new BigInteger[l.rows()];
      for (int r = 0; r < b.length; r++) {
        b[r] = roundBig(l.bias()[r] * scale * ws, l.label() + " bias " + r);
      }
      layers.add(new QuantizedNetwork.Linear(l.label(), l.rows(), l.cols(), w, b, ws, scale));
      scale *= ws;
    }
    return new QuantizedNetwork(bits, inputScale, layers);
  }

  /**
   * Cross-layer equalization through the squares (after Nagel, van Baalen, Blankevoort and
   * Welling, "Data-Free Quantization Through Weight Equalization and Bias Correction", ICCV 2019,
   * Sec. 4.1, there for ReLU): for linear → square → linear, row r of the first map (and its bias)
   * is multiplied by α_r and column r of the second by 1/α_r², which leaves the function unchanged
   * since (α·h)² = α²·h². One weight scale per stage means a row whose weights are much smaller
   * than the stage's largest is quantized with few levels (in the folded layers of {@code
   * cryptonets-all} most rows round to a handful of values); with α_r³ = c_r / r_r (r_r the
   * largest |weight| of the row, c_r of the column) both become (r_r²·c_r)^(1/3), so every hidden
   * value keeps the same relative precision in both maps, the analogue of the paper's choice.
   * Returns new stages; the given ones are not modified.
   */
  static List<Stage> equalize(List<Stage> stages) {
    List<Stage> out = new ArrayList<>(stages);
    for (int i = 0; i + 2 < out.size(); i++) {
      if (!(out.get(i) instanceof LinearStage a && out.get(i + 1) instanceof PolynomialStage sq
          && sq.isBarePower() && sq.degree() == 2 && out.get(i + 2) instanceof LinearStage b)) {
        continue;
      }
      double[] m1 = a.matrix().clone();
      double[] b1 = a.bias().clone();
      double[] m2 = b.matrix().clone();
      for (int r = 0; r < a.rows(); r++) {
        double rowMax = 0;
        for (int c = 0; c < a.cols(); c++) {
          rowMax = Math.max(rowMax, Math.abs(m1[r * a.cols() + c]));
        }
        double colMax = 0;
        for (int o = 0; o < b.rows(); o++) {
          colMax = Math.max(colMax, Math.abs(m2[o * b.cols() + r]));
        }
        if (rowMax == 0 || colMax == 0) {
          continue; // a dead unit: nothing to balance
        }
        double alpha = Math.cbrt(colMax / rowMax);
        for (int c = 0; c < a.cols(); c++) {
          m1[r * a.cols() + c] *= alpha;
        }
        b1[r] *= alpha;
        double inv = 1 / (alpha * alpha);
        for (int o = 0; o < b.rows(); o++) {
          m2[o * b.cols() + r] *= inv;
        }
      }
      out.set(i, new LinearStage(a.label(), a.rows(), a.cols(), m1, b1));
      out.set(i + 2, new LinearStage(b.label(), b.rows(), b.cols(), m2, b.bias()));
    }
    return out;
  }

  private static int linearStages(List<Stage> stages) {
    int n = 0;
    for (Stage s : stages) {
      n += s instanceof LinearStage ? 1 : 0;
    }
    return n;
  }

  /**
   * The chosen network, its dry run on the calibration images, and what was tried (network and
   * dry run null when a {@link #perLayer} search found nothing).
   */
  public record Choice(QuantizedNetwork network, DryRun.Result dryRun, String tried) {}

  /**
   * The smallest b in [minBits, maxBits] whose integer network agrees with the float network's
   * argmax on all calibration images; if none does, the b with the best agreement (the smallest
   * among equals). A b whose values need more than {@code maxValueBits} bits (log2(2·max|v| + 1))
   * ends the search: the plaintext primes could not hold it, nor any larger b.
   */
  public static Choice choose(Model model, Lowering.Lowered low, ImageDataset calibration,
      int images, int minBits, int maxBits, int maxValueBits) {
    int n = calibrationImages(low, calibration, images);
    double inMax = inputMaxAbs(model, calibration, n);
    StringBuilder tried = new StringBuilder();
    Choice best = null;
    for (int bits = minBits; bits <= maxBits; bits++) {
      QuantizedNetwork net = quantize(low.stages(), inMax, bits);
      DryRun.Result r = DryRun.run(model, net, calibration, 0, n);
      if (r.bitsNeeded(0) > maxValueBits) {
        tried.append(String.format(Locale.ROOT, " b=%d: %d/%d agree, needs %d bits > cap %d;", bits,
            r.agree(), r.images(), r.bitsNeeded(0), maxValueBits));
        break;
      }
      tried.append(String.format(Locale.ROOT, " b=%d: %d/%d agree, %d bits;", bits, r.agree(),
          r.images(), r.valueBits()));
      if (best == null || r.agree() > best.dryRun().agree()) {
        best = new Choice(net, r, null);
      }
      if (r.agree() == r.images()) {
        break;
      }
    }
    if (best == null) {
      int depth = 0;
      for (Stage s : low.stages()) {
        depth += s instanceof PolynomialStage ? 1 : 0;
      }
      throw new IllegalArgumentException("model " + model.name() + " needs more than " + maxValueBits
          + " bits of plaintext even at " + minBits + "-bit quantization (" + tried.toString().trim()
          + "): each of its " + depth + " squares doubles the bits of the values (BFV cannot rescale"
          + " between layers as CKKS does); evaluate this model with CKKS");
    }
    return new Choice(best.network(), best.dryRun(), tried.toString().trim());
  }

  /**
   * A precision per layer ({@link #allocate}) that needs fewer plaintext bits than {@code uniform}
   * (a {@link #choose} result agreeing on all its images) and still agrees on every one of them, or
   * null when none is found or {@code uniform} does not agree everywhere.
   */
  public static Choice perLayer(Model model, Lowering.Lowered low, ImageDataset calibration,
      int images, Choice uniform) {
    DryRun.Result u = uniform.dryRun();
    if (u.agree() != u.images()) {
      return null;
    }
    int n = calibrationImages(low, calibration, images);
    Calibration cal = new Calibration(model, calibration, n);
    StringBuilder tried = new StringBuilder();
    int[] mixed = allocate(low.stages(), cal, uniform.network().bits(), u.valueBits(), tried);
    if (mixed == null) {
      return new Choice(null, null, tried.toString().trim());
    }
    QuantizedNetwork net = quantize(low.stages(), cal.inMax, mixed[0],
        Arrays.copyOfRange(mixed, 1, mixed.length));
    return new Choice(net, DryRun.run(model, net, calibration, 0, n), tried.toString().trim());
  }

  private static int calibrationImages(Lowering.Lowered low, ImageDataset calibration, int images) {
    if (!"identity".equals(low.layout().kind())) {
      throw new IllegalArgumentException("quantization needs the throughput lowering (identity input layout)");
    }
    int n = Math.min(images, calibration.size());
    if (n < 1) {
      throw new IllegalArgumentException("calibration needs at least one image");
    }
    return n;
  }

  private static double inputMaxAbs(Model model, ImageDataset calibration, int n) {
    double m = 0;
    for (int i = 0; i < n; i++) {
      for (double v : PlainInference.normalize(model, calibration.images()[i])) {
        m = Math.max(m, Math.abs(v));
      }
    }
    return m;
  }

  /** The calibration images' normalised inputs and float argmax, computed once for a search. */
  private static final class Calibration {
    final double[][] inputs;
    final int[] argmax;
    final double[][] logits;
    final double inMax;

    Calibration(Model model, ImageDataset data, int n) {
      inputs = new double[n][];
      argmax = new int[n];
      logits = new double[n][];
      for (int i = 0; i < n; i++) {
        inputs[i] = PlainInference.normalize(model, data.images()[i]);
        logits[i] = PlainInference.logits(model, data.images()[i]);
        argmax[i] = PlainInference.argmax(logits[i]);
      }
      inMax = inputMaxAbs(model, data, n);
    }

    /** Bits of the largest |value| if the network agrees on every image, else -1 (stops early). */
    int valueBitsIfAllAgree(QuantizedNetwork net) {
      BigInteger max = BigInteger.ZERO;
      for (int i = 0; i < inputs.length; i++) {
        QuantizedNetwork.Trace t = net.trace(net.quantizeInput(inputs[i]));
        if (QuantizedNetwork.argmax(t.output()) != argmax[i]) {
          return -1;
        }
        for (int s = 0; s < t.stages(); s++) {
          max = max.max(t.maxAbs(s));
        }
      }
      return max.bitLength();
    }

    /** Root-mean-square |dequantized − float logit| over the first {@code count} images. */
    double logitError(QuantizedNetwork net, int count) {
      double sum = 0;
      int terms = 0;
      for (int i = 0; i < Math.min(count, inputs.length); i++) {
        double[] dq = net.dequantize(net.trace(net.quantizeInput(inputs[i])).output());
        for (int o = 0; o < dq.length; o++) {
          double e = dq[o] - logits[i][o];
          sum += e * e;
          terms++;
        }
      }
      return Math.sqrt(sum / terms);
    }
  }

  /**
   * A precision per quantized quantity (the input, then each linear stage's weights) that needs
   * fewer plaintext bits than uniform b and still agrees with the float argmax on every calibration
   * image, or null if none is found. A bit of the input or of a weight before s squares costs
   * 2^s bits of plaintext, while its rounding error reaches the logits in proportion to 2^-b times a
   * sensitivity e_i measured here (quantizing that quantity alone at b, the rest at b + 6). Minimising
   * Σ 2^s_i·b_i under a bound on Σ e_i·2^-b_i gives b_i = λ + log2(e_i / 2^s_i) — the optimal bit
   * allocation across layers of Lin, Talathi and Annapureddy, "Fixed Point Quantization of Deep
   * Convolutional Networks", ICML 2016, Sec. 3.2 (there with the cost of each layer's bits; here the
   * plaintext bits they add). λ rises in quarter bits until a rounding of it agrees everywhere; then
   * single bits are taken off while the agreement holds.
   */
  static int[] allocate(List<Stage> stages, Calibration cal, int uniformBits, int uniformValueBits,
      StringBuilder tried) {
    int q = linearStages(stages) + 1;
    int[] cost = new int[q];
    int squaresAfter = 0;
    for (Stage s : stages) {
      squaresAfter += s instanceof PolynomialStage ? 1 : 0;
    }
    cost[0] = 1 << squaresAfter;
    int li = 1;
    for (Stage s : stages) {
      if (s instanceof PolynomialStage) {
        squaresAfter--;
      } else {
        cost[li++] = 1 << squaresAfter;
      }
    }
    int hi = Math.min(16, uniformBits + 6);
    int sensitivityImages = 200;
    double[] base = new double[q];
    for (int i = 0; i < q; i++) {
      int[] b = new int[q];
      Arrays.fill(b, hi);
      b[i] = uniformBits;
      double e = cal.logitError(quantize(stages, cal.inMax, b[0], Arrays.copyOfRange(b, 1, q)),
          sensitivityImages);
      base[i] = Math.log(Math.max(e, 1e-300)) / Math.log(2) - Math.log(cost[i]) / Math.log(2);
    }
    double mean = Arrays.stream(base).average().orElse(0);
    int uniformCost = uniformBits * Arrays.stream(cost).sum();
    LinkedHashSet<List<Integer>> seen = new LinkedHashSet<>();
    int[] found = null;
    int foundBits = uniformValueBits;
    for (double lambda = uniformBits - 6; lambda <= uniformBits + 2 && found == null; lambda += 0.25) {
      int[] b = new int[q];
      int c = 0;
      for (int i = 0; i < q; i++) {
        b[i] = (int) Math.max(2, Math.min(16, Math.round(lambda + base[i] - mean)));
        c += cost[i] * b[i];
      }
      if (c >= uniformCost || !seen.add(Arrays.stream(b).boxed().toList())) {
        continue;
      }
      int bits = cal.valueBitsIfAllAgree(quantize(stages, cal.inMax, b[0], Arrays.copyOfRange(b, 1, q)));
      if (bits > 0 && bits < foundBits) {
        found = b;
        foundBits = bits;
      }
    }
    if (found == null) {
      tried.append(" per layer: none below b=").append(uniformBits).append(';');
      return null;
    }
    boolean lowered = true;
    while (lowered) {
      lowered = false;
      for (int i = 0; i < q && !lowered; i++) {
        if (found[i] <= 2) {
          continue;
        }
        int[] b = found.clone();
        b[i]--;
        int bits = cal.valueBitsIfAllAgree(quantize(stages, cal.inMax, b[0], Arrays.copyOfRange(b, 1, q)));
        if (bits > 0 && bits < foundBits) {
          found = b;
          foundBits = bits;
          lowered = true;
        }
      }
    }
    tried.append(String.format(Locale.ROOT, " per layer (input, weights) %s: %d/%d agree, %d bits;",
        Arrays.toString(found), cal.inputs.length, cal.inputs.length, foundBits));
    return found;
  }
}
