package org.privmed.encode.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.encode.audit.PositionClusters;

class InputLayoutTest {
  private static final int PATCHES = 3;
  private static final int WIDTH = 5;
  private static final String A = "aaaaaaaaaaaaaaaa";
  private static final String B = "bbbbbbbbbbbbbbbb";

  /** Rows whose patch vectors are a key-specific random mixing and offset of standard normals. */
  private static float[][] keyRows(int n, long keySeed, Random noise) {
    Random k = new Random(keySeed);
    double[][] mix = new double[WIDTH][WIDTH];
    double[] offset = new double[WIDTH];
    for (int a = 0; a < WIDTH; a++) {
      offset[a] = 5 * k.nextGaussian();
      for (int b = 0; b < WIDTH; b++) {
        mix[a][b] = 3 * k.nextGaussian();
      }
    }
    float[][] rows = new float[n][PATCHES * WIDTH];
    double[] z = new double[WIDTH];
    for (float[] row : rows) {
      for (int q = 0; q < PATCHES; q++) {
        for (int b = 0; b < WIDTH; b++) {
          z[b] = noise.nextGaussian();
        }
        for (int a = 0; a < WIDTH; a++) {
          double s = offset[a];
          for (int b = 0; b < WIDTH; b++) {
            s += mix[a][b] * z[b];
          }
          row[q * WIDTH + a] = (float) s;
        }
      }
    }
    return rows;
  }

  private record Training(List<float[]> xs, List<String> sources) {}

  private static Training twoKeys(long seed) {
    Random noise = new Random(seed);
    return training(keyRows(400, 1, noise), keyRows(300, 2, noise));
  }

  /** Rows {@code a} of key A followed by rows {@code b} of key B. */
  private static Training training(float[][] a, float[][] b) {
    List<float[]> xs = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    for (float[] r : a) {
      xs.add(r);
      sources.add(A);
    }
    for (float[] r : b) {
      xs.add(r);
      sources.add(B);
    }
    return new Training(xs, sources);
  }

  private static float[] written(InputLayout layout, float[] x, String key) {
    float[] out = new float[PATCHES * layout.inputWidth()];
    layout.write(x, key, out, 0);
    return out;
  }

  @Test
  void whitenedTrainingPatchesOfEachKeyHaveIdentityCovariance() {
    Training t = twoKeys(7);
    InputLayout layout = InputLayout.fit(t.xs(), t.sources(), WIDTH,
        PatchSetConfig.Input.PER_KEY_WHITEN, 1e-9);
    assertEquals(WIDTH, layout.inputWidth());
    for (String key : List.of(A, B)) {
      double[] sum = new double[WIDTH];
      double[][] prod = new double[WIDTH][WIDTH];
      int count = 0;
      for (int i = 0; i < t.xs().size(); i++) {
        if (!t.sources().get(i).equals(key)) {
          continue;
        }
        float[] w = written(layout, t.xs().get(i), key);
        for (int q = 0; q < PATCHES; q++) {
          for (int a = 0; a < WIDTH; a++) {
            sum[a] += w[q * WIDTH + a];
            for (int b = 0; b < WIDTH; b++) {
              prod[a][b] += (double) w[q * WIDTH + a] * w[q * WIDTH + b];
            }
          }
          count++;
        }
      }
      for (int a = 0; a < WIDTH; a++) {
        assertEquals(0, sum[a] / count, 1e-4, key + " mean of channel " + a);
        for (int b = 0; b < WIDTH; b++) {
          double cov = prod[a][b] / count - (sum[a] / count) * (sum[b] / count);
          assertEquals(a == b ? 1 : 0, cov, 1e-4, key + " covariance (" + a + ", " + b + ")");
        }
      }
    }
  }

