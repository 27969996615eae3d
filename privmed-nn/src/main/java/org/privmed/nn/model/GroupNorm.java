package org.privmed.nn.model;

/**
 * Group normalisation (Wu and He, ECCV 2018, eq. 1–3): the C channels are split into
 * {@code groups} contiguous groups; each group of one example is normalised by its own mean and
 * (biased) variance over its channels and pixels, then a per-channel affine {@code γ_c, β_c} is
 * applied. It needs a division by a data-dependent standard deviation, so it is not a polynomial
 * and an HE compiler must refuse it; it is here for the DP/federated ResNet-9, where batch
 * statistics would leak across examples.
 */
public record GroupNorm(int groups, int channels, double[] gamma, double[] beta, double epsilon)
    implements Layer {

  public GroupNorm {
    Checks.positive("groupnorm", "groups", groups);
    Checks.positive("groupnorm", "channels", channels);
    if (channels % groups != 0) {
      throw new IllegalArgumentException(
          "groupnorm: " + channels + " channels do not split into " + groups + " groups");
    }
    Checks.length("groupnorm", "gamma", gamma, channels);
    Checks.length("groupnorm", "beta", beta, channels);
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("groupnorm: epsilon must be positive, got " + epsilon);
    }
  }

  /** γ = 1, β = 0, ε = 1e-5. */
  public static GroupNorm identity(int groups, int channels) {
    double[] ones = new double[channels];
    java.util.Arrays.fill(ones, 1);
    return new GroupNorm(groups, channels, ones, new double[channels], 1e-5);
  }

  @Override
  public TensorShape outputShape(TensorShape input) {
    if (input.channels() != channels) {
      throw new IllegalArgumentException(
          "groupnorm over " + channels + " channels: input shape " + input);
    }
    return input;
  }

  @Override
  public String kind() {
    return "groupnorm";
  }

  @Override
  public long parameterCount() {
    return 2L * channels;
  }

  @Override
  public boolean isPolynomial() {
    return false;
  }
}
