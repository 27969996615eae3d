package org.privmed.encode.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.privmed.encode.audit.PositionClusters;

/**
 * How rows become model input. Every transform is fitted to the <em>training</em> rows only and
 * applied unchanged to validation and test rows of the same key:
 *
 * <ul>
 *   <li>{@link PatchSetConfig.Input#SHARED}: standardised per channel with the statistics of all
 *       training rows;
 *   <li>{@link PatchSetConfig.Input#PER_KEY_NORM}: standardised per channel with each key's own
 *       statistics;
 *   <li>{@link PatchSetConfig.Input#PER_KEY_ADAPTER}: as per-key-norm, and written into the key's
 *       slice of a {@code keys × width} input, zeros elsewhere, so that the first linear layer is in
 *       effect one projection per key;
 *   <li>{@link PatchSetConfig.Input#PER_KEY_WHITEN}: each key's patch vectors ZCA-whitened with that
 *       key's own mean and shrunk covariance;
 *   <li>{@link PatchSetConfig.Input#PER_KEY_CENTER}: each key's patches grouped by position with
 *       the audit's clustering ({@link PositionClusters}, fitted to that key's training rows), each
 *       patch minus its group's training mean, then per-key-norm. Rows of the plaintext control
 *       have no positional component to remove and are only standardised;
 *   <li>{@link PatchSetConfig.Input#PER_KEY_GROUP_NORM}: as per-key-center, but each patch is
 *       also divided per channel by its group's training standard deviation.
 * </ul>
 *
 * <p>All of these read only published encodings and their key fingerprints; none needs a secret.
 */
final class InputLayout {
  private final int width;
  private final boolean perKey;
  private final boolean slotted;
  private final Map<String, Integer> keyIndex;
  private final double[][][] stats; // [key or 0][mean, 1/std][channel]; null when whitening
  private final double[][] means; // [key][channel]; whitening only
  private final double[][][] whiten; // [key][out][in]; whitening only
  private final PositionClusters[] centres; // [key]; centring only, null for the plaintext key
  private final boolean groupScale;

  private InputLayout(int width, boolean perKey, boolean slotted, Map<String, Integer> keyIndex,
      double[][][] stats, double[][] means, double[][][] whiten, PositionClusters[] centres,
      boolean groupScale) {
    this.width = width;
    this.perKey = perKey;
    this.slotted = slotted;
    this.keyIndex = keyIndex;
    this.stats = stats;
    this.means = means;
    this.whiten = whiten;
    this.centres = centres;
    this.groupScale = groupScale;
  }

  /**
   * Fits the layout to the training rows {@code xs} (each {@code patches × width}) whose keys are
   * {@code sources}.
   *
   * @param shrinkage ε of {@link PatchSetConfig#whitenShrinkage()}; used by whitening only
   */
  static InputLayout fit(List<float[]> xs, List<String> sources, int width,
      PatchSetConfig.Input input, double shrinkage) {
    Map<String, Integer> index = new LinkedHashMap<>();
    for (String s : sources) {
      index.putIfAbsent(s, index.size());
    }
    boolean perKey = input != PatchSetConfig.Input.SHARED;
    List<List<float[]>> byKey = new ArrayList<>();
    if (perKey) {
      for (int k = 0; k < index.size(); k++) {
        byKey.add(new ArrayList<>());
      }
      for (int i = 0; i < xs.size(); i++) {
        byKey.get(index.get(sources.get(i))).add(xs.get(i));
      }
    } else {
      byKey.add(xs);
    }
    if (input == PatchSetConfig.Input.PER_KEY_WHITEN) {
      double[][] means = new double[byKey.size()][];
      double[][][] whiten = new double[byKey.size()][][];
      for (int k = 0; k < byKey.size(); k++) {
        means[k] = mean(byKey.get(k), width);
        whiten[k] = zca(covariance(byKey.get(k), width, means[k]), shrinkage);
      }
      return new InputLayout(width, true, false, index, null, means, whiten, null, false);
    }
    PositionClusters[] centres = null;
    boolean groupScale = input == PatchSetConfig.Input.PER_KEY_GROUP_NORM;
    if (input == PatchSetConfig.Input.PER_KEY_CENTER || groupScale) {
      centres = new PositionClusters[byKey.size()];
      for (Map.Entry<String, Integer> e : index.entrySet()) {
        if (e.getKey().equals(PatchSet.PLAINTEXT)) {
          continue;
        }
        int k = e.getValue();
        List<float[]> rows = byKey.get(k);
        PositionClusters pc = PositionClusters.fit(rows, rows.get(0).length / width, width);
        centres[k] = pc;
        byKey.set(k, rows.stream().map(x -> groupScale ? pc.standardise(x) : pc.centre(x))
            .toList());
      }
    }
    double[][][] stats = new double[byKey.size()][][];
    for (int k = 0; k < byKey.size(); k++) {
      stats[k] = channelStats(byKey.get(k), width);
    }
    return new InputLayout(width, perKey, input == PatchSetConfig.Input.PER_KEY_ADAPTER, index,
        stats, null, null, centres, groupScale);
  }

  int inputWidth() {
    return slotted ? width * keyIndex.size() : width;
  }

  void requireKnown(String source, String set) {
    if (perKey && !keyIndex.containsKey(source)) {
      throw new IllegalArgumentException(set + " holds rows from " + source + ", which no"
          + " training file comes from; per-key input needs training data from every key");
    }
  }

