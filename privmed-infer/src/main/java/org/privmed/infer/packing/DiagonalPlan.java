package org.privmed.infer.packing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.privmed.infer.plan.LinearStage;

/**
 * The latency packing of one affine stage y = M·x + b (M an m×n matrix) on one ciphertext X:
 *
 * <pre>
 *   Z = Σ_g rot(Σ_b W_{g,b} ⊙ rot(X, b), g);   rescale;   for s in sumSteps: Z = Z + rot(Z, s);   Z + bias
 * </pre>
 *
 * with the baby rotations rot(X, b) sharing one key-switching decomposition (hoisting) and the
 * rotate-and-sum after the rescale, on one prime fewer. Three arrangements of the products fill
 * this frame; {@link #specs} lists those that fit the input's {@link SlotLayout} and
 * {@link Spec#cost} ranks them by key-switching work.
 *
 * <p><b>Diagonals</b> (input replicated with period P ≥ n): the hybrid diagonal method of
 * Juvekar, Vaikuntanathan and Chandrakasan, "GAZELLE", USENIX Security 2018, Sec. 5.3 (the
 * "extended diagonal" form of Halevi and Shoup, "Algorithms in HElib", CRYPTO 2014, Sec. 4.3).
 * With Q = max(P, m̂), m̂ = m rounded up to a power of two, the m̂×Q zero-padded matrix has m̂
 * generalised diagonals d_k[j] = M[j mod m̂][(j + k) mod Q], j &lt; Q; z = Σ_k d_k ⊙ rot(x, k) and
 * log2(Q/m̂) rotate-and-add steps leave y replicated with period m̂. Only nonzero diagonals are
 * kept (a convolution in the im2col layout keeps those whose index is a multiple of the window
 * count), and the sum over them uses baby-step/giant-step (Halevi and Shoup, "Faster homomorphic
 * linear transformations in HElib", CRYPTO 2018, Sec. 3) on the indices divided by their common
 * stride g: k = g·(n1·G + b).
 *
 * <p><b>Spread rows</b> (input replicated with period P ≥ n, R = slots/P copies): the diagonal
 * method rotates the whole replicated vector, so all R copies see the same rotation and only one
 * of them is useful. Here each copy (block of P slots) serves n1 ≥ m/R rows of its own: row r sits
 * in block ⌊r/n1⌋ at offset r mod n1 and owns the slots t_r + n1·β, β &lt; P/n1; slot u of row r
 * multiplies rot(X, b) by M[r][(u + b) mod P] for b &lt; n1, which meets every column of the row
 * exactly once, so n1 − 1 hoisted baby rotations and a rotate-and-sum with steps n1, 2n1, …, P/2
 * put row r's value in slot t_r. The giant steps of BSGS have become that rotate-and-sum, which
 * runs after the rescale (the idea of moving the giant-step sum out of the key-switched
 * products, as in the double-hoisted BSGS of Bossuat, Mouchet, Troncoso-Pastoriza and Hubaux,
 * EUROCRYPT 2021, Sec. 4, taken here to the slot layout). Slots other than the t_r hold partial
 * sums; the next stage never reads them with a nonzero weight.
 *
 * <p><b>Gather</b> (input in a block slot set A = {D·B + ρ}, e.g. after spread rows): row k is
 * placed at t_k = inner·k and reads the whole input through the baby rotation by −t_k, so that
 * slot t_k + a of the product holds M[k][x at a]·x; the rotate-and-sum over the steps that span
 * A gives row k in slot t_k. It needs m − 1 hoisted rotations and log2|A| sums.
 */
public final class DiagonalPlan {

  /** How the products are arranged (see the class comment). */
  public enum Method {
    DIAGONALS, SPREAD_ROWS, GATHER
  }

