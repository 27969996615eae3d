package org.privmed.nn.model;

/**
 * Mean pooling over {@code kernel×kernel} windows moved by {@code stride}, no padding (the
 * "scaled mean pool" of CryptoNets: a linear map, hence HE-friendly). A global average pool is
 * {@code kernel = stride = H = W}.
 */
public record AvgPool2d(int kernel, int stride) implements Layer {

  public AvgPool2d {
    Checks.positive("avgpool2d", "kernel", kernel);
    Checks.positive("avgpool2d", "stride", stride);
  }

  @Override
  public TensorShape outputShape(TensorShape input) {
    if (input.height() < kernel || input.width() < kernel) {
      throw new IllegalArgumentException(
          "avgpool2d: kernel " + kernel + " is larger than the input " + input);
    }
    return new TensorShape(input.channels(), (input.height() - kernel) / stride + 1,
        (input.width() - kernel) / stride + 1);
  }

  @Override
  public String kind() {
    return "avgpool2d";
  }
}
