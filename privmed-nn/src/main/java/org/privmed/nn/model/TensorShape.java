package org.privmed.nn.model;

/**
 * The shape of one example's activation, channel-major: C×H×W. A flat vector of n features is
 * {@code (n, 1, 1)} so that every layer sees the same three-axis shape.
 */
public record TensorShape(int channels, int height, int width) {

  public TensorShape {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "tensor shape must be positive, got " + channels + "x" + height + "x" + width);
    }
  }

  /** A flat feature vector of {@code n} values. */
  public static TensorShape vector(int n) {
    return new TensorShape(n, 1, 1);
  }

  /** C·H·W. */
  public int size() {
    return Math.multiplyExact(Math.multiplyExact(channels, height), width);
  }

  public boolean isVector() {
    return height == 1 && width == 1;
  }

  @Override
  public String toString() {
    return channels + "x" + height + "x" + width;
  }
}