  /**
   * One feasible arrangement before its weights are built: {@code n1} is the BSGS baby count
   * (diagonals) or rows per block (spread rows).
   */
  public record Spec(Method method, int n1, int babies, int giants, int sums) {
    /**
     * Key-switching work at the given input level, in NTT-equivalents: the babies share one
     * decomposition and, with lazy ModDown, one ModDown per giant group; each giant and each
     * rotate-and-sum step (one level lower, after the rescale) is a full key switch.
     */
    public double cost(KeySwitchCost c, int level) {
      double babyCost = babies == 0 ? 0
          : c.modUp(level) + babies * c.keyProducts(level) + (giants + 1) * c.modDown(level);
      return babyCost + giants * c.rotation(level) + sums * c.rotation(Math.max(0, level - 1));
    }
  }

  /**
   * NTT-equivalents of hybrid key switching at a level: ModUp is one inverse NTT per limb and,
   * per digit, one NTT per limb of the extended basis; ModDown two inverse NTTs per special
   * prime and two NTTs per limb; the key products cost about 0.3 of an NTT per digit and limb of
   * Q_l ∪ P, and weighting them before ModDown about 0.2 per limb.
   */
  public record KeySwitchCost(int primesPerDigit, int specialPrimes) {
    private int digits(int level) {
      return (level + primesPerDigit) / primesPerDigit;
    }

    double modUp(int level) {
      return digits(level) * (level + 1 + specialPrimes);
    }

    double keyProducts(int level) {
      return (0.3 * digits(level) + 0.2) * (level + 1 + specialPrimes);
    }

    double modDown(int level) {
      return 2.0 * (level + 1 + specialPrimes);
    }

    double rotation(int level) {
      return modUp(level) + keyProducts(level) + modDown(level);
    }
  }

  private final Method method;
  private final int slots;
  private final int rows;
  /** giant shift → (baby shift → weights over all slots, pre-rotated by −giant). */
  private final Map<Integer, Map<Integer, double[]>> diagonals = new TreeMap<>();
  private final int[] babySteps;
  private final int[] giantSteps;
  private final int[] sumSteps;
  private final double[] bias;
  private final SlotLayout output;
  private final int[] outSlot;
  private final String description;

  private DiagonalPlan(Method method, LinearStage stage, int slots, Map<Integer, Map<Integer,
      double[]>> weights, int[] sumSteps, SlotLayout output, String description) {
    this.method = method;
    this.slots = slots;
    this.rows = stage.rows();
    TreeSet<Integer> babies = new TreeSet<>();
    TreeSet<Integer> giants = new TreeSet<>();
    for (Map.Entry<Integer, Map<Integer, double[]>> g : weights.entrySet()) {
      Map<Integer, double[]> inner = new TreeMap<>();
      for (Map.Entry<Integer, double[]> b : g.getValue().entrySet()) {
        if (isZero(b.getValue())) {
          continue;
        }
        inner.put(b.getKey(), b.getValue());
        if (b.getKey() != 0) {
          babies.add(b.getKey());
        }
      }
      if (!inner.isEmpty()) {
        diagonals.put(g.getKey(), inner);
        if (g.getKey() != 0) {
          giants.add(g.getKey());
        }
      }
    }
    if (diagonals.isEmpty()) {
      diagonals.put(0, Map.of(0, new double[slots]));
    }
    this.babySteps = babies.stream().mapToInt(Integer::intValue).toArray();
    this.giantSteps = giants.stream().mapToInt(Integer::intValue).toArray();
    this.sumSteps = sumSteps.clone();
    this.output = output;
    int[] map = output.map();
    this.outSlot = new int[rows];
    java.util.Arrays.fill(outSlot, -1);
    this.bias = new double[slots];
    for (int s = 0; s < slots; s++) {
      if (map[s] >= 0) {
        bias[s] = stage.bias()[map[s]];
        if (outSlot[map[s]] < 0) {
          outSlot[map[s]] = s;
        }
      }
    }
    for (int r = 0; r < rows; r++) {
      if (outSlot[r] < 0) {
        throw new IllegalStateException(stage.label() + ": internal: row " + r + " has no slot");
      }
    }
    this.description = description;
  }

