package org.privmed.encode.train;

import java.util.Objects;
import java.util.Random;
import org.privmed.data.ImageDataset;

/**
 * Augmentation on the data owner's side, before encoding: the hospital holds the pixels, so it can
 * publish {@code m} encodings per training image — the image itself and {@code m − 1} randomly
 * moved copies — each encoded with its key (and, since the copy differs, its own patch order).
 * Augmenting in the encoded space instead is not possible: the encoder is secret and a shifted
 * image does not give a shifted encoding. Test and validation images are published once.
 *
 * <p>Each copy is one affine warp of the image (bilinear sampling, 0 outside, i.e. black): a
 * rotation by up to {@link #MAX_DEGREES} degrees about the centre, a shift by up to {@link
 * #MAX_SHIFT} pixels in each direction and a left–right mirror with probability ½. Small moves
 * only: a 28×28 ultrasound or x-ray keeps its anatomy.
 *
 * <p>Publishing several encodings of one image gives an attacker several looks at it; see
 * docs/privacy.md. The randomness only decides the moves, which are not secret.
 */
public final class OwnerAugmentation {
  static final double MAX_DEGREES = 10;
  static final double MAX_SHIFT = 2;

  private OwnerAugmentation() {}

  /**
   * {@code data} with every image followed by {@code copies − 1} moved copies: row {@code i·copies}
   * is image {@code i} unchanged, rows {@code i·copies + 1 … i·copies + copies − 1} its copies, all
   * with image {@code i}'s label. {@code copies = 1} returns {@code data} itself.
   */
  public static ImageDataset copies(ImageDataset data, int copies, long seed) {
    Objects.requireNonNull(data, "data");
    if (copies < 1) {
      throw new IllegalArgumentException("copies " + copies + " must be at least 1 (1 = no"
          + " augmentation)");
    }
    if (copies == 1) {
      return data;
    }
    Random random = new Random(seed);
    int n = data.size();
    float[][] images = new float[n * copies][];
    int[] labels = new int[n * copies];
    for (int i = 0; i < n; i++) {
      float[] image = data.images()[i];
      for (int j = 0; j < copies; j++) {
        images[i * copies + j] = j == 0 ? image
            : warp(image, data.channels(), data.height(), data.width(), random);
        labels[i * copies + j] = data.labels()[i];
      }
    }
    return new ImageDataset(data.name() + "×" + copies, data.channels(), data.height(),
        data.width(), images, labels, data.classNames());
  }

  /** One random move of a C×H×W image (channel-major); the input is untouched. */
  static float[] warp(float[] image, int channels, int height, int width, Random random) {
    double angle = Math.toRadians((2 * random.nextDouble() - 1) * MAX_DEGREES);
    double dy = (2 * random.nextDouble() - 1) * MAX_SHIFT;
    double dx = (2 * random.nextDouble() - 1) * MAX_SHIFT;
    boolean mirror = random.nextBoolean();
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    double cy = (height - 1) / 2.0;
    double cx = (width - 1) / 2.0;
    float[] out = new float[image.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        // Inverse map: where in the source the output pixel comes from (undo shift, then rotation).
        double oy = y - dy - cy;
        double ox = x - dx - cx;
        double sy = cos * oy + sin * ox + cy;
        double sx = -sin * oy + cos * ox + cx;
        if (mirror) {
          sx = width - 1 - sx;
        }
        for (int c = 0; c < channels; c++) {
          out[c * height * width + y * width + x] =
              bilinear(image, c * height * width, height, width, sy, sx);
        }
      }
    }
    return out;
  }

  private static float bilinear(float[] image, int plane, int height, int width, double y,
      double x) {
    int y0 = (int) Math.floor(y);
    int x0 = (int) Math.floor(x);
    double fy = y - y0;
    double fx = x - x0;
    double v = (1 - fy) * ((1 - fx) * pixel(image, plane, height, width, y0, x0)
        + fx * pixel(image, plane, height, width, y0, x0 + 1))
        + fy * ((1 - fx) * pixel(image, plane, height, width, y0 + 1, x0)
        + fx * pixel(image, plane, height, width, y0 + 1, x0 + 1));
    return (float) v;
  }

  private static float pixel(float[] image, int plane, int height, int width, int y, int x) {
    return y < 0 || y >= height || x < 0 || x >= width ? 0f : image[plane + y * width + x];
  }
}
