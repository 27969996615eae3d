package org.privmed.infer.packing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.privmed.infer.plan.LinearStage;

/**
 * The latency packing of one affine stage: an m×n matrix applied to one ciphertext whose slots
 * hold the input with period P (a power of two, n ≤ P), giving the output with period m̂ (m
 * rounded up to a power of two).
 *
 * <p>Method: the hybrid diagonal method of Juvekar, Vaikuntanathan and Chandrakasan, "GAZELLE",
 * USENIX Security 2018, Sec. 5.3 (itself the "extended diagonal" form of Halevi and Shoup,
 * "Algorithms in HElib", CRYPTO 2014, Sec. 4.3). With Q = max(P, m̂), the m̂×Q zero-padded matrix is
 * split into m̂ generalised diagonals d_k[j] = M[j mod m̂][(j + k) mod Q], j &lt; Q, so that
 * z = Σ_k d_k ⊙ rot(x, k) and y = Σ_{i &lt; Q/m̂} rot(z, i·m̂): at most m̂ plaintext products, and
 * log2(Q/m̂) rotate-and-add steps whose result is already replicated with period m̂, the layout
 * the next stage wants. Only nonzero diagonals are kept, so a convolution in the im2col layout
 * (input slot windows·tap + window) keeps only the diagonals whose index is a multiple of the
 * window count.
 *
 * <p>The sum over diagonals uses baby-step/giant-step (Halevi and Shoup, "Faster homomorphic
 * linear transformations in HElib", CRYPTO 2018, Sec. 3) on the diagonal indices divided by
 * their common stride g: k = g·(n1·G + b), z = Σ_G rot(Σ_b rot(d_k, −g·n1·G) ⊙ rot(x, g·b),
 * g·n1·G); the baby rotations share one key-switching decomposition (hoisting), and n1 is chosen
 * to minimise the number of distinct rotations.
 */
public final class DiagonalPlan {
  private final int slots;
  private final int inPeriod;
  private final int outPeriod;
  private final int span;
  private final int stride;
  private final int babyCount;
  /** giant shift → (baby shift → pre-rotated diagonal over all slots). */
  private final Map<Integer, Map<Integer, double[]>> diagonals = new TreeMap<>();
  private final int[] babySteps;
  private final int[] giantSteps;
  private final int[] sumSteps;
  private final double[] bias;
  private final int diagonalCount;

