package org.privmed.data;

import java.util.Arrays;

/**
 * Per-channel standardisation {@code (x - mean[c]) / std[c]}. Kept apart from {@link ImageDataset}
 * (whose pixels stay in [0, 1]) because the statistics belong to the model that was trained with
 * them: a model file stores its {@code Normalization} and applies it to whatever set it is fed.
 *
 * @param mean one mean per channel
 * @param std one standard deviation per channel, each positive
 */
public record Normalization(double[] mean, double[] std) {

  public Normalization {
    mean = mean.clone();
    std = std.clone();
    if (mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException("normalization needs one mean and one std per channel, got "
          + mean.length + " means and " + std.length + " stds");
    }
    for (int c = 0; c < std.length; c++) {
      if (!(std[c] > 0) || !Double.isFinite(std[c]) || !Double.isFinite(mean[c])) {
        throw new IllegalArgumentException("normalization channel " + c + ": mean " + mean[c]
            + ", std " + std[c] + " (std must be finite and > 0)");
      }
    }
  }

  /** The identity: mean 0, std 1 on each channel. */
  public static Normalization identity(int channels) {
    double[] zero = new double[channels];
    double[] one = new double[channels];
    Arrays.fill(one, 1.0);
    return new Normalization(zero, one);
  }

  /**
   * Mean and (population) standard deviation per channel over every pixel of {@code data}; a
   * channel with zero spread gets std 1 so that applying the result never divides by zero.
   */
  public static Normalization fit(ImageDataset data) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("cannot fit a normalization to empty dataset " + data.name());
    }
    int channels = data.channels();
    int plane = data.height() * data.width();
    double[] sum = new double[channels];
    double[] sumSq = new double[channels];
    for (float[] image : data.images()) {
      for (int c = 0; c < channels; c++) {
        double s = 0;
        double s2 = 0;
        for (int p = c * plane, end = p + plane; p < end; p++) {
          s += image[p];
          s2 += (double) image[p] * image[p];
        }
        sum[c] += s;
        sumSq[c] += s2;
      }
    }
    double count = (double) data.size() * plane;
    double[] mean = new double[channels];
    double[] std = new double[channels];
    for (int c = 0; c < channels; c++) {
      mean[c] = sum[c] / count;
      double variance = Math.max(0, sumSq[c] / count - mean[c] * mean[c]);
      std[c] = variance > 0 ? Math.sqrt(variance) : 1.0;
    }
    return new Normalization(mean, std);
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

  /** A new array holding {@code image} (C×H×W) standardised channel by channel. */
  public float[] apply(float[] image) {
    if (image.length % mean.length != 0) {
      throw new IllegalArgumentException("image of " + image.length
          + " values does not split into " + mean.length + " channels");
    }
    int plane = image.length / mean.length;
    float[] out = new float[image.length];
    for (int c = 0; c < mean.length; c++) {
      double m = mean[c];
      double inv = 1.0 / std[c];
      for (int p = c * plane, end = p + plane; p < end; p++) {
        out[p] = (float) ((image[p] - m) * inv);
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
