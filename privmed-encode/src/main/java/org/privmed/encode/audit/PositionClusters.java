package org.privmed.encode.audit;

import java.util.List;

/**
 * The position groups of one key's published encodings, found without the key: the attack's
 * constrained k-means ({@link PositionAlignment}, after the observation of Carlini et al.,
 * "NeuraCrypt is not private", arXiv 2108.07256, 2021, that the shared positional embedding makes
 * the patches of one grid position recognisable). The trainer uses it to subtract each patch's
 * positional component; that a model can do this from the published files alone is itself a
 * measure of how little the encoding hides.
 */
public final class PositionClusters {
  /** More rounds than the audit allows, so that the centroids are the means of a stable grouping. */
  private static final int MAX_ITERATIONS = 100;

  /**
   * Floor on a group channel's variance, as a fraction of the key's average one: a channel that a
   * ReLU leaves (nearly) constant at some position would otherwise be blown up by its tiny spread.
   */
  private static final double VARIANCE_FLOOR = 0.01;

  private final double[][] centroids;
  private final double[][] inverseSd; // [group][channel]
  private final int width;

  private PositionClusters(double[][] centroids, double[][] inverseSd, int width) {
    this.centroids = centroids;
    this.inverseSd = inverseSd;
    this.width = width;
  }

  /**
   * Clusters the patches of {@code encodings} (each {@code patches × width}, one key's rows) into
   * {@code patches} groups with exactly one patch of each row per group.
   */
  public static PositionClusters fit(List<float[]> encodings, int patches, int width) {
    if (encodings.isEmpty()) {
      throw new IllegalArgumentException("no encodings to cluster");
    }
    if (patches <= 0 || width <= 0) {
      throw new IllegalArgumentException("patches " + patches + " and width " + width
          + " must be positive");
    }
    for (float[] e : encodings) {
      if (e.length != patches * width) {
        throw new IllegalArgumentException("an encoding has " + e.length + " values, expected "
            + patches + " patches × " + width);
      }
    }
    float[][] rows = encodings.toArray(new float[0][]);
    double[][] centroids = PositionAlignment.cluster(rows, patches, width, MAX_ITERATIONS)
        .centroids();
    double[][] var = new double[patches][width];
    double total = 0;
    for (float[] e : rows) {
      int[] group = PositionAlignment.assignSlots(e, centroids, width);
      for (int slot = 0; slot < patches; slot++) {
        for (int c = 0; c < width; c++) {
          double d = e[slot * width + c] - centroids[group[slot]][c];
          var[group[slot]][c] += d * d;
          total += d * d;
        }
      }
    }
    double floor = VARIANCE_FLOOR * total / ((double) rows.length * patches * width) + 1e-12;
    double[][] inverseSd = new double[patches][width];
    for (int q = 0; q < patches; q++) {
      for (int c = 0; c < width; c++) {
        inverseSd[q][c] = 1 / Math.sqrt(var[q][c] / rows.length + floor);
      }
    }
    return new PositionClusters(centroids, inverseSd, width);
  }

  /** The group of each slot of {@code encoding}, one slot per group. */
  public int[] assign(float[] encoding) {
    if (encoding.length != centroids.length * width) {
      throw new IllegalArgumentException("an encoding has " + encoding.length + " values, expected "
          + centroids.length + " patches × " + width);
    }
    return PositionAlignment.assignSlots(encoding, centroids, width);
  }

  /** {@code encoding} with each patch's group mean subtracted. */
  public float[] centre(float[] encoding) {
    return transform(encoding, false);
  }

  /**
   * {@code encoding} with each patch standardised per channel by its group's mean and standard
   * deviation (the fitted rows' spread about their centroid, floored).
   */
  public float[] standardise(float[] encoding) {
    return transform(encoding, true);
  }

  private float[] transform(float[] encoding, boolean scale) {
    int[] group = assign(encoding);
    float[] out = new float[encoding.length];
    for (int slot = 0; slot < group.length; slot++) {
      double[] mu = centroids[group[slot]];
      double[] inv = inverseSd[group[slot]];
      for (int c = 0; c < width; c++) {
        double d = encoding[slot * width + c] - mu[c];
        out[slot * width + c] = (float) (scale ? d * inv[c] : d);
      }
    }
    return out;
  }
}
