package org.privmed.encode.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.encode.TestKeys;
import org.privmed.encode.neuracrypt.EncoderConfig;
import org.privmed.encode.neuracrypt.NeuraCryptEncoder;

class PatchwiseScoresTest {
  private static ImageDataset test;

  @BeforeAll
  static void load() {
    test = Datasets.load("pneumoniamnist", Split.TEST);
  }

  @Test
  void ranksIgnoreMonotoneDistortion() {
    // The relational score relies on this: a deeper encoder bends distances monotonically.
    qt().withExamples(50).forAll(integers().between(0, 1_000_000)).checkAssert(seed -> {
      Random r = new Random(seed);
      int m = 2 + r.nextInt(30);
      double[] v = new double[m];
      double[] bent = new double[m];
      for (int i = 0; i < m; i++) {
        v[i] = r.nextInt(10) + r.nextDouble();
        bent[i] = Math.exp(3 * v[i]) + 7;
      }
      double[] a = PatchwiseScores.standardisedRanks(v.clone());
      double[] b = PatchwiseScores.standardisedRanks(bent);
      assertArrayEquals(a, b, 1e-12);
      double sum = 0;
      double norm = 0;
      for (double x : a) {
        sum += x;
        norm += x * x;
      }
      assertEquals(0, sum, 1e-9);
      assertEquals(1, norm, 1e-9);
    });
  }

  @Test
  void tiedValuesShareARank() {
    double[] r = PatchwiseScores.standardisedRanks(new double[] {5, 1, 5, 3});
    assertEquals(r[0], r[2], 0);
    assertTrue(r[1] < r[3] && r[3] < r[0]);
  }

  @Test
  void anchorsRevealWhichClusterIsWhichPosition() {
    // Targets: 40 images under one key, their positions relabelled by a known permutation (what
    // the clustering leaves); candidates: the same images under another key in grid order.
    EncoderConfig cfg = new EncoderConfig(1, 28, 28, 7, 32, 2, 1.0, false);
    int n = 40;
    int p = cfg.patches();
    int w = cfg.width();
    int[] clusterToPosition = {3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14};
    NeuraCryptEncoder secret = new NeuraCryptEncoder(TestKeys.fixed(8), cfg);
    NeuraCryptEncoder surrogate = new NeuraCryptEncoder(TestKeys.fixed(9), cfg);
    float[][] targets = new float[n][p * w];
    float[][] cands = new float[n][];
    for (int i = 0; i < n; i++) {
      float[] e = secret.encode(test.images()[i]);
      for (int c = 0; c < p; c++) {
        System.arraycopy(e, clusterToPosition[c] * w, targets[i], c * w, w);
      }
      cands[i] = surrogate.encode(test.images()[i]);
    }
    double[][][] dt = PatchwiseScores.positionDistances(targets, p, w, 1);
    double[][][] dc = PatchwiseScores.positionDistances(cands, p, w, 1);
    int[] anchors = new int[n];
    int[] truth = new int[n];
    for (int i = 0; i < n; i++) {
      anchors[i] = i;
      truth[i] = i;
    }
    assertArrayEquals(clusterToPosition, PatchwiseScores.positionsByAnchors(dt, dc, anchors,
        truth));
    // With positions and pairs known, matching on the relational score finds (nearly) every image.
    double[][] s = PatchwiseScores.relationalScores(dt, dc,
        PatchwiseScores.hardPositions(clusterToPosition), anchors, truth);
    double[][] cost = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        cost[i][j] = -s[i][j];
      }
    }
    int[] guess = Hungarian.solve(cost);
    assertTrue(Reidentification.correct(guess, truth) >= 36,
        Reidentification.correct(guess, truth) + " of 40");
  }
}
