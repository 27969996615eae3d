package org.privmed.nn.train;

import java.util.Random;

/**
 * Random changes to a training image, applied afresh each time it is drawn (never to validation
 * data). Shifts move the (normalised) image by up to {@link #MAX_SHIFT} pixels in each direction,
 * filling with 0, which after normalisation is the channel mean; flips mirror left and right.
 * Why these only: they keep the 28×28 anatomy intact and cost a copy per image.
 */
public enum Augmentation {
  NONE,
  SHIFT,
  SHIFT_FLIP;

  static final int MAX_SHIFT = 2;

  /** A new, augmented copy of a C×H×W image in channel-major order; the input is untouched. */
  public float[] apply(float[] image, int channels, int height, int width, Random random) {
    if (this == NONE) {
      return image;
    }
    int dy = random.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
    int dx = random.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
    boolean flip = this == SHIFT_FLIP && random.nextBoolean();
    float[] out = new float[image.length];
    for (int c = 0; c < channels; c++) {
      int plane = c * height * width;
      for (int y = 0; y < height; y++) {
        int sy = y - dy;
        if (sy < 0 || sy >= height) {
          continue;
        }
        for (int x = 0; x < width; x++) {
          int sx = (flip ? width - 1 - x : x) - dx;
          if (sx >= 0 && sx < width) {
            out[plane + y * width + x] = image[plane + sy * width + sx];
          }
        }
      }
    }
    return out;
  }
}
