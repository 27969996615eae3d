package org.privmed.encode.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.privmed.data.ImageDataset;
import org.privmed.encode.key.EncoderKey;
import org.privmed.encode.neuracrypt.EncoderConfig;
import org.privmed.encode.neuracrypt.NeuraCryptEncoder;

/**
 * The privacy audit a hospital runs on its own key before publishing: it plays the challenge of
 * Carlini et al. 2021 (the authors' public challenge they solved) against itself. It draws {@code candidates} images, encodes them with the
 * real key, hides their order, hands the encodings and the plaintexts to {@link
 * ReidentificationAttack} (which never sees the key or the order), and counts correct
 * re-identifications.
 */
public final class Audit {
  private Audit() {}

  /**
   * Audits {@code config} under {@code key} on {@code candidates} images of {@code data}.
   *
   * @param seed chooses the candidate images and the hidden order (not a secret; for
   *     reproducible reports)
   */
  public static AuditResult run(EncoderKey key, EncoderConfig config, ImageDataset data,
      int candidates, long seed, ReidentificationAttack.Options options) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(data, "data");
    if (candidates < 2 || candidates > data.size()) {
      throw new IllegalArgumentException("candidates " + candidates + " must be in 2.."
          + data.size() + " (the size of " + data.name() + ")");
    }
    SplittableRandom rng = new SplittableRandom(seed);
    int[] rows = shuffledPrefix(data.size(), candidates, rng);
    float[][] plain = new float[candidates][];
    for (int j = 0; j < candidates; j++) {
      plain[j] = data.images()[rows[j]];
    }
    NeuraCryptEncoder encoder = new NeuraCryptEncoder(key, config);
    // Hidden order: encoded image i came from candidate truth[i].
    int[] truth = shuffledPrefix(candidates, candidates, rng);
    float[][] encoded = new float[candidates][];
    int[][] perms = new int[candidates][config.patches()];
    for (int i = 0; i < candidates; i++) {
      encoded[i] = encoder.encode(plain[truth[i]], perms[i]);
    }
    double positions = config.shuffle()
        ? positionRecovery(PositionAlignment.cluster(encoded, config.patches(), config.width())
            .clusterOfSlot(), perms, config.patches())
        : 1.0;
    Reidentification r = ReidentificationAttack.run(config, encoded, plain, options);
    List<Integer> curve = new ArrayList<>();
    for (int[] g : r.rounds()) {
      curve.add(Reidentification.correct(g, truth));
    }
    return new AuditResult(config, candidates, Reidentification.correct(r.guess(), truth),
        positions, r.stageNames(), curve);
  }

  /**
   * The audit over a grid of depths, widths and shuffle settings around {@code base}, same key and
   * same candidates for every cell so the cells differ only in the encoder.
   *
   * @param onCell called after each cell, for progress lines
   */
  public static List<AuditResult> sweep(EncoderKey key, EncoderConfig base, ImageDataset data,
      int candidates, long seed, int[] depths, int[] widths, boolean[] shuffles,
      ReidentificationAttack.Options options, java.util.function.Consumer<AuditResult> onCell) {
    List<AuditResult> out = new ArrayList<>();
    for (boolean shuffle : shuffles) {
      for (int width : widths) {
        for (int depth : depths) {
          EncoderConfig cfg = base.withDepth(depth).withWidth(width).withShuffle(shuffle);
          AuditResult r = run(key, cfg, data, candidates, seed, options);
          out.add(r);
          onCell.accept(r);
        }
      }
    }
    return out;
  }

  /**
   * Fraction of encoded patches whose recovered position class agrees with their true position,
   * under the best single relabelling of classes (the attacker cannot name positions, only group
   * them, and does not need to).
   */
  static double positionRecovery(int[][] clusterOfSlot, int[][] truePositionOfSlot, int patches) {
    double[][] cost = new double[patches][patches];
    for (int i = 0; i < clusterOfSlot.length; i++) {
      for (int slot = 0; slot < patches; slot++) {
        cost[clusterOfSlot[i][slot]][truePositionOfSlot[i][slot]] -= 1;
      }
    }
    int[] best = Hungarian.solve(cost);
    double agree = 0;
    for (int c = 0; c < patches; c++) {
      agree -= cost[c][best[c]];
    }
    return agree / ((double) clusterOfSlot.length * patches);
  }

  /** The first {@code k} entries of a uniformly shuffled 0..n-1. */
  private static int[] shuffledPrefix(int n, int k, SplittableRandom rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return java.util.Arrays.copyOf(p, k);
  }
}
