package org.privmed.nn.model;

import java.util.Arrays;

/**
 * Per-channel input normalisation {@code x' = (x − mean_c) / std_c}, applied to pixels in [0, 1]
 * before the first layer. It belongs to the model (not the dataset) because the model's weights
 * were trained against these statistics; an HE client applies it before encrypting.
 */
public record Normalization(double[] mean, double[] std) {

  public Normalization {
    if (mean == null || std == null || mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException("normalization: mean and std must be non-empty and of equal"
          + " length, got " + (mean == null ? "null" : mean.length) + " and "
          + (std == null ? "null" : std.length));
    }
    for (int c = 0; c < std.length; c++) {
      if (!(std[c] > 0) || !Double.isFinite(std[c]) || !Double.isFinite(mean[c])) {
        throw new IllegalArgumentException("normalization: channel " + c + " has mean " + mean[c]
            + " and std " + std[c] + " (std must be positive and finite)");
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** mean 0, std 1: the pixels go in unchanged. */
  public static Normalization none(int channels) {
    double[] s = new double[channels];
    Arrays.fill(s, 1);
    return new Normalization(new double[channels], s);
  }

  public int channels() {
    return mean.length;
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] std() {
    return std.clone();
  }

  /** Normalises one channel-major image of {@code channels()·pixelsPerChannel} values. */
  public double[] apply(float[] pixels, int pixelsPerChannel) {
    if (pixels.length != channels() * pixelsPerChannel) {
      throw new IllegalArgumentException("normalization: image has " + pixels.length
          + " values, expected " + channels() + "x" + pixelsPerChannel);
    }
    double[] out = new double[pixels.length];
    for (int c = 0, i = 0; c < channels(); c++) {
      double m = mean[c];
      double inv = 1.0 / std[c];
      for (int p = 0; p < pixelsPerChannel; p++, i++) {
        out[i] = (pixels[i] - m) * inv;
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
  }
}
