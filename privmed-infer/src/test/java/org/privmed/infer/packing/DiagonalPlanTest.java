package org.privmed.infer.packing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.privmed.infer.plan.LinearStage;

/**
 * Every arrangement, run on plaintext slots exactly as the server runs it on ciphertexts, against
 * the matrix product; slots outside the input layout hold random values, which no arrangement
 * may read.
 */
class DiagonalPlanTest {

  private static LinearStage randomStage(int rows, int cols, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] m = new double[rows * cols];
    for (int i = 0; i < m.length; i++) {
      m[i] = rnd.nextDouble(-1, 1);
    }
    double[] b = new double[rows];
    for (int i = 0; i < rows; i++) {
      b[i] = rnd.nextDouble(-1, 1);
    }
    return new LinearStage("random " + rows + "x" + cols, rows, cols, m, b);
  }

  /** Input vector x placed in the layout, random values in every other slot. */
  private static double[] place(double[] x, SlotLayout layout, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] map = layout.map();
    double[] s = new double[map.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = map[i] >= 0 ? x[map[i]] : 100 * rnd.nextDouble(-1, 1);
    }
    return s;
  }

  private static double[] product(LinearStage st, double[] x) {
    double[] y = st.bias().clone();
    for (int r = 0; r < st.rows(); r++) {
      for (int c = 0; c < st.cols(); c++) {
        y[r] += st.at(r, c) * x[c];
      }
    }
    return y;
  }

  private static double[] randomVector(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = rnd.nextDouble(-2, 2);
    }
    return x;
  }

  /** Checks every output slot of the plan (not just the first per row) against M·x + b. */
  private static void assertComputes(DiagonalPlan plan, LinearStage st, SlotLayout in, long seed) {
    double[] x = randomVector(st.cols(), seed);
    double[] got = plan.apply(place(x, in, seed + 1));
    double[] want = product(st, x);
    int[] out = plan.output().map();
    int seen = 0;
    for (int s = 0; s < out.length; s++) {
      if (out[s] >= 0) {
        assertEquals(want[out[s]], got[s], 1e-9, plan.method() + ": slot " + s + ", row " + out[s]);
        seen++;
      }
    }
    assertTrue(seen >= st.rows());
    for (int r = 0; r < st.rows(); r++) {
      assertEquals(r, out[plan.outputSlot(r)]);
    }
  }

  private static DiagonalPlan.Spec spec(List<DiagonalPlan.Spec> specs, DiagonalPlan.Method m,
      int n1) {
    for (DiagonalPlan.Spec s : specs) {
      if (s.method() == m && (n1 < 0 || s.n1() == n1)) {
        return s;
      }
    }
    throw new AssertionError("no " + m + " n1=" + n1 + " among " + specs);
  }

  @Test
  void spreadRowsUseTheReplicatedCopiesForDifferentRows() {
    LinearStage st = randomStage(64, 256, 1);
    SlotLayout in = SlotLayout.periodic(256, 256, 4096);
    DiagonalPlan.Spec sp = spec(DiagonalPlan.specs(st, in), DiagonalPlan.Method.SPREAD_ROWS, -1);
    // 16 copies for 64 rows: 4 rows per copy, 3 baby rotations, 64 slots per row summed in 6 steps
    assertEquals(4, sp.n1());
    DiagonalPlan plan = DiagonalPlan.build(st, in, sp);
    assertEquals(3, plan.babySteps().length);
    assertEquals(0, plan.giantSteps().length);
    assertEquals(6, plan.sumSteps().length);
    assertComputes(plan, st, in, 2);
  }

  @Test
  void spreadRowsWithFewRowsNeedNoBabyRotation() {
    LinearStage st = randomStage(10, 64, 3);
    SlotLayout in = SlotLayout.periodic(64, 64, 4096);
    DiagonalPlan plan = DiagonalPlan.build(st, in,
        spec(DiagonalPlan.specs(st, in), DiagonalPlan.Method.SPREAD_ROWS, 1));
    assertEquals(0, plan.babySteps().length);
    assertEquals(6, plan.sumSteps().length);
    assertComputes(plan, st, in, 4);
  }

  @Test
  void gatherReadsTheScatteredOutputsOfSpreadRows() {
    LinearStage first = randomStage(64, 200, 5);
    SlotLayout in = SlotLayout.periodic(200, 256, 4096);
    DiagonalPlan spread = DiagonalPlan.build(first, in,
        spec(DiagonalPlan.specs(first, in), DiagonalPlan.Method.SPREAD_ROWS, -1));
    LinearStage second = randomStage(10, 64, 6);
    List<DiagonalPlan.Spec> specs = DiagonalPlan.specs(second, spread.output());
    assertFalse(specs.stream().anyMatch(s -> s.method() != DiagonalPlan.Method.GATHER),
        "scattered outputs are not periodic: only a gather reads them");
    DiagonalPlan gather = DiagonalPlan.build(second, spread.output(), specs.get(0));
    assertEquals(9, gather.babySteps().length);
    assertComputes(gather, second, spread.output(), 7);
    // and the two stages in a row give the composed map at the gather's output slots
    double[] x = randomVector(200, 8);
    double[] y = gather.apply(spread.apply(place(x, in, 9)));
    double[] want = product(second, product(first, x));
    for (int r = 0; r < 10; r++) {
      assertEquals(want[r], y[gather.outputSlot(r)], 1e-9);
    }
  }

  @Test
  void diagonalsOfAnIm2colConvolutionKeepTheirStride() {
    // a conv in im2col form: 2 output channels x 4 windows, 3 taps x 4 windows of input
    int windows = 4;
    int taps = 3;
    double[] m = new double[2 * windows * taps * windows];
    SplittableRandom rnd = new SplittableRandom(10);
    double[][] w = {{rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()},
        {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()}};
    for (int o = 0; o < 2; o++) {
      for (int win = 0; win < windows; win++) {
        for (int t = 0; t < taps; t++) {
          m[(o * windows + win) * (taps * windows) + t * windows + win] = w[o][t];
        }
      }
    }
    LinearStage st = new LinearStage("conv", 2 * windows, taps * windows, m, new double[8]);
    SlotLayout in = SlotLayout.periodic(12, 16, 64);
    for (DiagonalPlan.Spec sp : DiagonalPlan.specs(st, in)) {
      DiagonalPlan plan = DiagonalPlan.build(st, in, sp);
      if (sp.method() == DiagonalPlan.Method.DIAGONALS) {
        for (int b : plan.babySteps()) {
          assertEquals(0, b % windows, "baby step " + b);
        }
      }
      assertComputes(plan, st, in, 11);
    }
  }

  @Test
  void everyArrangementOfRandomShapesComputesTheProduct() {
    SplittableRandom rnd = new SplittableRandom(12);
    for (int trial = 0; trial < 20; trial++) {
      int rows = 1 + rnd.nextInt(40);
      int cols = 1 + rnd.nextInt(100);
      int period = DiagonalPlan.pow2(cols) << rnd.nextInt(2);
      LinearStage st = randomStage(rows, cols, trial);
      SlotLayout in = SlotLayout.periodic(cols, period, 1024);
      for (DiagonalPlan.Spec sp : DiagonalPlan.specs(st, in)) {
        DiagonalPlan plan = DiagonalPlan.build(st, in, sp);
        assertComputes(plan, st, in, trial);
        LinearStage next = randomStage(1 + rnd.nextInt(8), rows, trial + 100);
        for (DiagonalPlan.Spec s2 : DiagonalPlan.specs(next, plan.output())) {
          assertComputes(DiagonalPlan.build(next, plan.output(), s2), next, plan.output(), trial);
        }
      }
    }
  }

  @Test
  void costPrefersHoistedBabiesToGiantsAndSumsAfterTheRescale() {
    DiagonalPlan.KeySwitchCost c = new DiagonalPlan.KeySwitchCost(1, 1);
    DiagonalPlan.Spec babies = new DiagonalPlan.Spec(DiagonalPlan.Method.DIAGONALS, 4, 3, 0, 0);
    DiagonalPlan.Spec giants = new DiagonalPlan.Spec(DiagonalPlan.Method.DIAGONALS, 1, 0, 3, 0);
    DiagonalPlan.Spec sums = new DiagonalPlan.Spec(DiagonalPlan.Method.SPREAD_ROWS, 1, 0, 0, 3);
    assertTrue(babies.cost(c, 5) < giants.cost(c, 5));
    assertTrue(sums.cost(c, 5) < giants.cost(c, 5));
  }
}
