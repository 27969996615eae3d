package org.privmed.data.partition;

import java.util.SplittableRandom;

/**
 * Gamma(shape, 1) variates by Marsaglia &amp; Tsang, "A simple method for generating gamma
 * variables", ACM TOMS 26(3):363-372, 2000: for shape a ≥ 1, with d = a − 1/3 and c =
 * 1/√(9d), draw x ~ N(0, 1) and v = (1 + cx)³ until v &gt; 0 and u ~ U(0, 1) passes the squeeze
 * u &lt; 1 − 0.0331x⁴ or the full test ln u &lt; x²/2 + d(1 − v + ln v); return dv. For a &lt; 1
 * the paper's boost is used: Gamma(a) = Gamma(a + 1) · U^(1/a).
 *
 * <p>Results are returned as natural logarithms: with a Dirichlet α of 0.01 the factor U^(1/a)
 * underflows to 0 in double precision, which would leave every proportion zero.
 */
final class GammaSampler {
  private GammaSampler() {}

  /** ln of a Gamma(shape, 1) variate. */
  static double logGamma(double shape, SplittableRandom rng) {
    if (!(shape > 0) || Double.isInfinite(shape)) {
      throw new IllegalArgumentException("gamma shape " + shape + " must be finite and > 0");
    }
    if (shape < 1) {
      double u = uniformOpen(rng);
      return logGammaAtLeastOne(shape + 1, rng) + Math.log(u) / shape;
    }
    return logGammaAtLeastOne(shape, rng);
  }

  private static double logGammaAtLeastOne(double a, SplittableRandom rng) {
    double d = a - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9.0 * d);
    while (true) {
      double x = rng.nextGaussian();
      double t = 1.0 + c * x;
      if (t <= 0) {
        continue;
      }
      double v = t * t * t;
      double u = uniformOpen(rng);
      double x2 = x * x;
      if (u < 1.0 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1.0 - v + Math.log(v))) {
        return Math.log(d) + Math.log(v);
      }
    }
  }

  /**
   * A Dirichlet(α, ..., α) vector of length {@code k}: independent Gamma(α) variates divided by
   * their sum (normalised in log space, subtracting the maximum first).
   */
  static double[] symmetricDirichlet(double alpha, int k, SplittableRandom rng) {
    double[] logs = new double[k];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < k; i++) {
      logs[i] = logGamma(alpha, rng);
      max = Math.max(max, logs[i]);
    }
    double sum = 0;
    double[] p = new double[k];
    for (int i = 0; i < k; i++) {
      p[i] = Math.exp(logs[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < k; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** Uniform on (0, 1): never 0, so its logarithm is finite. */
  private static double uniformOpen(SplittableRandom rng) {
    double u;
    do {
      u = rng.nextDouble();
    } while (u == 0.0);
    return u;
  }
}
