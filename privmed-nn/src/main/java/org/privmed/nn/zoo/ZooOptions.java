package org.privmed.nn.zoo;

/**
 * Knobs shared by the zoo builders.
 *
 * @param width base channel count; 0 means the model's own default (64 for dpresnet, 16 for
 *     polycnn and reacthe-*, 5 for cryptonets-all; ignored by the fixed MNIST networks)
 * @param seed seed of the weight initialiser
 */
public record ZooOptions(int width, long seed) {
  public ZooOptions {
    if (width < 0) {
      throw new IllegalArgumentException("zoo: width must be >= 0, got " + width);
    }
  }

  public static ZooOptions defaults() {
    return new ZooOptions(0, 42);
  }

  int widthOr(int fallback) {
    return width == 0 ? fallback : width;
  }
}
