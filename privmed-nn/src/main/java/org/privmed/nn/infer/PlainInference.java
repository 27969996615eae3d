package org.privmed.nn.infer;

import java.util.ArrayList;
import java.util.List;
import org.privmed.data.ImageDataset;
import org.privmed.data.Normalization;
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
 * Plaintext forward pass of a {@link Model} in pure Java, double precision, one example at a time
 * (inference form: dropout is the identity, batch norm uses its running statistics). This is the
 * reference an encrypted evaluation is compared with, so it favours plain loops whose arithmetic
 * order is easy to follow over cleverness. Thread-safe: it keeps no state.
 */
public final class PlainInference {
  private PlainInference() {}

  /** Class scores (pre-softmax) for one image of [0, 1] pixels, channel-major. */
  public static double[] logits(Model model, float[] pixels) {
    TensorShape in = model.inputShape();
    if (pixels.length != in.size()) {
      throw new IllegalArgumentException("model " + model.name() + " expects " + in + " = "
          + in.size() + " values per image, got " + pixels.length);
    }
    double[] x = normalize(model, pixels);
    return forward(model.layers(), in, x);
  }

  /**
   * The model's input for one image: {@code (x − mean_c) / std_c} per channel, in double precision
   * (the values an HE client encodes and encrypts).
   */
  public static double[] normalize(Model model, float[] pixels) {
    return normalize(model.name(), model.inputShape(), model.normalization(), pixels);
  }

  /**
   * The same for whoever holds a model's input shape and normalisation but not its weights (the
   * CKKS and BFV client programs), so that an HE client encodes exactly what the model reads;
   * refuses a wrong pixel count or a non-finite pixel, naming it.
   */
  public static double[] normalize(String modelName, TensorShape in, Normalization normalization,
      float[] pixels) {
    if (pixels.length != in.size()) {
      throw new IllegalArgumentException("model " + modelName + " expects " + in + " = "
          + in.size() + " values per image, got " + pixels.length);
    }
    double[] mean = normalization.mean();
    double[] std = normalization.std();
    int plane = in.height() * in.width();
    double[] out = new double[pixels.length];
    for (int c = 0, i = 0; c < in.channels(); c++) {
      double inv = 1.0 / std[c];
      for (int p = 0; p < plane; p++, i++) {
        if (!Float.isFinite(pixels[i])) {
          throw new IllegalArgumentException("model " + modelName + ": input value " + i
              + " is " + pixels[i] + " (images must hold finite pixels)");
        }
        out[i] = (pixels[i] - mean[c]) * inv;
      }
    }
    return out;
  }

  /** Softmax of {@link #logits}. */
  public static double[] probabilities(Model model, float[] pixels) {
    return softmax(logits(model, pixels));
  }

  /** Index of the largest logit. */
  public static int predict(Model model, float[] pixels) {
    return argmax(logits(model, pixels));
  }

  /**
   * Logits for every image of {@code data}, after checking that the data's shape and class count
   * fit the model.
   */
  public static double[][] logits(Model model, ImageDataset data) {
    requireCompatible(model, data);
    double[][] out = new double[data.size()][];
    for (int i = 0; i < data.size(); i++) {
      out[i] = logits(model, data.images()[i]);
    }
    return out;
  }

  /**
   * Throws a clear error when {@code data} does not fit {@code model}: different C×H×W or a
   * different number of classes.
   */
  public static void requireCompatible(Model model, ImageDataset data) {
    TensorShape in = model.inputShape();
    if (data.channels() != in.channels() || data.height() != in.height()
        || data.width() != in.width()) {
      throw new IllegalArgumentException("model " + model.name() + " expects images of " + in
          + " but dataset " + data.name() + " has " + data.channels() + "x" + data.height() + "x"
          + data.width());
    }
    if (data.numClasses() != model.numClasses()) {
      throw new IllegalArgumentException("model " + model.name() + " has " + model.numClasses()
          + " classes but dataset " + data.name() + " has " + data.numClasses());
    }
  }

  /** Runs already-normalised input {@code x} of shape {@code in} through {@code layers}. */
  public static double[] forward(List<Layer> layers, TensorShape in, double[] x) {
    TensorShape s = in;
    double[] v = x;
    for (Layer l : layers) {
      v = apply(l, s, v);
      s = l.outputShape(s);
    }
    return v;
  }

  /**
   * The activation after every top-level layer for one image (element i = output of layer i);
   * used to measure value ranges, as CryptoNets does to size its plaintext modulus.
   */
  public static List<double[]> trace(Model model, float[] pixels) {
    TensorShape s = model.inputShape();
    double[] v = normalize(model, pixels);
    List<double[]> out = new ArrayList<>();
    for (Layer l : model.layers()) {
      v = apply(l, s, v);
      s = l.outputShape(s);
      out.add(v);
    }
    return out;
  }