  private static boolean isZero(double[] v) {
    for (double x : v) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ choice

  /** Every arrangement that fits the input layout (unordered; rank them with {@link Spec#cost}). */
  public static List<Spec> specs(LinearStage stage, SlotLayout in) {
    List<Spec> out = new ArrayList<>();
    int slots = in.slots();
    int m = stage.rows();
    int p = in.period();
    if (p >= stage.cols()) {
      DiagonalIndex idx = DiagonalIndex.of(stage, p, slots);
      if (idx != null) {
        for (int n1 = 1; ; n1 <<= 1) {
          TreeSet<Integer> b = new TreeSet<>();
          TreeSet<Integer> g = new TreeSet<>();
          for (int k : idx.byIndex.keySet()) {
            int i = k / idx.stride;
            if (i % n1 != 0) {
              b.add(i % n1);
            }
            if (i / n1 != 0) {
              g.add(i / n1);
            }
          }
          out.add(new Spec(Method.DIAGONALS, n1, b.size(), g.size(), idx.sums()));
          if (n1 > idx.maxIndex()) {
            break;
          }
        }
      }
      int copies = slots / p;
      int n1 = 1;
      while (n1 * copies < m) {
        n1 <<= 1;
      }
      for (int k = n1; k <= Math.min(p, 4 * n1); k <<= 1) {
        out.add(new Spec(Method.SPREAD_ROWS, k, k - 1, 0, Integer.numberOfTrailingZeros(p / k)));
      }
    }
    SlotLayout.Blocks blk = in.blocks();
    if (blk != null && m <= blk.blockSize() / blk.inner() && covers(in, stage.cols())) {
      out.add(new Spec(Method.GATHER, 0, m - 1, 0, blk.steps().length));
    }
    return out;
  }

  /** Whether every input value has a slot inside the layout's block set. */
  private static boolean covers(SlotLayout in, int cols) {
    boolean[] seen = new boolean[cols];
    int[] map = in.map();
    SlotLayout.Blocks blk = in.blocks();
    for (int d = 0; d < blk.count(); d++) {
      for (int r = 0; r < blk.inner(); r++) {
        int v = map[(d * blk.blockSize() + r) % map.length];
        if (v >= 0 && v < cols) {
          seen[v] = true;
        }
      }
    }
    for (boolean b : seen) {
      if (!b) {
        return false;
      }
    }
    return true;
  }

  /** Builds the weights of one arrangement and checks them on a random input. */
  public static DiagonalPlan build(LinearStage stage, SlotLayout in, Spec spec) {
    DiagonalPlan plan = switch (spec.method()) {
      case DIAGONALS -> diagonals(stage, in, spec.n1());
      case SPREAD_ROWS -> spreadRows(stage, in, spec.n1());
      case GATHER -> gather(stage, in);
    };
    plan.selfCheck(stage, in);
    return plan;
  }

  // ------------------------------------------------------------------ diagonals

  /** The nonzero generalised diagonals of the hybrid method. */
  private record DiagonalIndex(TreeMap<Integer, double[]> byIndex, int span, int outPeriod,
      int stride) {
    static DiagonalIndex of(LinearStage stage, int inPeriod, int slots) {
      int m = stage.rows();
      int outPeriod = pow2(m);
      int span = Math.max(inPeriod, outPeriod);
      if (span > slots) {
        return null;
      }
      TreeMap<Integer, double[]> byIndex = new TreeMap<>();
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
      int g = span;
      for (int k : byIndex.keySet()) {
        g = gcd(g, k);
      }
      return new DiagonalIndex(byIndex, span, outPeriod, g);
    }

    int maxIndex() {
      return byIndex.lastKey() / stride;
    }

    int sums() {
      return Integer.numberOfTrailingZeros(span / outPeriod);
    }
  }

  private static DiagonalPlan diagonals(LinearStage stage, SlotLayout in, int n1) {
    int slots = in.slots();
    DiagonalIndex idx = DiagonalIndex.of(stage, in.period(), slots);
    Map<Integer, Map<Integer, double[]>> w = new TreeMap<>();
    int g = idx.stride;
    for (Map.Entry<Integer, double[]> e : idx.byIndex.entrySet()) {
      int i = e.getKey() / g;
      int babyShift = (i % n1) * g;
      int giantShift = (i / n1) * n1 * g;
      double[] d = e.getValue();
      double[] full = new double[slots];
      for (int j = 0; j < slots; j++) {
        // replicated with period span, then rotated right by the giant shift
        full[j] = d[Math.floorMod(j - giantShift, idx.span)];
      }
      w.computeIfAbsent(giantShift, x -> new TreeMap<>()).put(babyShift, full);
    }
    List<Integer> sums = new ArrayList<>();
    for (int s = idx.outPeriod; s < idx.span; s <<= 1) {
      sums.add(s);
    }
    SlotLayout out = SlotLayout.periodic(stage.rows(), idx.outPeriod, slots);
    String words = String.format(java.util.Locale.ROOT, "diagonals: period %d -> %d, %d diagonals "
        + "(stride %d), BSGS n1 = %d", in.period(), idx.outPeriod, idx.byIndex.size(), g, n1);
    return new DiagonalPlan(Method.DIAGONALS, stage, slots, w, toArray(sums), out, words);
  }

  // ------------------------------------------------------------------ spread rows

  private static DiagonalPlan spreadRows(LinearStage stage, SlotLayout in, int n1) {
    int slots = in.slots();
    int p = in.period();
    int m = stage.rows();
    int perRow = p / n1;
    Map<Integer, double[]> byBaby = new TreeMap<>();
    for (int b = 0; b < n1; b++) {
      byBaby.put(b, new double[slots]);
    }
    int[] outMap = new int[slots];
    java.util.Arrays.fill(outMap, -1);
    for (int r = 0; r < m; r++) {
      int t = (r / n1) * p + r % n1;
      outMap[t] = r;
      for (int beta = 0; beta < perRow; beta++) {
        int u = t + n1 * beta;
        for (int b = 0; b < n1; b++) {
          int c = (u + b) % p;
          if (c < stage.cols()) {
            byBaby.get(b)[u] = stage.at(r, c);
          }
        }
      }
    }
    List<Integer> sums = new ArrayList<>();
    for (int s = n1; s < p; s <<= 1) {
      sums.add(s);
    }
    int blocks = pow2((m + n1 - 1) / n1);
    SlotLayout out = new SlotLayout(outMap, 0, new SlotLayout.Blocks(n1, p, blocks));
    String words = String.format(java.util.Locale.ROOT, "rows spread over the %d copies: period %d, "
        + "%d rows per copy, each over %d slots", slots / p, p, n1, perRow);
    return new DiagonalPlan(Method.SPREAD_ROWS, stage, slots, Map.of(0, byBaby), toArray(sums), out,
        words);
  }

  // ------------------------------------------------------------------ gather

  private static DiagonalPlan gather(LinearStage stage, SlotLayout in) {
    int slots = in.slots();
    int[] map = in.map();
    SlotLayout.Blocks blk = in.blocks();
    int m = stage.rows();
    // one slot per input value inside the block set
    int[] at = new int[stage.cols()];
    java.util.Arrays.fill(at, -1);
    for (int d = 0; d < blk.count(); d++) {
      for (int r = 0; r < blk.inner(); r++) {
        int a = d * blk.blockSize() + r;
        int v = map[a % slots];
        if (v >= 0 && v < at.length && at[v] < 0) {
          at[v] = a;
        }
      }
    }
    Map<Integer, double[]> byBaby = new TreeMap<>();
    int[] outMap = new int[slots];
    java.util.Arrays.fill(outMap, -1);
    for (int k = 0; k < m; k++) {
      int t = blk.inner() * k;
      outMap[t] = k;
      // rot(X, -t) moves input slot a to t + a
      double[] w = byBaby.computeIfAbsent(Math.floorMod(-t, slots), x -> new double[slots]);
      for (int c = 0; c < at.length; c++) {
        w[(t + at[c]) % slots] = stage.at(k, c);
      }
    }
    SlotLayout out = new SlotLayout(outMap, 0, new SlotLayout.Blocks(1, blk.inner(), pow2(m)));
    String words = String.format(java.util.Locale.ROOT, "gather: %d rows each read the %d scattered "
        + "inputs through its own rotation", m, stage.cols());
    return new DiagonalPlan(Method.GATHER, stage, slots, Map.of(0, byBaby), blk.steps(), out, words);
  }

  // ------------------------------------------------------------------ checks

  /**
   * Runs the plan on a random input in the slot layout, in plaintext, and compares every row with
   * the matrix product: a wrong arrangement fails here, at compile time, not under encryption.
   */
  private void selfCheck(LinearStage stage, SlotLayout in) {
    SplittableRandom rnd = new SplittableRandom(stage.rows() * 31L + stage.cols());
    double[] x = new double[stage.cols()];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextDouble(-1, 1);
    }
    int[] map = in.map();
    double[] slotsIn = new double[slots];
    for (int s = 0; s < slots; s++) {
      // slots outside the layout hold arbitrary values: a plan must not depend on them
      slotsIn[s] = map[s] >= 0 && map[s] < x.length ? x[map[s]] : rnd.nextDouble(-1, 1);
    }
    double[] y = apply(slotsIn);
    for (int r = 0; r < stage.rows(); r++) {
      double want = stage.bias()[r];
      double scale = Math.abs(want);
      for (int c = 0; c < stage.cols(); c++) {
        want += stage.at(r, c) * x[c];
        scale += Math.abs(stage.at(r, c) * x[c]);
      }
      int[] outMap = output.map();
      for (int s = 0; s < slots; s++) {
        if (outMap[s] == r && Math.abs(y[s] - want) > 1e-9 * (1 + scale)) {
          throw new IllegalStateException(stage.label() + ": internal: the " + method + " plan gives "
              + y[s] + " in slot " + s + " for row " + r + ", the matrix product " + want);
        }
      }
    }
  }

