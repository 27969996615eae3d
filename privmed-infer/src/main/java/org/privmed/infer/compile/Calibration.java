package org.privmed.infer.compile;

import java.util.List;
import java.util.SplittableRandom;
import org.privmed.data.ImageDataset;
import org.privmed.infer.plan.InputLayout;
import org.privmed.infer.plan.LinearStage;
import org.privmed.infer.plan.PolynomialStage;
import org.privmed.infer.plan.Stage;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.Model;

/**
 * Value ranges measured on calibration images, as CryptoNets sizes its plaintext modulus from the
 * largest intermediate value it observes (Gilad-Bachrach et al., ICML 2016, Sec. 4.2 "Precision").
 * Element 0 is max |input|, element i+1 the max |output| of stage i.
 */
final class Calibration {
  private Calibration() {}

  /** Runs the lowered stages in double precision on one arranged input. */
  static double[][] trace(List<Stage> stages, double[] arranged) {
    double[][] out = new double[stages.size() + 1][];
    out[0] = arranged;
    double[] x = arranged;
    for (int s = 0; s < stages.size(); s++) {
      x = apply(stages.get(s), x);
      out[s + 1] = x;
    }
    return out;
  }

  static double[] apply(Stage stage, double[] x) {
    if (stage instanceof LinearStage l) {
      double[] y = new double[l.rows()];
      for (int r = 0; r < l.rows(); r++) {
        double acc = l.bias()[r];
        int base = r * l.cols();
        for (int c = 0; c < l.cols(); c++) {
          acc += l.matrix()[base + c] * x[c];
        }
        y[r] = acc;
      }
      return y;
    }
    PolynomialStage p = (PolynomialStage) stage;
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = p.apply(x[i]);
    }
    return y;
  }

  /** @return ranges and a one-line description of where they came from */
  static Result ranges(Model model, InputLayout layout, List<Stage> stages, ImageDataset data,
      int maxImages) {
    double[] max = new double[stages.size() + 1];
    int n;
    String source;
    if (data != null && data.size() > 0) {
      PlainInference.requireCompatible(model, data);
      n = Math.min(maxImages, data.size());
      source = n + " images of " + data.name();
      for (int i = 0; i < n; i++) {
        accumulate(max, trace(stages, layout.arrange(PlainInference.normalize(model, data.images()[i]))));
      }
    } else {
      // without data, uniform random pixels stand in: cruder, so the margin below matters more
      n = maxImages;
      source = n + " uniform random images (no calibration data given)";
      SplittableRandom rnd = new SplittableRandom(20161);
      float[] img = new float[model.inputShape().size()];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < img.length; j++) {
          img[j] = (float) rnd.nextDouble();
        }
        accumulate(max, trace(stages, layout.arrange(PlainInference.normalize(model, img))));
      }
    }
    for (int i = 0; i < max.length; i++) {
      if (!Double.isFinite(max[i])) {
        throw new IllegalArgumentException("calibration: stage " + (i - 1)
            + " produced a non-finite value; the model's weights blow up");
      }
      max[i] = Math.max(max[i], 1e-6);
    }
    return new Result(max, source);
  }

  record Result(double[] maxAbs, String source) {}

  private static void accumulate(double[] max, double[][] t) {
    for (int s = 0; s < t.length; s++) {
      for (double v : t[s]) {
        max[s] = Math.max(max[s], Math.abs(v));
      }
    }
  }
}