  /** One layer on input {@code x} of shape {@code in}; returns a new array (input untouched). */
  public static double[] apply(Layer layer, TensorShape in, double[] x) {
    if (x.length != in.size()) {
      throw new IllegalArgumentException(layer.kind() + ": input has " + x.length
          + " values, shape " + in + " needs " + in.size());
    }
    if (layer instanceof Conv2d c) {
      return conv(c, in, x);
    } else if (layer instanceof Dense d) {
      return dense(d, in, x);
    } else if (layer instanceof AvgPool2d p) {
      return avgPool(p, in, x);
    } else if (layer instanceof Flatten || layer instanceof Dropout) {
      layer.outputShape(in);
      return x.clone();
    } else if (layer instanceof Square) {
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = x[i] * x[i];
      }
      return y;
    } else if (layer instanceof ScaledPower sp) {
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = sp.scale() * pow(x[i], sp.power());
      }
      return y;
    } else if (layer instanceof ResidueActivation ra) {
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = x[i] + ra.scale() * pow(x[i], ra.power());
      }
      return y;
    } else if (layer instanceof Polynomial poly) {
      double[] c = poly.coefficients();
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        double acc = c[c.length - 1];
        for (int k = c.length - 2; k >= 0; k--) {
          acc = acc * x[i] + c[k];
        }
        y[i] = acc;
      }
      return y;
    } else if (layer instanceof Relu) {
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = x[i] > 0 ? x[i] : 0;
      }
      return y;
    } else if (layer instanceof BatchNorm bn) {
      bn.outputShape(in);
      return affinePerChannel(bn.scale(), bn.shift(), in, x);
    } else if (layer instanceof GroupNorm gn) {
      return groupNorm(gn, in, x);
    } else if (layer instanceof Residual r) {
      double[] body = forward(r.body(), in, x);
      double[] sc = r.shortcut().isEmpty() ? x : forward(r.shortcut(), in, x);
      r.outputShape(in);
      double[] y = new double[body.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = body[i] + sc[i];
      }
      return y;
    }
    throw new IllegalStateException("no inference rule for layer " + layer.kind());
  }

  private static double pow(double v, int p) {
    double r = v;
    for (int k = 1; k < p; k++) {
      r *= v;
    }
    return r;
  }

  private static double[] conv(Conv2d c, TensorShape in, double[] x) {
    TensorShape out = c.outputShape(in);
    int k = c.kernel();
    int s = c.stride();
    int pad = c.padding();
    int inC = c.inChannels();
    int inH = in.height();
    int inW = in.width();
    int outH = out.height();
    int outW = out.width();
    double[] w = c.weight();
    double[] y = new double[out.size()];
    for (int o = 0; o < c.outChannels(); o++) {
      int yBase = o * outH * outW;
      java.util.Arrays.fill(y, yBase, yBase + outH * outW, c.bias()[o]);
      for (int i = 0; i < inC; i++) {
        int xBase = i * inH * inW;
        int wBase = (o * inC + i) * k * k;
        for (int ky = 0; ky < k; ky++) {
          for (int kx = 0; kx < k; kx++) {
            double wv = w[wBase + ky * k + kx];
            for (int oy = 0; oy < outH; oy++) {
              int iy = oy * s + ky - pad;
              if (iy < 0 || iy >= inH) {
                continue;
              }
              int row = xBase + iy * inW;
              int yRow = yBase + oy * outW;
              for (int ox = 0; ox < outW; ox++) {
                int ix = ox * s + kx - pad;
                if (ix >= 0 && ix < inW) {
                  y[yRow + ox] += wv * x[row + ix];
                }
              }
            }
          }
        }
      }
    }
    return y;
  }

  private static double[] dense(Dense d, TensorShape in, double[] x) {
    d.outputShape(in);
    int n = d.inFeatures();
    double[] w = d.weight();
    double[] y = new double[d.outFeatures()];
    for (int o = 0; o < y.length; o++) {
      double acc = d.bias()[o];
      int base = o * n;
      for (int i = 0; i < n; i++) {
        acc += w[base + i] * x[i];
      }
      y[o] = acc;
    }
    return y;
  }

  private static double[] avgPool(AvgPool2d p, TensorShape in, double[] x) {
    TensorShape out = p.outputShape(in);
    int k = p.kernel();
    double inv = 1.0 / (k * k);
    double[] y = new double[out.size()];
    for (int c = 0; c < in.channels(); c++) {
      for (int oy = 0; oy < out.height(); oy++) {
        for (int ox = 0; ox < out.width(); ox++) {
          double acc = 0;
          for (int ky = 0; ky < k; ky++) {
            int row = (c * in.height() + oy * p.stride() + ky) * in.width() + ox * p.stride();
            for (int kx = 0; kx < k; kx++) {
              acc += x[row + kx];
            }
          }
          y[(c * out.height() + oy) * out.width() + ox] = acc * inv;
        }
      }
    }
    return y;
  }

  private static double[] affinePerChannel(double[] scale, double[] shift, TensorShape in,
      double[] x) {
    int plane = in.height() * in.width();
    double[] y = new double[x.length];
    for (int c = 0; c < in.channels(); c++) {
      for (int j = c * plane; j < (c + 1) * plane; j++) {
        y[j] = x[j] * scale[c] + shift[c];
      }
    }
    return y;
  }

  private static double[] groupNorm(GroupNorm gn, TensorShape in, double[] x) {
    gn.outputShape(in);
    int plane = in.height() * in.width();
    int perGroup = gn.channels() / gn.groups() * plane;
    double[] gamma = gn.gamma();
    double[] beta = gn.beta();
    double[] y = new double[x.length];
    for (int g = 0; g < gn.groups(); g++) {
      int start = g * perGroup;
      double mean = 0;
      for (int j = start; j < start + perGroup; j++) {
        mean += x[j];
      }
      mean /= perGroup;
      double var = 0;
      for (int j = start; j < start + perGroup; j++) {
        double d = x[j] - mean;
        var += d * d;
      }
      var /= perGroup;
      double inv = 1.0 / Math.sqrt(var + gn.epsilon());
      for (int j = start; j < start + perGroup; j++) {
        int c = j / plane;
        y[j] = (x[j] - mean) * inv * gamma[c] + beta[c];
      }
    }
    return y;
  }

  /** Numerically stable softmax. */
  public static double[] softmax(double[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] p = new double[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(logits[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  public static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
