package org.privmed.encode.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.encode.TestKeys;
import org.privmed.encode.neuracrypt.EncoderConfig;
import org.privmed.encode.neuracrypt.NeuraCryptEncoder;

class PositionStructureTest {

  @Test
  void recoversARelabellingOfTheSameEncodersPositions() {
    // Both sides from one encoder, the target side with its positions relabelled: the structure
    // matrices then agree exactly under the true map, so the search must return it.
    ImageDataset d = Datasets.load("pneumoniamnist", Split.TEST);
    EncoderConfig cfg = new EncoderConfig(1, 28, 28, 7, 32, 2, 1.0, false);
    NeuraCryptEncoder enc = new NeuraCryptEncoder(TestKeys.fixed(2), cfg);
    int n = 60;
    int p = cfg.patches();
    float[][] x = new float[n][];
    for (int i = 0; i < n; i++) {
      x[i] = enc.encode(d.images()[i]);
    }
    int[] truth = {3, 0, 7, 12, 1, 15, 9, 4, 11, 2, 14, 6, 13, 8, 5, 10}; // cluster -> position
    float[][] relabelled = new float[n][p * cfg.width()];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < p; c++) {
        System.arraycopy(x[i], truth[c] * cfg.width(), relabelled[i], c * cfg.width(),
            cfg.width());
      }
    }
    double[][][] dT = PatchwiseScores.positionDistances(relabelled, p, cfg.width(), 1);
    double[][][] dC = PatchwiseScores.positionDistances(x, p, cfg.width(), 1);
    assertArrayEquals(truth, PositionStructure.positions(dT, dC));
  }

  @Test
  void candidatesAreDistinctPermutations() {
    ImageDataset d = Datasets.load("breastmnist", Split.TEST);
    EncoderConfig cfg = new EncoderConfig(1, 28, 28, 7, 16, 1, 1.0, false);
    float[][] a = new float[30][];
    float[][] b = new float[30][];
    NeuraCryptEncoder ea = new NeuraCryptEncoder(TestKeys.fixed(3), cfg);
    NeuraCryptEncoder eb = new NeuraCryptEncoder(TestKeys.fixed(4), cfg);
    for (int i = 0; i < 30; i++) {
      a[i] = ea.encode(d.images()[i]);
      b[i] = eb.encode(d.images()[i]);
    }
    List<int[]> maps = PositionStructure.candidates(
        PatchwiseScores.positionDistances(a, 16, 16, 1),
        PatchwiseScores.positionDistances(b, 16, 16, 1), 10, 1);
    assertTrue(maps.size() > 1 && maps.size() <= 10, "maps " + maps.size());
    for (int k = 0; k < maps.size(); k++) {
      int[] sorted = maps.get(k).clone();
      java.util.Arrays.sort(sorted);
      for (int q = 0; q < 16; q++) {
        assertEquals(q, sorted[q]);
      }
      for (int j = 0; j < k; j++) {
        assertTrue(!java.util.Arrays.equals(maps.get(j), maps.get(k)));
      }
    }
  }
}
