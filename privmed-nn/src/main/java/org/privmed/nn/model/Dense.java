package org.privmed.nn.model;

/**
 * Fully connected layer {@code y = W·x + b} on a flat input. Layout: {@code weight[o·in + i]}
 * (row-major out×in, as PyTorch's Linear), {@code bias[o]}.
 */
public record Dense(int inFeatures, int outFeatures, double[] weight, double[] bias)
    implements Layer {

  public Dense {
    Checks.positive("dense", "inFeatures", inFeatures);
    Checks.positive("dense", "outFeatures", outFeatures);
    Checks.length("dense", "weight", weight, (long) inFeatures * outFeatures);
    Checks.length("dense", "bias", bias, outFeatures);
  }

  public static Dense zeros(int in, int out) {
    return new Dense(in, out, new double[in * out], new double[out]);
  }

  @Override
  public TensorShape outputShape(TensorShape input) {
    if (!input.isVector() || input.channels() != inFeatures) {
      throw new IllegalArgumentException("dense " + inFeatures + "->" + outFeatures
          + ": input shape " + input + " is not a vector of " + inFeatures
          + " (add a flatten layer, or fix the feature count)");
    }
    return TensorShape.vector(outFeatures);
  }

  @Override
  public String kind() {
    return "dense";
  }

  @Override
  public long parameterCount() {
    return (long) weight.length + bias.length;
  }
}
