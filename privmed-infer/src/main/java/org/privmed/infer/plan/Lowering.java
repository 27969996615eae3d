package org.privmed.infer.plan;

import java.util.ArrayList;
import java.util.List;
import org.privmed.nn.model.AvgPool2d;
import org.privmed.nn.model.BatchNorm;
import org.privmed.nn.model.Conv2d;
import org.privmed.nn.model.Dense;
import org.privmed.nn.model.Dropout;
import org.privmed.nn.model.Flatten;
import org.privmed.nn.model.GroupNorm;
import org.privmed.nn.model.Layer;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.Polynomial;
import org.privmed.nn.model.Relu;
import org.privmed.nn.model.Residual;
import org.privmed.nn.model.ResidueActivation;
import org.privmed.nn.model.ScaledPower;
import org.privmed.nn.model.Square;
import org.privmed.nn.model.TensorShape;

/**
 * Turns a model into an alternation of {@link LinearStage}s and {@link PolynomialStage}s.
 *
 * <p>Batch norms that follow a convolution or dense layer are folded into it
 * ({@link Model#foldBatchNorm()}); every run of linear layers is multiplied out into one affine
 * map, and the constant {@code a} of a {@link ScaledPower} is moved into the columns of the next
 * linear map, as CryptoNets folds its scaled mean pool (Gilad-Bachrach et al., ICML 2016, Sec. 4.1):
 * the power then needs no constant multiplication and saves one level. Layers that are not
 * polynomials are refused with the HE-friendly replacement named.
 */
public final class Lowering {
  private Lowering() {}

  /** A lowered network: how the client arranges an image, then the stages in order. */
  public record Lowered(InputLayout layout, List<Stage> stages) {
    public Lowered {
      stages = List.copyOf(stages);
    }
  }

