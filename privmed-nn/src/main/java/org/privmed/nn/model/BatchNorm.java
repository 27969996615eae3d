package org.privmed.nn.model;

/**
 * Batch normalisation in its inference form (Ioffe and Szegedy, ICML 2015, Alg. 2):
 * {@code y_c = γ_c (x_c − μ_c) / sqrt(σ²_c + ε) + β_c} with the running statistics. At inference
 * it is a per-channel affine map, so {@link #fold} merges it into the preceding convolution or
 * dense layer and the HE program pays nothing for it.
 */
public record BatchNorm(int channels, double[] gamma, double[] beta, double[] runningMean,
    double[] runningVar, double epsilon) implements Layer {

  public BatchNorm {
    Checks.positive("batchnorm", "channels", channels);
    Checks.length("batchnorm", "gamma", gamma, channels);
    Checks.length("batchnorm", "beta", beta, channels);
    Checks.length("batchnorm", "runningMean", runningMean, channels);
    Checks.length("batchnorm", "runningVar", runningVar, channels);
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("batchnorm: epsilon must be positive, got " + epsilon);
    }
    for (int c = 0; c < channels; c++) {
      if (runningVar[c] < 0) {
        throw new IllegalArgumentException(
            "batchnorm: runningVar[" + c + "] is negative (" + runningVar[c] + ")");
      }
    }
  }

  /** The identity start: γ = 1, β = 0, μ = 0, σ² = 1, ε = 1e-5 (DJL's and PyTorch's default). */
  public static BatchNorm identity(int channels) {
    double[] ones = new double[channels];
    double[] ones2 = new double[channels];
    java.util.Arrays.fill(ones, 1);
    java.util.Arrays.fill(ones2, 1);
    return new BatchNorm(channels, ones, new double[channels], new double[channels], ones2, 1e-5);
  }

  /** Per-channel multiplier γ / sqrt(σ² + ε). */
  public double[] scale() {
    double[] s = new double[channels];
    for (int c = 0; c < channels; c++) {
      s[c] = gamma[c] / Math.sqrt(runningVar[c] + epsilon);
    }
    return s;
  }

  /** Per-channel offset β − μ·scale. */
  public double[] shift() {
    double[] s = scale();
    double[] t = new double[channels];
    for (int c = 0; c < channels; c++) {
      t[c] = beta[c] - runningMean[c] * s[c];
    }
    return t;
  }

  /**
   * The convolution or dense layer {@code preceding} followed by this normalisation, as one layer
   * of the same type: {@code W'_o = s_o·W_o}, {@code b'_o = s_o·(b_o − μ_o) + β_o}.
   *
   * @throws IllegalArgumentException if {@code preceding} is not Conv2d/Dense or its output
   *     channel count differs
   */
  public Layer fold(Layer preceding) {
    double[] s = scale();
    if (preceding instanceof Conv2d conv) {
      requireChannels(conv.outChannels(), "conv2d");
      int per = conv.inChannels() * conv.kernel() * conv.kernel();
      double[] w = conv.weight().clone();
      double[] b = new double[channels];
      for (int o = 0; o < channels; o++) {
        for (int j = 0; j < per; j++) {
          w[o * per + j] *= s[o];
        }
        b[o] = s[o] * (conv.bias()[o] - runningMean[o]) + beta[o];
      }
      return new Conv2d(conv.inChannels(), conv.outChannels(), conv.kernel(), conv.stride(),
          conv.padding(), w, b);
    }
    if (preceding instanceof Dense dense) {
      requireChannels(dense.outFeatures(), "dense");
      int per = dense.inFeatures();
      double[] w = dense.weight().clone();
      double[] b = new double[channels];
      for (int o = 0; o < channels; o++) {
        for (int j = 0; j < per; j++) {
          w[o * per + j] *= s[o];
        }
        b[o] = s[o] * (dense.bias()[o] - runningMean[o]) + beta[o];
      }
      return new Dense(dense.inFeatures(), dense.outFeatures(), w, b);
    }
    throw new IllegalArgumentException("batchnorm: can only fold into conv2d or dense, not "
        + (preceding == null ? "nothing" : preceding.kind()));
  }

  private void requireChannels(int produced, String what) {
    if (produced != channels) {
      throw new IllegalArgumentException("batchnorm over " + channels + " channels cannot fold into "
          + what + " with " + produced + " outputs");
    }
  }

  @Override
  public TensorShape outputShape(TensorShape input) {
    if (input.channels() != channels) {
      throw new IllegalArgumentException(
          "batchnorm over " + channels + " channels: input shape " + input);
    }
    return input;
  }

  @Override
  public String kind() {
    return "batchnorm";
  }

  @Override
  public long parameterCount() {
    return 4L * channels;
  }
}
