package org.privmed.nn.model;

/**
 * 2-D cross-correlation with square kernels, zero padding on all sides and equal strides.
 *
 * <p>Layout: {@code weight[((o·in + i)·k + y)·k + x]} (PyTorch's OIHW), {@code bias[o]}.
 * Output size per axis is {@code floor((n + 2·padding − kernel) / stride) + 1}.
 */
public record Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding,
    double[] weight, double[] bias) implements Layer {

  public Conv2d {
    Checks.positive("conv2d", "inChannels", inChannels);
    Checks.positive("conv2d", "outChannels", outChannels);
    Checks.positive("conv2d", "kernel", kernel);
    Checks.positive("conv2d", "stride", stride);
    if (padding < 0) {
      throw new IllegalArgumentException("conv2d: padding must be >= 0, got " + padding);
    }
    Checks.length("conv2d", "weight", weight, (long) outChannels * inChannels * kernel * kernel);
    Checks.length("conv2d", "bias", bias, outChannels);
  }

  /** A convolution with all-zero weights, to be filled by an initialiser or training. */
  public static Conv2d zeros(int in, int out, int kernel, int stride, int padding) {
    return new Conv2d(in, out, kernel, stride, padding, new double[out * in * kernel * kernel],
        new double[out]);
  }

  @Override
  public TensorShape outputShape(TensorShape input) {
    if (input.channels() != inChannels) {
      throw new IllegalArgumentException("conv2d " + inChannels + "->" + outChannels
          + ": input has " + input.channels() + " channels (shape " + input + ")");
    }
    int h = input.height() + 2 * padding - kernel;
    int w = input.width() + 2 * padding - kernel;
    if (h < 0 || w < 0) {
      throw new IllegalArgumentException("conv2d: kernel " + kernel + " with padding " + padding
          + " is larger than the input " + input);
    }
    return new TensorShape(outChannels, h / stride + 1, w / stride + 1);
  }

  @Override
  public String kind() {
    return "conv2d";
  }

  @Override
  public long parameterCount() {
    return (long) weight.length + bias.length;
  }
}
