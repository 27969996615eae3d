package org.privmed.encode.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.encode.TestKeys;
import org.privmed.encode.neuracrypt.EncoderConfig;

class AuditTest {
  private static ImageDataset test;

  @BeforeAll
  static void load() {
    test = Datasets.load("pneumoniamnist", Split.TEST);
  }

  @Test
  void hungarianFindsTheOptimum() {
    Random r = new Random(5);
    for (int t = 0; t < 30; t++) {
      int n = 1 + r.nextInt(6);
      double[][] c = new double[n][n];
      for (double[] row : c) {
        for (int j = 0; j < n; j++) {
          row[j] = r.nextInt(20);
        }
      }
      int[] got = Hungarian.solve(c);
      assertEquals(bruteForce(c, new int[n], new boolean[n], 0), total(c, got), 1e-9);
    }
  }

  @Test
  void shallowShuffledEncoderIsBrokenOnSmallCandidateSet() {
    // Measured (8 surrogate encoders, up to 8 restarts, patch-wise and whole-image alternating): with this fixed key and seed
    // the attack re-identifies 60 of 60 at depth 0, width 32 (the weak seed alone: 50). Bound 48/60 leaves a
    // wide margin; chance is 1 of 60.
    EncoderConfig cfg = new EncoderConfig(1, 28, 28, 7, 32, 0, 1.0, true);
    AuditResult r = Audit.run(TestKeys.fixed(1), cfg, test, 60, 7,
        ReidentificationAttack.Options.defaults());
    assertEquals(60, r.candidates());
    assertTrue(r.accuracy() >= 0.8, "re-identified only " + r.reidentified() + "/60");
    assertEquals(r.stages().size(), r.correctAfterStage().size());
    assertEquals(r.reidentified(),
        (int) r.correctAfterStage().get(r.correctAfterStage().size() - 1));
  }

  @Test
  void defaultEncoderIsBrokenWellAboveChance() {
    // Measured: 58 of 60 with this key and seed for the default 28x28 encoder (depth 2, width 64,
    // shuffled) with the patch-wise attack; its seed stage alone found 13. Bound 30/60 leaves margin; chance is 1 of 60.
    EncoderConfig cfg = EncoderConfig.defaults(1, 28, 28);
    AuditResult r = Audit.run(TestKeys.fixed(1), cfg, test, 60, 7,
        ReidentificationAttack.Options.defaults());
    assertTrue(r.accuracy() >= 0.5, "re-identified only " + r.reidentified() + "/60");
    assertTrue(r.positionsRecovered() > 0.95, "positions " + r.positionsRecovered());
  }

  @Test
  void patchwiseAttackBreaksANarrowDeeperEncoderTheImageAttackMisses() {
    // docs/privacy.md's grid: width 32, depth 2 was where whole-image matching stalled (1-14 of
    // 100 with or without the shuffle). Measured with this key and seed, shuffle off, 60
    // candidates: patch-wise 60 of 60 (its seed alone 25), whole-image 14 of 60.
    EncoderConfig cfg = new EncoderConfig(1, 28, 28, 7, 32, 2, 1.0, false);
    ReidentificationAttack.Options patch = ReidentificationAttack.Options.defaults();
    AuditResult p = Audit.run(TestKeys.fixed(1), cfg, test, 60, 7, patch);
    AuditResult i = Audit.run(TestKeys.fixed(1), cfg, test, 60, 7, patch.withPatchwise(false));
    assertTrue(p.accuracy() >= 0.8, "patch-wise re-identified only " + p.reidentified() + "/60");
    assertTrue(p.reidentified() > i.reidentified() + 20, p.reidentified() + " vs image-level "
        + i.reidentified());
  }

  @Test
  void deepShuffledEncoderFallsOnceThePositionMapIsFound() {
    // Depth 4, width 64, shuffled: before the position map was searched (PositionStructure,
    // screened by a short boosting run) the attack found 0-34 of 100 at this setting. Measured
    // with this key and seed: 60 of 60 (the same cell with TestKeys.fixed(2) gave 21 and with
    // fixed(4) 35 — the attack still depends on the key, see docs/privacy.md). Chance is 1 of 60.
    EncoderConfig cfg = new EncoderConfig(1, 28, 28, 7, 64, 4, 1.0, true);
    AuditResult r = Audit.run(TestKeys.fixed(3), cfg, test, 60, 7,
        ReidentificationAttack.Options.defaults());
    assertTrue(r.accuracy() >= 0.75, "re-identified only " + r.reidentified() + "/60");
  }

  @Test
  void attackIsDeterministicAndKeyBlind() {
    EncoderConfig cfg = new EncoderConfig(1, 28, 28, 7, 32, 0, 1.0, true);
    AuditResult a = Audit.run(TestKeys.fixed(3), cfg, test, 30, 1,
        ReidentificationAttack.Options.defaults());
    AuditResult b = Audit.run(TestKeys.fixed(3), cfg, test, 30, 1,
        ReidentificationAttack.Options.defaults());
    assertEquals(a, b);
    assertTrue(a.reidentified() >= 0 && a.reidentified() <= 30);
  }

  @Test
  void guessesFormAPermutation() {
    EncoderConfig cfg = new EncoderConfig(1, 28, 28, 7, 16, 1, 1.0, true);
    float[][] plain = new float[20][];
    float[][] enc = new float[20][];
    var encoder = new org.privmed.encode.neuracrypt.NeuraCryptEncoder(TestKeys.fixed(4), cfg);
    for (int i = 0; i < 20; i++) {
      plain[i] = test.images()[i];
      enc[i] = encoder.encode(plain[i]);
    }
    Reidentification r = ReidentificationAttack.run(cfg, enc, plain,
        ReidentificationAttack.Options.defaults());
    int[] sorted = r.guess().clone();
    java.util.Arrays.sort(sorted);
    int[] expected = new int[20];
    for (int i = 0; i < 20; i++) {
      expected[i] = i;
    }
    assertArrayEquals(expected, sorted);
  }

  private static double total(double[][] c, int[] a) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += c[i][a[i]];
    }
    return s;
  }

  private static double bruteForce(double[][] c, int[] a, boolean[] used, int row) {
    if (row == c.length) {
      return total(c, a);
    }
    double best = Double.POSITIVE_INFINITY;
    for (int j = 0; j < c.length; j++) {
      if (!used[j]) {
        used[j] = true;
        a[row] = j;
        best = Math.min(best, bruteForce(c, a, used, row + 1));
        used[j] = false;
      }
    }
    return best;
  }
}