  @Test
  void shrinkageLeavesEveryDirectionBelowUnitVariance() {
    Training t = twoKeys(8);
    InputLayout layout = InputLayout.fit(t.xs(), t.sources(), WIDTH,
        PatchSetConfig.Input.PER_KEY_WHITEN, 0.5);
    double total = 0;
    int count = 0;
    for (int i = 0; i < t.xs().size(); i++) {
      float[] w = written(layout, t.xs().get(i), t.sources().get(i));
      for (float v : w) {
        total += (double) v * v;
      }
      count += PATCHES;
    }
    // Each direction of variance λ becomes λ / (λ + 0.5 λ̄) < 1, so the mean squared norm of a
    // whitened patch falls below WIDTH (it would equal WIDTH without the ridge).
    double meanSquaredNorm = total / count;
    assertTrue(meanSquaredNorm < 0.9 * WIDTH && meanSquaredNorm > 0.2 * WIDTH,
        "mean squared norm " + meanSquaredNorm);
  }

  @Test
  void whiteningIsDeterministic() {
    Training t = twoKeys(9);
    InputLayout one = InputLayout.fit(t.xs(), t.sources(), WIDTH,
        PatchSetConfig.Input.PER_KEY_WHITEN, 0.1);
    InputLayout two = InputLayout.fit(t.xs(), t.sources(), WIDTH,
        PatchSetConfig.Input.PER_KEY_WHITEN, 0.1);
    for (int i = 0; i < t.xs().size(); i += 37) {
      String key = t.sources().get(i);
      assertArrayEquals(written(one, t.xs().get(i), key), written(two, t.xs().get(i), key));
    }
  }