  /** The plan evaluated on plaintext slots, in the order the server evaluates it. */
  public double[] apply(double[] in) {
    if (in.length != slots) {
      throw new IllegalArgumentException("expected " + slots + " slots, got " + in.length);
    }
    double[] acc = new double[slots];
    for (Map.Entry<Integer, Map<Integer, double[]>> g : diagonals.entrySet()) {
      double[] inner = new double[slots];
      for (Map.Entry<Integer, double[]> b : g.getValue().entrySet()) {
        double[] w = b.getValue();
        for (int j = 0; j < slots; j++) {
          inner[j] += w[j] * in[(j + b.getKey()) % slots];
        }
      }
      for (int j = 0; j < slots; j++) {
        acc[j] += inner[(j + g.getKey()) % slots];
      }
    }
    for (int s : sumSteps) {
      double[] next = new double[slots];
      for (int j = 0; j < slots; j++) {
        next[j] = acc[j] + acc[(j + s) % slots];
      }
      acc = next;
    }
    for (int j = 0; j < slots; j++) {
      acc[j] += bias[j];
    }
    return acc;
  }

  // ------------------------------------------------------------------ accessors

  public Method method() {
    return method;
  }

  /** Where the stage's outputs sit: the next stage's input layout. */
  public SlotLayout output() {
    return output;
  }

  /** A slot holding row r's value after the stage. */
  public int outputSlot(int r) {
    return outSlot[r];
  }

  /** The arrangement in words, for {@code --explain}. */
  public String description() {
    return description;
  }

  /** Number of weight vectors (plaintext products per evaluation). */
  public int diagonalCount() {
    int n = 0;
    for (Map<Integer, double[]> m : diagonals.values()) {
      n += m.size();
    }
    return n;
  }

  /** giant shift → (baby shift → weights pre-rotated by −giant, over all slots). */
  public Map<Integer, Map<Integer, double[]>> diagonals() {
    return diagonals;
  }

  public int[] babySteps() {
    return babySteps.clone();
  }

  public int[] giantSteps() {
    return giantSteps.clone();
  }

  /** Rotate-and-add steps after the rescale. */
  public int[] sumSteps() {
    return sumSteps.clone();
  }

  /** Bias at every output slot, 0 elsewhere. */
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

  private static int[] toArray(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  static int pow2(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
