package org.privmed.encode.audit;

/**
 * Undoes NeuraCrypt's per-image patch shuffle without the key (Carlini et al. 2021, the
 * observation that the shared positional embedding makes encoded patches from one position
 * recognisable): a k-means over all images' encoded patches with exactly one patch of each image per
 * cluster, the assignment solved per image by {@link Hungarian}. The cluster labels are a consistent
 * patch order for every image — the true grid order up to one unknown relabelling.
 */
final class PositionAlignment {
  private static final int MAX_ITERATIONS = 20;

  private PositionAlignment() {}

  /**
   * @param aligned each encoding re-ordered so that slot {@code c} holds its patch of cluster c
   * @param clusterOfSlot per image, the cluster each original (shuffled) slot went to
   * @param centroids the mean patch vector of each cluster ({@code patches × width})
   */
  record Alignment(float[][] aligned, int[][] clusterOfSlot, double[][] centroids) {}

  /** Each encoding re-ordered so that slot {@code c} holds its patch assigned to cluster c. */
  static float[][] align(float[][] encodings, int patches, int width) {
    return cluster(encodings, patches, width).aligned();
  }

  /** The clustering with its per-image assignments (the audit scores them against the truth). */
  static Alignment cluster(float[][] encodings, int patches, int width) {
    return cluster(encodings, patches, width, MAX_ITERATIONS);
  }

  /** As {@link #cluster(float[][], int, int)}, with at most {@code maxIterations} rounds. */
  static Alignment cluster(float[][] encodings, int patches, int width, int maxIterations) {
    int n = encodings.length;
    double[][] centroids = new double[patches][width];
    // Seed the centroids with the first image's patches: any image will do, since every image
    // has exactly one patch per position and the iterations pull the centroids to the clusters.
    for (int q = 0; q < patches; q++) {
      for (int c = 0; c < width; c++) {
        centroids[q][c] = encodings[0][q * width + c];
      }
    }
    int[][] assign = new int[n][];
    for (int it = 0; it < maxIterations; it++) {
      boolean changed = false;
      double[][] sums = new double[patches][width];
      for (int i = 0; i < n; i++) {
        float[] e = encodings[i];
        int[] a = assignSlots(e, centroids, width);
        if (assign[i] == null || !java.util.Arrays.equals(assign[i], a)) {
          changed = true;
        }
        assign[i] = a;
        for (int slot = 0; slot < patches; slot++) {
          for (int c = 0; c < width; c++) {
            sums[a[slot]][c] += e[slot * width + c];
          }
        }
      }
      for (int q = 0; q < patches; q++) {
        for (int c = 0; c < width; c++) {
          centroids[q][c] = sums[q][c] / n;
        }
      }
      if (!changed) {
        break;
      }
    }
    float[][] out = new float[n][patches * width];
    for (int i = 0; i < n; i++) {
      for (int slot = 0; slot < patches; slot++) {
        System.arraycopy(encodings[i], slot * width, out[i], assign[i][slot] * width, width);
      }
    }
    return new Alignment(out, assign, centroids);
  }

  /**
   * The cluster of each slot of one encoding: the one-patch-per-cluster assignment of least summed
   * squared distance to {@code centroids}.
   */
  static int[] assignSlots(float[] encoding, double[][] centroids, int width) {
    int patches = centroids.length;
    double[][] cost = new double[patches][patches];
    for (int slot = 0; slot < patches; slot++) {
      for (int q = 0; q < patches; q++) {
        double s = 0;
        for (int c = 0; c < width; c++) {
          double t = encoding[slot * width + c] - centroids[q][c];
          s += t * t;
        }
        cost[slot][q] = s;
      }
    }
    return Hungarian.solve(cost);
  }
}