  @Test
  void heldOutRowsUseTheTrainingStatisticsOfTheirOwnKey() {
    Training t = twoKeys(10);
    InputLayout both = InputLayout.fit(t.xs(), t.sources(), WIDTH,
        PatchSetConfig.Input.PER_KEY_WHITEN, 0.1);
    List<float[]> onlyB = rowsOf(t, B);
    InputLayout bAlone = InputLayout.fit(onlyB, java.util.Collections.nCopies(onlyB.size(), B),
        WIDTH, PatchSetConfig.Input.PER_KEY_WHITEN, 0.1);
    float[] heldOut = keyRows(1, 2, new Random(99))[0];
    float[] asB = written(both, heldOut, B);
    float[] expected = written(bAlone, heldOut, B);
    for (int i = 0; i < asB.length; i++) {
      assertEquals(expected[i], asB[i], 1e-4, "value " + i);
    }
    assertFalse(Arrays.equals(asB, written(both, heldOut, A)),
        "a row of key B must not be whitened with key A's statistics");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> both.requireKnown("cccccccccccccccc", "test"));
    assertTrue(e.getMessage().contains("cccccccccccccccc"), e.getMessage());
  }

  /**
   * Rows as NeuraCrypt publishes them, in miniature: each patch is its position's key-specific
   * offset plus content noise, and each row's patches are shuffled.
   */
  private static float[][] shuffledRows(int n, long keySeed, Random noise) {
    Random k = new Random(keySeed);
    double[][] offset = new double[PATCHES][WIDTH];
    for (double[] o : offset) {
      for (int c = 0; c < WIDTH; c++) {
        o[c] = 10 * k.nextGaussian();
      }
    }
    float[][] rows = new float[n][PATCHES * WIDTH];
    for (float[] row : rows) {
      List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
      java.util.Collections.shuffle(order, noise);
      for (int slot = 0; slot < PATCHES; slot++) {
        for (int c = 0; c < WIDTH; c++) {
          row[slot * WIDTH + c] = (float) (offset[order.get(slot)][c] + noise.nextGaussian());
        }
      }
    }
    return rows;
  }

  private static Training twoShuffledKeys(long seed) {
    Random noise = new Random(seed);
    return training(shuffledRows(300, 1, noise), shuffledRows(200, 2, noise));
  }

  private static List<float[]> rowsOf(Training t, String key) {
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < t.xs().size(); i++) {
      if (t.sources().get(i).equals(key)) {
        out.add(t.xs().get(i));
      }
    }
    return out;
  }

  @Test
  void centringLeavesEveryTrainingPositionGroupOfEachKeyWithZeroMean() {
    Training t = twoShuffledKeys(11);
    InputLayout layout = InputLayout.fit(t.xs(), t.sources(), WIDTH,
        PatchSetConfig.Input.PER_KEY_CENTER, PatchSetConfig.DEFAULT_WHITEN_SHRINKAGE);
    assertEquals(WIDTH, layout.inputWidth());
    for (String key : List.of(A, B)) {
      double[][][] m = groupMoments(layout, rowsOf(t, key), key);
      double sq = 0;
      for (int q = 0; q < PATCHES; q++) {
        for (int c = 0; c < WIDTH; c++) {
          assertEquals(0, m[0][q][c], 1e-4, key + " group " + q + " channel " + c);
          sq += m[1][q][c];
        }
      }
      // Standardised afterwards: the content noise is what is left, at unit variance.
      assertEquals(1, sq / (PATCHES * WIDTH), 1e-3, key + " variance");
    }
  }

  /**
   * Per position group (found by clustering {@code rows} afresh) and channel, the mean of the
   * written values and of their squares: {@code [moment][group][channel]}.
   */
  private static double[][][] groupMoments(InputLayout layout, List<float[]> rows, String key) {
    PositionClusters groups = PositionClusters.fit(rows, PATCHES, WIDTH);
    double[][][] m = new double[2][PATCHES][WIDTH];
    for (float[] x : rows) {
      int[] g = groups.assign(x);
      float[] w = written(layout, x, key);
      for (int slot = 0; slot < PATCHES; slot++) {
        for (int c = 0; c < WIDTH; c++) {
          double v = w[slot * WIDTH + c];
          m[0][g[slot]][c] += v / rows.size();
          m[1][g[slot]][c] += v * v / rows.size();
        }
      }
    }
    return m;
  }

  @Test
  void centringRemovesThePositionalOffsetsAndIsDeterministic() {
    Training t = twoShuffledKeys(12);
    InputLayout one = InputLayout.fit(t.xs(), t.sources(), WIDTH,
        PatchSetConfig.Input.PER_KEY_CENTER, PatchSetConfig.DEFAULT_WHITEN_SHRINKAGE);
    InputLayout two = InputLayout.fit(t.xs(), t.sources(), WIDTH,
        PatchSetConfig.Input.PER_KEY_CENTER, PatchSetConfig.DEFAULT_WHITEN_SHRINKAGE);
    for (int i = 0; i < t.xs().size(); i += 23) {
      String key = t.sources().get(i);
      assertArrayEquals(written(one, t.xs().get(i), key), written(two, t.xs().get(i), key));
    }
    // The offsets have sd 10 and the content noise sd 1, so a value of 5 or more would be an
    // offset left in place by a wrong grouping.
    List<float[]> rowsA = rowsOf(t, A);
    PositionClusters groups = PositionClusters.fit(rowsA, PATCHES, WIDTH);
    float[] x = rowsA.get(0);
    float[] centred = groups.centre(x);
    for (float v : centred) {
      assertTrue(Math.abs(v) < 5, "centred value " + v + " still carries a positional offset");
    }
  }

  @Test
  void heldOutRowsAreCentredWithTheTrainingGroupsOfTheirOwnKey() {
    Training t = twoShuffledKeys(13);
    InputLayout both = InputLayout.fit(t.xs(), t.sources(), WIDTH,
        PatchSetConfig.Input.PER_KEY_CENTER, PatchSetConfig.DEFAULT_WHITEN_SHRINKAGE);
    List<float[]> onlyB = rowsOf(t, B);
    InputLayout bAlone = InputLayout.fit(onlyB, java.util.Collections.nCopies(onlyB.size(), B),
        WIDTH, PatchSetConfig.Input.PER_KEY_CENTER, PatchSetConfig.DEFAULT_WHITEN_SHRINKAGE);
    float[] heldOut = shuffledRows(1, 2, new Random(99))[0];
    float[] asB = written(both, heldOut, B);
    float[] expected = written(bAlone, heldOut, B);
    assertArrayEquals(expected, asB);
    // The same row with its patches in another order lands in the same groups: the held-out row
    // is assigned to the training centroids, not centred on itself.
    float[] rolled = new float[heldOut.length];
    System.arraycopy(heldOut, WIDTH, rolled, 0, heldOut.length - WIDTH);
    System.arraycopy(heldOut, 0, rolled, heldOut.length - WIDTH, WIDTH);
    float[] rolledOut = written(both, rolled, B);
    for (int i = 0; i < rolled.length; i++) {
      int back = (i + WIDTH) % heldOut.length;
      assertEquals(asB[back], rolledOut[i], 1e-5, "value " + i);
    }
    assertFalse(Arrays.equals(asB, written(both, heldOut, A)),
        "a row of key B must not be centred with key A's groups");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> both.requireKnown("cccccccccccccccc", "test"));
    assertTrue(e.getMessage().contains("cccccccccccccccc"), e.getMessage());
  }

  @Test
  void groupNormGivesEachTrainingPositionGroupZeroMeanAndUnitSpread() {
    Training t = twoShuffledKeys(15);
    InputLayout layout = InputLayout.fit(t.xs(), t.sources(), WIDTH,
        PatchSetConfig.Input.PER_KEY_GROUP_NORM, PatchSetConfig.DEFAULT_WHITEN_SHRINKAGE);
    double[][][] m = groupMoments(layout, rowsOf(t, B), B);
    for (int q = 0; q < PATCHES; q++) {
      for (int c = 0; c < WIDTH; c++) {
        assertEquals(0, m[0][q][c], 1e-4, "group " + q + " channel " + c);
        // Every group channel has the same spread here, so the variance floor (1 % of the
        // average) and the per-key standardisation after it leave the variance at 1.
        assertEquals(1, m[1][q][c], 0.02, "variance, group " + q + " channel " + c);
      }
    }
  }

  @Test
  void plaintextRowsAreOnlyStandardisedWhenCentring() {
    Training t = twoShuffledKeys(14);
    List<String> plain = java.util.Collections.nCopies(t.xs().size(), PatchSet.PLAINTEXT);
    InputLayout centred = InputLayout.fit(t.xs(), plain, WIDTH,
        PatchSetConfig.Input.PER_KEY_CENTER, PatchSetConfig.DEFAULT_WHITEN_SHRINKAGE);
    InputLayout normed = InputLayout.fit(t.xs(), plain, WIDTH,
        PatchSetConfig.Input.PER_KEY_NORM, PatchSetConfig.DEFAULT_WHITEN_SHRINKAGE);
    for (int i = 0; i < t.xs().size(); i += 31) {
      assertArrayEquals(written(normed, t.xs().get(i), PatchSet.PLAINTEXT),
          written(centred, t.xs().get(i), PatchSet.PLAINTEXT));
    }
  }

  @Test
  void zcaOfADiagonalCovarianceScalesEachChannel() {
    double[][] w = InputLayout.zca(new double[][] {{4, 0}, {0, 9}}, 1e-12);
    assertEquals(0.5, w[0][0], 1e-9);
    assertEquals(1 / 3.0, w[1][1], 1e-9);
    assertEquals(0, w[0][1], 1e-12);
    assertThrows(IllegalArgumentException.class,
        () -> new PatchSetConfig(16, 2, 32, 1, 0f, 1e-3, 8, 1, 1, 1).withWhitenShrinkage(0));
  }

  @Test
  void eigenDecompositionReconstructsASymmetricMatrix() {
    Random r = new Random(3);
    for (int trial = 0; trial < 20; trial++) {
      int n = 1 + r.nextInt(12);
      double[][] a = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j <= i; j++) {
          a[i][j] = r.nextGaussian();
          a[j][i] = a[i][j];
        }
      }
      SymmetricEigen e = SymmetricEigen.of(a);
      for (int j = 1; j < n; j++) {
        assertTrue(e.values()[j - 1] <= e.values()[j], "eigenvalues ascend");
      }
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
          double rebuilt = 0;
          double gram = 0;
          for (int j = 0; j < n; j++) {
            rebuilt += e.vectors()[i][j] * e.values()[j] * e.vectors()[k][j];
            gram += e.vectors()[j][i] * e.vectors()[j][k];
          }
          assertEquals(a[i][k], rebuilt, 1e-10, "U Λ Uᵀ at (" + i + ", " + k + ")");
          assertEquals(i == k ? 1 : 0, gram, 1e-10, "Uᵀ U at (" + i + ", " + k + ")");
        }
      }
    }
    assertThrows(IllegalArgumentException.class,
        () -> SymmetricEigen.of(new double[][] {{1, 2}, {3, 1}}));
  }
}