  public DiagonalPlan(LinearStage stage, int inPeriod, int slots) {
    if (Integer.bitCount(inPeriod) != 1 || inPeriod < stage.cols()) {
      throw new IllegalArgumentException(stage.label() + ": input period " + inPeriod
          + " must be a power of two >= the " + stage.cols() + " inputs");
    }
    this.slots = slots;
    this.inPeriod = inPeriod;
    int m = stage.rows();
    this.outPeriod = Integer.highestOneBit(Math.max(1, m - 1)) << (m > 1 ? 1 : 0);
    this.span = Math.max(inPeriod, outPeriod);
    if (span > slots) {
      throw new IllegalArgumentException(stage.label() + ": needs " + span + " slots (input period "
          + inPeriod + ", " + m + " outputs) but a ciphertext has " + slots
          + "; a larger ring degree or the throughput packing is needed");
    }
    Map<Integer, double[]> byIndex = new TreeMap<>();
    int reps = span / outPeriod;
    for (int r = 0; r < m; r++) {
      for (int c = 0; c < stage.cols(); c++) {
        double v = stage.at(r, c);
        if (v == 0) {
          continue;
        }
        for (int i = 0; i < reps; i++) {
          int j = r + i * outPeriod;
          int k = Math.floorMod(c - j, span);
          if (k < outPeriod) {
            byIndex.computeIfAbsent(k, x -> new double[span])[j] = v;
          }
        }
      }
    }
    if (byIndex.isEmpty()) {
      byIndex.put(0, new double[span]);
    }
    this.diagonalCount = byIndex.size();
    int g = span;
    for (int k : byIndex.keySet()) {
      g = gcd(g, k);
    }
    this.stride = g;
    int maxIdx = 0;
    for (int k : byIndex.keySet()) {
      maxIdx = Math.max(maxIdx, k / g);
    }
    int bestN1 = 1;
    int bestCost = Integer.MAX_VALUE;
    for (int n1 = 1; n1 <= Integer.highestOneBit(maxIdx) * 2 || n1 == 1; n1 <<= 1) {
      TreeSet<Integer> b = new TreeSet<>();
      TreeSet<Integer> gs = new TreeSet<>();
      for (int k : byIndex.keySet()) {
        int idx = k / g;
        if (idx % n1 != 0) {
          b.add(idx % n1);
        }
        if (idx / n1 != 0) {
          gs.add(idx / n1);
        }
      }
      int cost = b.size() + gs.size();
      if (cost < bestCost) {
        bestCost = cost;
        bestN1 = n1;
      }
      if (n1 > maxIdx) {
        break;
      }
    }
    this.babyCount = bestN1;
    TreeSet<Integer> babies = new TreeSet<>();
    TreeSet<Integer> giants = new TreeSet<>();
    for (Map.Entry<Integer, double[]> e : byIndex.entrySet()) {
      int idx = e.getKey() / g;
      int babyShift = (idx % bestN1) * g;
      int giantShift = (idx / bestN1) * bestN1 * g;
      double[] d = e.getValue();
      double[] full = new double[slots];
      for (int j = 0; j < slots; j++) {
        // replicated with period span, then rotated right by the giant shift
        full[j] = d[Math.floorMod(j - giantShift, span)];
      }
      diagonals.computeIfAbsent(giantShift, x -> new TreeMap<>()).put(babyShift, full);
      if (babyShift != 0) {
        babies.add(babyShift);
      }
      if (giantShift != 0) {
        giants.add(giantShift);
      }
    }
    this.babySteps = babies.stream().mapToInt(Integer::intValue).toArray();
    this.giantSteps = giants.stream().mapToInt(Integer::intValue).toArray();
    List<Integer> sums = new ArrayList<>();
    for (int s = outPeriod; s < span; s <<= 1) {
      sums.add(s);
    }
    this.sumSteps = sums.stream().mapToInt(Integer::intValue).toArray();
    this.bias = new double[slots];
    for (int j = 0; j < slots; j++) {
      int r = j % outPeriod;
      bias[j] = r < m ? stage.bias()[r] : 0;
    }
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  public int inPeriod() {
    return inPeriod;
  }

  public int outPeriod() {
    return outPeriod;
  }

  public int span() {
    return span;
  }

  public int stride() {
    return stride;
  }

  public int babyStepSize() {
    return babyCount;
  }

  public int diagonalCount() {
    return diagonalCount;
  }

  /** giant shift → (baby shift → diagonal pre-rotated by −giant, over all slots). */
  public Map<Integer, Map<Integer, double[]>> diagonals() {
    return diagonals;
  }

  public int[] babySteps() {
    return babySteps.clone();
  }

  public int[] giantSteps() {
    return giantSteps.clone();
  }

  /** Rotate-and-add steps after the rescale: m̂, 2m̂, …, Q/2. */
  public int[] sumSteps() {
    return sumSteps.clone();
  }

  /** Bias replicated with period m̂ over all slots. */
  public double[] bias() {
    return bias.clone();
  }

  /** Every rotation step this stage uses (positive left shifts, 0 excluded). */
  public TreeSet<Integer> rotations() {
    TreeSet<Integer> all = new TreeSet<>();
    for (int s : babySteps) {
      all.add(s);
    }
    for (int s : giantSteps) {
      all.add(s);
    }
    for (int s : sumSteps) {
      all.add(s);
    }
    return all;
  }

  /** Key switches per evaluation: one shared decomposition for the babies is counted per baby. */
  public int keySwitches() {
    return babySteps.length + giantSteps.length + sumSteps.length;
  }
}