  /**
   * @param im2col arrange the input for the first convolution (latency packing); ignored when the
   *     first layer is not a convolution
   * @throws NonPolynomialLayerException for ReLU, group norm and other non-polynomial layers
   */
  public static Lowered lower(Model model, boolean im2col) {
    refuseUnsupported(model.layers(), "");
    Model folded = model.foldBatchNorm();
    List<Layer> layers = new ArrayList<>();
    for (Layer l : folded.layers()) {
      if (!(l instanceof Dropout)) {
        layers.add(l);
      }
    }
    TensorShape shape = folded.inputShape();
    InputLayout layout = InputLayout.identity(shape.size());
    List<Stage> stages = new ArrayList<>();
    Affine pending = null;
    StringBuilder label = new StringBuilder();
    String runStart = "";
    double carriedScale = 1.0;
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      String name = i + ":" + l.kind();
      if (isLinear(l)) {
        String where = "layer " + i + " (" + l.kind() + " " + dims(shape) + " -> "
            + dims(l.outputShape(shape)) + ", counted with batch norms folded)";
        if (pending == null) {
          runStart = where;
          if (i == 0 && im2col && l instanceof Conv2d c) {
            Im2col ic = im2col(c, shape, where);
            layout = ic.layout;
            pending = ic.affine;
            shape = c.outputShape(shape);
            label.append(name).append("(im2col)");
            continue;
          }
          // the run's first layer gives the matrix directly: no n×n identity to multiply
          pending = Affine.first(l, shape, carriedScale, where);
          carriedScale = 1.0;
        } else {
          pending = pending.then(l, shape, where, runStart);
        }
        shape = l.outputShape(shape);
        label.append(label.length() == 0 ? "" : " ").append(name);
        continue;
      }
      if (pending != null) {
        stages.add(pending.toStage(label.toString()));
        pending = null;
        label.setLength(0);
      }
      double[] coeffs = coefficients(l);
      boolean nextIsLinear = i + 1 < layers.size() && isLinear(layers.get(i + 1));
      if (l instanceof ScaledPower sp && nextIsLinear) {
        carriedScale = sp.scale();
        coeffs = new double[sp.power() + 1];
        coeffs[sp.power()] = 1.0;
        name += "(scale folded into next)";
      }
      if (carriedScale != 1.0 && !(l instanceof ScaledPower)) {
        throw new IllegalStateException("internal: carried scale without a linear layer");
      }
      stages.add(new PolynomialStage(name, shape.size(), coeffs));
    }
    if (pending != null) {
      stages.add(pending.toStage(label.toString()));
    }
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("model " + model.name() + " has no layer to evaluate");
    }
    return new Lowered(layout, stages);
  }

  private static String dims(TensorShape t) {
    return t.channels() + "x" + t.height() + "x" + t.width();
  }

  private static void refuseUnsupported(List<Layer> layers, String prefix) {
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      String where = "layer " + prefix + i + " (" + l.kind() + ")";
      if (l instanceof Relu) {
        throw new NonPolynomialLayerException(where + " is not a polynomial and cannot be evaluated "
            + "exactly under CKKS; replace it by an HE-friendly activation: square, polynomial or "
            + "scaledpower (and max-pooling by avgpool2d), then retrain");
      }
      if (l instanceof GroupNorm) {
        throw new NonPolynomialLayerException(where + " divides by a data-dependent standard "
            + "deviation, which is not a polynomial; use batchnorm (folded into the previous "
            + "convolution at inference) instead, then retrain");
      }
      if (l instanceof Residual r) {
        throw new NonPolynomialLayerException(where + ": residual blocks are not supported by this "
            + "compiler version (each branch would need its own level and scale alignment); use a "
            + "sequential network such as tenseal-mnist or cryptonets-mnist");
      }
      if (!l.isPolynomial()) {
        throw new NonPolynomialLayerException(where + " is not a polynomial; replace it by square, "
            + "polynomial or scaledpower");
      }
    }
  }

  private static boolean isLinear(Layer l) {
    return l instanceof Conv2d || l instanceof Dense || l instanceof AvgPool2d || l instanceof Flatten
        || l instanceof BatchNorm;
  }

  private static double[] coefficients(Layer l) {
    if (l instanceof Square) {
      return new double[] {0, 0, 1};
    } else if (l instanceof ScaledPower sp) {
      double[] c = new double[sp.power() + 1];
      c[sp.power()] = sp.scale();
      return c;
    } else if (l instanceof ResidueActivation ra) {
      double[] c = new double[ra.power() + 1];
      c[1] = 1.0;
      c[ra.power()] += ra.scale();
      return c;
    } else if (l instanceof Polynomial p) {
      double[] c = p.coefficients().clone();
      int d = c.length - 1;
      while (d > 1 && c[d] == 0) {
        d--;
      }
      return java.util.Arrays.copyOf(c, d + 1);
    }
    throw new NonPolynomialLayerException("layer " + l.kind() + " has no HE evaluation rule");
  }

  private record Im2col(InputLayout layout, Affine affine) {}

  /** Slot {@code windows·t + w} holds the pixel tap t of window w reads (0 in the padding). */
  private static Im2col im2col(Conv2d c, TensorShape in, String where) {
    TensorShape out = c.outputShape(in);
    int windows = out.height() * out.width();
    int k = c.kernel();
    int taps = c.inChannels() * k * k;
    int[] src = new int[taps * windows];
    for (int ch = 0; ch < c.inChannels(); ch++) {
      for (int ky = 0; ky < k; ky++) {
        for (int kx = 0; kx < k; kx++) {
          int t = (ch * k + ky) * k + kx;
          for (int oy = 0; oy < out.height(); oy++) {
            for (int ox = 0; ox < out.width(); ox++) {
              int iy = oy * c.stride() + ky - c.padding();
              int ix = ox * c.stride() + kx - c.padding();
              boolean inside = iy >= 0 && iy < in.height() && ix >= 0 && ix < in.width();
              src[windows * t + oy * out.width() + ox] =
                  inside ? (ch * in.height() + iy) * in.width() + ix : -1;
            }
          }
        }
      }
    }
    int rows = out.size();
    int cols = src.length;
    Affine.checkSize(rows, cols, where + " as im2col", where + " as im2col");
    double[] m = new double[rows * cols];
    double[] b = new double[rows];
    for (int o = 0; o < c.outChannels(); o++) {
      for (int w = 0; w < windows; w++) {
        int r = o * windows + w;
        b[r] = c.bias()[o];
        for (int t = 0; t < taps; t++) {
          if (src[windows * t + w] >= 0) {
            m[r * cols + windows * t + w] = c.weight()[o * taps + t];
          }
        }
      }
    }
    return new Im2col(new InputLayout("im2col", src), new Affine(rows, cols, m, b));
  }

  /** A pending affine map {@code x ↦ M·x + b} over the stage's input. */
  private record Affine(int rows, int cols, double[] m, double[] b) {
    /** Dense matrices beyond this many entries (320 MB) are refused rather than built. */
    static final long MAX_ENTRIES = 40_000_000L;

    /**
     * @param what the layer that would make the matrix too large
     * @param from the first layer of the linear run (the matrix maps that layer's input)
     */
    static void checkSize(long rows, long cols, String what, String from) {
      if (rows * cols > MAX_ENTRIES) {
        throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "%s: the linear stage "
            + "%s maps %d values to %d as one dense %dx%d matrix (%,d weights), beyond this "
            + "compiler's dense-lowering limit of %,d. Not supported yet: the latency packing would "
            + "need a multi-ciphertext convolution packing, the throughput packing a sparse "
            + "convolution lowering%s; use fewer channels or a smaller input", what,
            what.equals(from) ? "of this layer" : "from " + from + " to here", cols, rows, rows, cols,
            rows * cols, MAX_ENTRIES, what.endsWith("im2col") ? ""
                : " (and " + cols + " input ciphertexts per batch for this stage alone)"));
      }
    }

    /** The map of one linear layer times a constant (the folded scale of a preceding power). */
    static Affine first(Layer l, TensorShape in, double scale, String where) {
      int n = in.size();
      if (l instanceof Flatten) {
        checkSize(n, n, where, where);
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
          m[i * n + i] = scale;
        }
        return new Affine(n, n, m, new double[n]);
      }
      TensorShape outShape = l.outputShape(in);
      int rows = outShape.size();
      checkSize(rows, n, where, where);
      double[] m = new double[rows * n];
      SparseMap s = sparse(l, in, outShape);
      for (int e = 0; e < s.count; e++) {
        m[s.row[e] * n + s.col[e]] += scale * s.w[e];
      }
      return new Affine(rows, n, m, s.bias.clone());
    }

    LinearStage toStage(String label) {
      return new LinearStage(label, rows, cols, m, b);
    }

    /** This map followed by layer l (input shape {@code in}): M' = L·M, b' = L·b + l_b. */
    Affine then(Layer l, TensorShape in, String where, String from) {
      if (l instanceof Flatten) {
        return this;
      }
      TensorShape outShape = l.outputShape(in);
      int outRows = outShape.size();
      checkSize(outRows, cols, where, from);
      double[] nm = new double[outRows * cols];
      double[] nb = new double[outRows];
      SparseMap s = sparse(l, in, outShape);
      for (int e = 0; e < s.count; e++) {
        int r = s.row[e];
        int c = s.col[e];
        double w = s.w[e];
        int src = c * cols;
        int dst = r * cols;
        for (int j = 0; j < cols; j++) {
          nm[dst + j] += w * m[src + j];
        }
        nb[r] += w * b[c];
      }
      for (int r = 0; r < outRows; r++) {
        nb[r] += s.bias[r];
      }
      return new Affine(outRows, cols, nm, nb);
    }
  }

  /** The linear part of one layer as a list of (row, col, weight) plus its bias. */
  private static final class SparseMap {
    int[] row = new int[16];
    int[] col = new int[16];
    double[] w = new double[16];
    int count;
    double[] bias;

    void add(int r, int c, double v) {
      if (v == 0) {
        return;
      }
      if (count == row.length) {
        row = java.util.Arrays.copyOf(row, count * 2);
        col = java.util.Arrays.copyOf(col, count * 2);
        w = java.util.Arrays.copyOf(w, count * 2);
      }
      row[count] = r;
      col[count] = c;
      w[count] = v;
      count++;
    }
  }

  private static SparseMap sparse(Layer l, TensorShape in, TensorShape out) {
    SparseMap s = new SparseMap();
    s.bias = new double[out.size()];
    if (l instanceof Conv2d c) {
      int k = c.kernel();
      for (int o = 0; o < c.outChannels(); o++) {
        for (int oy = 0; oy < out.height(); oy++) {
          for (int ox = 0; ox < out.width(); ox++) {
            int r = (o * out.height() + oy) * out.width() + ox;
            s.bias[r] = c.bias()[o];
            for (int i = 0; i < c.inChannels(); i++) {
              for (int ky = 0; ky < k; ky++) {
                int iy = oy * c.stride() + ky - c.padding();
                if (iy < 0 || iy >= in.height()) {
                  continue;
                }
                for (int kx = 0; kx < k; kx++) {
                  int ix = ox * c.stride() + kx - c.padding();
                  if (ix >= 0 && ix < in.width()) {
                    s.add(r, (i * in.height() + iy) * in.width() + ix,
                        c.weight()[((o * c.inChannels() + i) * k + ky) * k + kx]);
                  }
                }
              }
            }
          }
        }
      }
    } else if (l instanceof AvgPool2d p) {
      double inv = 1.0 / (p.kernel() * p.kernel());
      for (int ch = 0; ch < in.channels(); ch++) {
        for (int oy = 0; oy < out.height(); oy++) {
          for (int ox = 0; ox < out.width(); ox++) {
            int r = (ch * out.height() + oy) * out.width() + ox;
            for (int ky = 0; ky < p.kernel(); ky++) {
              for (int kx = 0; kx < p.kernel(); kx++) {
                int iy = oy * p.stride() + ky;
                int ix = ox * p.stride() + kx;
                s.add(r, (ch * in.height() + iy) * in.width() + ix, inv);
              }
            }
          }
        }
      }
    } else if (l instanceof Dense d) {
      for (int o = 0; o < d.outFeatures(); o++) {
        s.bias[o] = d.bias()[o];
        for (int i = 0; i < d.inFeatures(); i++) {
          s.add(o, i, d.weight()[o * d.inFeatures() + i]);
        }
      }
    } else if (l instanceof BatchNorm bn) {
      int plane = in.height() * in.width();
      double[] sc = bn.scale();
      double[] sh = bn.shift();
      for (int j = 0; j < in.size(); j++) {
        s.add(j, j, sc[j / plane]);
        s.bias[j] = sh[j / plane];
      }
    } else {
      throw new IllegalStateException("not a linear layer: " + l.kind());
    }
    return s;
  }
}