  /** Writes one row ({@code patches × width}) as {@code patches × inputWidth()} at offset. */
  void write(float[] x, String source, float[] out, int offset) {
    int k = perKey ? keyIndex.get(source) : 0;
    int in = inputWidth();
    if (whiten != null) {
      double[] mu = means[k];
      double[][] w = whiten[k];
      double[] centred = new double[width];
      for (int q = 0; q < x.length / width; q++) {
        for (int c = 0; c < width; c++) {
          centred[c] = x[q * width + c] - mu[c];
        }
        for (int r = 0; r < width; r++) {
          double s = 0;
          for (int c = 0; c < width; c++) {
            s += w[r][c] * centred[c];
          }
          out[offset + q * in + r] = (float) s;
        }
      }
      return;
    }
    if (centres != null && centres[k] != null) {
      x = groupScale ? centres[k].standardise(x) : centres[k].centre(x);
    }
    double[][] st = stats[k];
    int slot = slotted ? k * width : 0;
    for (int i = 0; i < x.length; i++) {
      int q = i / width;
      int c = i % width;
      out[offset + q * in + slot + c] = (float) ((x[i] - st[0][c]) * st[1][c]);
    }
  }

  /** Per channel {mean, 1/std} over all patches of {@code xs}. */
  private static double[][] channelStats(List<float[]> xs, int width) {
    double[] sum = new double[width];
    double[] sq = new double[width];
    long count = 0;
    for (float[] x : xs) {
      for (int q = 0; q < x.length / width; q++) {
        for (int c = 0; c < width; c++) {
          double v = x[q * width + c];
          sum[c] += v;
          sq[c] += v * v;
        }
        count++;
      }
    }
    double[][] s = new double[2][width];
    for (int c = 0; c < width; c++) {
      double mean = sum[c] / Math.max(count, 1);
      double var = Math.max(sq[c] / Math.max(count, 1) - mean * mean, 0);
      s[0][c] = mean;
      s[1][c] = 1.0 / Math.sqrt(var + 1e-6);
    }
    return s;
  }

  /** Mean patch vector over all patches of {@code xs}. */
  private static double[] mean(List<float[]> xs, int width) {
    double[] sum = new double[width];
    long count = 0;
    for (float[] x : xs) {
      for (int i = 0; i < x.length; i++) {
        sum[i % width] += x[i];
      }
      count += x.length / width;
    }
    for (int c = 0; c < width; c++) {
      sum[c] /= Math.max(count, 1);
    }
    return sum;
  }

  /** Covariance (divisor n) of the patch vectors of {@code xs} about {@code mean}. */
  private static double[][] covariance(List<float[]> xs, int width, double[] mean) {
    double[][] cov = new double[width][width];
    double[] d = new double[width];
    long count = 0;
    for (float[] x : xs) {
      for (int q = 0; q < x.length / width; q++) {
        for (int c = 0; c < width; c++) {
          d[c] = x[q * width + c] - mean[c];
        }
        for (int a = 0; a < width; a++) {
          for (int b = a; b < width; b++) {
            cov[a][b] += d[a] * d[b];
          }
        }
        count++;
      }
    }
    for (int a = 0; a < width; a++) {
      for (int b = a; b < width; b++) {
        cov[a][b] /= Math.max(count, 1);
        cov[b][a] = cov[a][b];
      }
    }
    return cov;
  }

  /**
   * ZCA (Mahalanobis) whitening matrix, one of the natural whitening procedures of Kessy, Lewin and
   * Strimmer, "Optimal whitening and decorrelation", The American Statistician 72(4), 2018, and the
   * one their cross-covariance criterion singles out: W = U (Λ + ε·λ̄·I)^(−1/2) Uᵀ for
   * Σ = U Λ Uᵀ, λ̄ = tr Σ / d. Of all whitening matrices ZCA is the one closest to the identity,
   * so it keeps each channel where it was; PCA whitening would rotate by eigenvectors whose signs
   * and order are arbitrary per key. The ridge ε·λ̄ (relative to the average variance, so ε has
   * no unit) keeps directions of tiny variance, where the estimate is mostly noise, from being
   * blown up.
   */
  static double[][] zca(double[][] cov, double shrinkage) {
    int d = cov.length;
    SymmetricEigen eig = SymmetricEigen.of(cov);
    double trace = 0;
    for (int i = 0; i < d; i++) {
      trace += cov[i][i];
    }
    double ridge = shrinkage * trace / d;
    double[] scale = new double[d];
    for (int j = 0; j < d; j++) {
      double lambda = Math.max(eig.values()[j], 0) + ridge;
      if (!(lambda > 0)) {
        throw new IllegalArgumentException("patch covariance has a zero eigenvalue (a constant"
            + " channel?) and whitening shrinkage " + shrinkage + " adds nothing; use a shrinkage"
            + " > 0 on data with some variance");
      }
      scale[j] = 1 / Math.sqrt(lambda);
    }
    double[][] u = eig.vectors();
    double[][] w = new double[d][d];
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        double s = 0;
        for (int j = 0; j < d; j++) {
          s += u[a][j] * scale[j] * u[b][j];
        }
        w[a][b] = s;
      }
    }
    return w;
  }
}
