package org.privmed.infer.runtime;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.function.IntConsumer;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.math.Modulus;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;
import org.privmed.infer.plan.LinearStage;

/**
 * An affine stage in the CryptoNets packing (Gilad-Bachrach et al., ICML 2016, Sec. 3): every
 * ciphertext holds one feature of all the batch's images, so y_r = Σ_c M[r][c]·x_c + b_r is a
 * weighted sum of ciphertexts with scalar weights and no rotation.
 *
 * <p>Weights are the integers round(M·W): W is either q_l, the prime the following rescale drops
 * (the scale then returns exactly to its value before the stage), or a smaller W with no rescale
 * at all ({@link org.privmed.infer.compile.HeProgram#integerWeights()}). Per limb, the sum is taken
 * in 64-bit words without a reduction per term, the cheapest way the sizes allow:
 * <ul>
 *   <li>exact: residue times centred weight fits with room for many terms (small primes);</li>
 *   <li>split: each residue is cut into a low and a high half, two sums are kept and joined once
 *       at the end as hi·2^h + lo (wide primes, small weights); the halves and weights are small
 *       enough that the sums run exactly in double precision, on the floating-point units;</li>
 *   <li>Shoup: one Shoup multiplication per term left in the lazy range [0, 2q) (Harvey, "Faster
 *       arithmetic for number-theoretic transforms", J. Symb. Comp. 2014, Sec. 2), for the rest.</li>
 * </ul>
 * The sums are plain multiply-adds over arrays, which the JIT turns into vector code.
 */
final class ThroughputLinear {
  private static final int EXACT = 0;
  private static final int SPLIT = 1;
  private static final int SHOUP = 2;
  /** Sums stay below 2^62 in magnitude: two of them (or one and a reduced value) never overflow. */
  private static final double ROOM = 0x1p62;
  /** Coefficients per block: all inputs' blocks of one limb (784 × 2 KB for MNIST) stay in L2/L3. */
  static final int BLOCK = 256;
  /**
   * Per thread, the two half-width copies of a block of every input (3.2 MB for MNIST's first
   * stage), kept between tasks: allocated afresh they would be the batch's largest garbage, and
   * each young collection also copies the live input ciphertexts.
   */
  private static final ThreadLocal<double[][]> SPLIT_BUFFERS =
      ThreadLocal.withInitial(() -> new double[][] {new double[0], new double[0]});

  private final LinearStage stage;
  private final int level;
  private final int limbs;
  private final long[] primes;
  private final Modulus[] moduli;
  private final double constantScale;
  /** per row: the nonzero columns. */
  private final int[][] columns;
  /** per row, per limb, per nonzero: weight residue and its Shoup companion (Shoup limbs). */
  private final long[][][] weight;
  private final long[][][] weightShoup;
  /** per row, per limb, per nonzero: the weight as a signed integer congruent mod q_i. */
  private final long[][][] weightSigned;
  /** the same as doubles (split limbs). */
  private final double[][][] weightDouble;
  private final int[] kind;
  /** rows in groups of at most four with identical nonzero columns (conv channels, dense rows). */
  private final int[][] rowGroups;
  /** per limb: terms summed before a reduction. */
  private final int[] group;
  /** per limb (split): bits of the low half, and 2^h mod q with its Shoup companion. */
  private final int[] half;
  private final long[] halfPow;
  private final long[] halfPowShoup;
  /** per limb: the least multiple of q_i at or above 2^62, and floor((2^64 − 1)/q_i) for Barrett. */
  private final long[] liftMultiple;
  private final long[] barrett;

  /**
   * @param constantScale W: the weights are round(M·W), the output scale the input's times W
   */
  ThroughputLinear(CkksContext ctx, LinearStage stage, int level, double constantScale) {
    this.stage = stage;
    this.level = level;
    this.limbs = level + 1;
    RnsBasis q = ctx.rlwe().qAtLevel(level);
    this.moduli = new Modulus[limbs];
    this.primes = new long[limbs];
    for (int i = 0; i < limbs; i++) {
      moduli[i] = q.modulus(i);
      primes[i] = moduli[i].value();
    }
    if (!(constantScale >= 1) || !Double.isFinite(constantScale)) {
      throw new IllegalArgumentException("weight scale must be finite and >= 1, got " + constantScale);
    }
    this.constantScale = constantScale;
    int rows = stage.rows();
    this.columns = new int[rows][];
    this.weight = new long[rows][limbs][];
    this.weightShoup = new long[rows][limbs][];
    this.weightSigned = new long[rows][limbs][];
    this.weightDouble = new double[rows][limbs][];
    long[] widest = new long[limbs];
    for (int r = 0; r < rows; r++) {
      int nz = 0;
      for (int c = 0; c < stage.cols(); c++) {
        if (stage.at(r, c) != 0) {
          nz++;
        }
      }
      columns[r] = new int[nz];
      for (int i = 0; i < limbs; i++) {
        weight[r][i] = new long[nz];
        weightShoup[r][i] = new long[nz];
        weightSigned[r][i] = new long[nz];
        weightDouble[r][i] = new double[nz];
      }
      int t = 0;
      for (int c = 0; c < stage.cols(); c++) {
        double v = stage.at(r, c);
        if (v == 0) {
          continue;
        }
        columns[r][t] = c;
        double scaled = Math.rint(v * constantScale);
        for (int i = 0; i < limbs; i++) {
          long w = residue(scaled, moduli[i]);
          weight[r][i][t] = w;
          weightShoup[r][i][t] = moduli[i].shoup(w);
          // the smaller of the integer itself and the centred residue
          long centred = w > primes[i] / 2 ? w - primes[i] : w;
          long s = Math.abs(scaled) < Math.abs((double) centred) ? (long) scaled : centred;
          weightSigned[r][i][t] = s;
          weightDouble[r][i][t] = s;
          widest[i] = Math.max(widest[i], Math.abs(s));
        }
        t++;
      }
    }
    this.rowGroups = groupRows(columns);
    this.kind = new int[limbs];
    this.group = new int[limbs];
    this.half = new int[limbs];
    this.halfPow = new long[limbs];
    this.halfPowShoup = new long[limbs];
    this.liftMultiple = new long[limbs];
    this.barrett = new long[limbs];
    for (int i = 0; i < limbs; i++) {
      double w = Math.max(1, widest[i]);
      long exact = (long) Math.floor(ROOM / ((double) primes[i] * w));
      int h = (moduli[i].bitLength() + 1) / 2;
      // split sums run in doubles: products and group sums below 2^53
      long split = (long) Math.floor(0x1p53 / (Math.scalb(1.0, h) * w));
      if (exact >= 8) {
        kind[i] = EXACT;
        group[i] = (int) Math.min(exact, 1 << 20);
      } else if (split >= 4 && moduli[i].bitLength() <= 60) {
        kind[i] = SPLIT;
        group[i] = (int) Math.min(split, 1 << 20);
        half[i] = h;
        halfPow[i] = moduli[i].reduce(1L << h);
        halfPowShoup[i] = moduli[i].shoup(halfPow[i]);
        liftMultiple[i] = ((1L << 62) / primes[i] + 1) * primes[i];
        barrett[i] = Long.divideUnsigned(-1L, primes[i]);
      } else {
        kind[i] = SHOUP;
      }
    }
  }

  /** Rows with equal column lists, in groups of four (the last group of a list may be smaller). */
  private static int[][] groupRows(int[][] columns) {
    java.util.Map<java.util.List<Integer>, java.util.List<Integer>> byColumns = new java.util.LinkedHashMap<>();
    for (int r = 0; r < columns.length; r++) {
      java.util.List<Integer> key = Arrays.stream(columns[r]).boxed().toList();
      byColumns.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(r);
    }
    java.util.List<int[]> groups = new java.util.ArrayList<>();
    for (java.util.List<Integer> same : byColumns.values()) {
      for (int s = 0; s < same.size(); s += 4) {
        groups.add(same.subList(s, Math.min(s + 4, same.size())).stream().mapToInt(Integer::intValue)
            .toArray());
      }
    }
    return groups.toArray(new int[0][]);
  }

  /** round(v) mod q, exact for any magnitude. */
  static long residue(double v, Modulus m) {
    double r = Math.rint(v);
    if (Math.abs(r) < 0x1p62) {
      return m.reduceSigned((long) r);
    }
    BigInteger big = new BigDecimal(r).setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
    return big.mod(BigInteger.valueOf(m.value())).longValue();
  }

  double constantScale() {
    return constantScale;
  }

  /** Runs {@code count} independent tasks, in parallel where the caller has threads. */
  interface Tasks {
    void run(int count, IntConsumer body);
  }

  /**
   * All rows of the stage (before any rescale): scale x.scale·W. The work is cut into blocks of
   * {@value #BLOCK} coefficients of one polynomial and limb, and each block computes every row: a
   * block of all inputs stays in cache while the rows that share those inputs read it, instead of
   * streaming every input from memory once per row.
   */
  Ciphertext[] apply(Ciphertext[] x, long paramsId, Tasks tasks) {
    int n = x[0].poly(0).ringDegree();
    boolean ntt = x[0].poly(0).isNtt();
    double outScale = x[0].scale() * constantScale;
    int rows = stage.rows();
    RnsPoly[][] out = new RnsPoly[rows][2];
    for (int r = 0; r < rows; r++) {
      out[r][0] = new RnsPoly(n, limbs, ntt);
      out[r][1] = new RnsPoly(n, limbs, ntt);
    }
    long[][] bias = new long[rows][limbs];
    for (int r = 0; r < rows; r++) {
      double b = stage.bias()[r];
      for (int i = 0; i < limbs && b != 0; i++) {
        bias[r][i] = residue(b * outScale, moduli[i]);
      }
    }
    int blocks = (n + BLOCK - 1) / BLOCK;
    tasks.run(2 * limbs * blocks, task -> {
      int p = task / (limbs * blocks);
      int i = task / blocks % limbs;
      int j0 = task % blocks * BLOCK;
      int len = Math.min(BLOCK, n - j0);
      Modulus m = moduli[i];
      long[] acc = new long[len];
      long[][] src = new long[x.length][];
      int[] off = new int[x.length];
      double[] lo = null;
      double[] hi = null;
      if (kind[i] == SPLIT) {
        // the halves of this block of every input, as doubles: the sums then run on the
        // floating-point multiply-add units, twice as fast as 64-bit integer multiplies here
        int h = half[i];
        long mask = (1L << h) - 1;
        double[][] buffers = SPLIT_BUFFERS.get();
        if (buffers[0].length < x.length * len) {
          buffers[0] = new double[x.length * len];
          buffers[1] = new double[x.length * len];
        }
        lo = buffers[0];
        hi = buffers[1];
        for (int c = 0; c < x.length; c++) {
          long[] xs = x[c].poly(p).limb(i);
          int o = c * len;
          for (int j = 0; j < len; j++) {
            long v = xs[j0 + j];
            lo[o + j] = v & mask;
            hi[o + j] = v >>> h;
          }
          off[c] = o;
        }
      } else {
        for (int c = 0; c < x.length; c++) {
          src[c] = x[c].poly(p).limb(i);
          off[c] = j0;
        }
      }
      long[] accHi = kind[i] == SPLIT ? new long[len] : null;
      double[] partial = kind[i] == SPLIT ? new double[len] : null;
      long[][] lo4 = null;
      long[][] hi4 = null;
      double[][] partial4 = null;
      for (int[] g : rowGroups) {
        if (kind[i] == SPLIT && g.length == 4) {
          if (lo4 == null) {
            lo4 = new long[4][len];
            hi4 = new long[4][len];
            partial4 = new double[4][len];
          }
          double[][] w4 = new double[4][];
          for (int k = 0; k < 4; k++) {
            w4[k] = weightDouble[g[k]][i];
          }
          doubleSum4(lo, off, columns[g[0]], m, group[i], w4, partial4, lo4);
          doubleSum4(hi, off, columns[g[0]], m, group[i], w4, partial4, hi4);
          for (int k = 0; k < 4; k++) {
            long[] dst = out[g[k]][p].limb(i);
            join(hi4[k], lo4[k], i, dst, j0);
            addBias(bias[g[k]][i], p, m, ntt, dst, j0, len);
          }
          continue;
        }
        for (int r : g) {
          long[] dst = out[r][p].limb(i);
          if (kind[i] == EXACT) {
            exactSum(src, off, columns[r], m, group[i], weightSigned[r][i], acc);
            for (int j = 0; j < len; j++) {
              dst[j0 + j] = m.reduceSigned(acc[j]);
            }
          } else if (kind[i] == SPLIT) {
            doubleSum(lo, off, columns[r], m, group[i], weightDouble[r][i], partial, acc);
            doubleSum(hi, off, columns[r], m, group[i], weightDouble[r][i], partial, accHi);
            join(accHi, acc, i, dst, j0);
          } else {
            shoupSum(src, off, columns[r], i, weight[r][i], weightShoup[r][i], acc);
            for (int j = 0; j < len; j++) {
              dst[j0 + j] = m.reduce(acc[j]);
            }
          }
          addBias(bias[r][i], p, m, ntt, dst, j0, len);
        }
      }
    });
    Ciphertext[] result = new Ciphertext[rows];
    for (int r = 0; r < rows; r++) {
      result[r] = new Ciphertext(out[r], outScale, paramsId);
    }
    return result;
  }

  /** Adds the bias residue c to c0 (p = 0): to every NTT value, or to the constant coefficient. */
  private static void addBias(long c, int p, Modulus m, boolean ntt, long[] dst, int j0, int len) {
    if (p != 0 || c == 0) {
      return;
    }
    if (ntt) {
      for (int j = 0; j < len; j++) {
        dst[j0 + j] = m.add(dst[j0 + j], c);
      }
    } else if (j0 == 0) {
      dst[0] = m.add(dst[0], c);
    }
  }

  /**
   * {@link #doubleSum} for four rows over the same columns at once: each input value is loaded
   * once for the four rows, two terms per pass, which relieves the loads that bound the one-row
   * loop (1.4× measured at 256 to 512 coefficients per block).
   */
  private static void doubleSum4(double[] x, int[] off, int[] cols, Modulus m, int group,
      double[][] w, double[][] partial, long[][] acc) {
    int len = acc[0].length;
    double[] p0 = partial[0];
    double[] p1 = partial[1];
    double[] p2 = partial[2];
    double[] p3 = partial[3];
    double[] w0 = w[0];
    double[] w1 = w[1];
    double[] w2 = w[2];
    double[] w3 = w[3];
    for (int k = 0; k < 4; k++) {
      Arrays.fill(acc[k], 0);
      Arrays.fill(partial[k], 0);
    }
    int since = 0;
    int flushes = 0;
    int t = 0;
    while (t < cols.length) {
      int k = Math.min(2, cols.length - t);
      if (since + k > group) {
        boolean reduce = ++flushes % 64 == 0;
        for (int r = 0; r < 4; r++) {
          flush(partial[r], acc[r], m, reduce);
        }
        since = 0;
      }
      int o = off[cols[t]];
      if (k == 2) {
        int u = off[cols[t + 1]];
        double a0 = w0[t];
        double a1 = w1[t];
        double a2 = w2[t];
        double a3 = w3[t];
        double b0 = w0[t + 1];
        double b1 = w1[t + 1];
        double b2 = w2[t + 1];
        double b3 = w3[t + 1];
        for (int j = 0; j < len; j++) {
          double v = x[o + j];
          double y = x[u + j];
          p0[j] += v * a0 + y * b0;
          p1[j] += v * a1 + y * b1;
          p2[j] += v * a2 + y * b2;
          p3[j] += v * a3 + y * b3;
        }
      } else {
        double a0 = w0[t];
        double a1 = w1[t];
        double a2 = w2[t];
        double a3 = w3[t];
        for (int j = 0; j < len; j++) {
          double v = x[o + j];
          p0[j] += v * a0;
          p1[j] += v * a1;
          p2[j] += v * a2;
          p3[j] += v * a3;
        }
      }
      t += k;
      since += k;
    }
    for (int r = 0; r < 4; r++) {
      flush(partial[r], acc[r], m, false);
    }
  }

  /**
   * dst = hi·2^h + lo mod q from the two exact sums. Both are below 2^62 − q in magnitude
   * ({@link #doubleSum}); adding 2^62 rounded up to a multiple of q makes them non-negative below
   * 2^63 with no branch, then one
   * Barrett reduction and, for hi, one lazy Shoup product by 2^h (the result below 3q takes two
   * conditional subtractions).
   */
  private void join(long[] hi, long[] lo, int i, long[] dst, int j0) {
    long q = primes[i];
    long lift = liftMultiple[i];
    long ratio = barrett[i];
    long c = halfPow[i];
    long cs = halfPowShoup[i];
    for (int j = 0; j < lo.length; j++) {
      long h = hi[j] + lift;
      h -= Math.multiplyHigh(h, ratio) * q; // in [0, 3q)
      long l = lo[j] + lift;
      l -= Math.multiplyHigh(l, ratio) * q;
      long r = Modulus.mulShoupLazy(h, c, cs, q) + l; // h·2^h lazily in [0, 2q), plus l: [0, 5q)
      r -= Math.multiplyHigh(r, ratio) * q;
      r -= q & ((q - 1 - r) >> 63);
      r -= q & ((q - 1 - r) >> 63);
      dst[j0 + j] = r;
    }
  }

  /**
   * Σ_t x_t·w_t of half-width inputs in double precision: every product is below 2^53 and so is
   * every partial sum of {@code group} terms, so the sums are exact integers; each group is moved
   * into the 64-bit accumulator {@code acc}, reduced every 64 groups so that it stays below
   * 2^59 + q in magnitude.
   */
  private static void doubleSum(double[] x, int[] off, int[] cols, Modulus m, int group, double[] w,
      double[] partial, long[] acc) {
    int len = acc.length;
    Arrays.fill(acc, 0);
    Arrays.fill(partial, 0);
    int since = 0;
    int flushes = 0;
    int t = 0;
    while (t < cols.length) {
      int k = Math.min(4, cols.length - t);
      if (since + k > group) {
        flush(partial, acc, m, ++flushes % 64 == 0);
        since = 0;
      }
      if (k == 4) {
        int o0 = off[cols[t]];
        int o1 = off[cols[t + 1]];
        int o2 = off[cols[t + 2]];
        int o3 = off[cols[t + 3]];
        double w0 = w[t];
        double w1 = w[t + 1];
        double w2 = w[t + 2];
        double w3 = w[t + 3];
        for (int j = 0; j < len; j++) {
          partial[j] += x[o0 + j] * w0 + x[o1 + j] * w1 + x[o2 + j] * w2 + x[o3 + j] * w3;
        }
      } else {
        for (int u = 0; u < k; u++) {
          int o = off[cols[t + u]];
          double wu = w[t + u];
          for (int j = 0; j < len; j++) {
            partial[j] += x[o + j] * wu;
          }
        }
      }
      t += k;
      since += k;
    }
    flush(partial, acc, m, false);
  }

  private static void flush(double[] partial, long[] acc, Modulus m, boolean reduce) {
    for (int j = 0; j < acc.length; j++) {
      long v = acc[j] + (long) partial[j];
      acc[j] = reduce ? m.reduceSigned(v) : v;
      partial[j] = 0;
    }
  }

  /** Σ_t x_t·w_t with one lazy Shoup product per term, reduced below 2^63 as needed. */
  private void shoupSum(long[][] x, int[] off, int[] cols, int i, long[] w, long[] ws, long[] acc) {
    int len = acc.length;
    long q = primes[i];
    // each lazy term is below 2q; this many fit in a signed word on top of a reduced value
    long budget = Math.max(1, (Long.MAX_VALUE - q) / (2 * q));
    Arrays.fill(acc, 0);
    long pending = 0;
    for (int t = 0; t < cols.length; t++) {
      if (pending == budget) {
        for (int j = 0; j < len; j++) {
          acc[j] = moduli[i].reduce(acc[j]);
        }
        pending = 0;
      }
      long[] xs = x[cols[t]];
      int o = off[cols[t]];
      long wt = w[t];
      long wst = ws[t];
      for (int j = 0; j < len; j++) {
        long xj = xs[o + j];
        long hi = Math.multiplyHigh(xj, wst) + ((wst >> 63) & xj);
        acc[j] += xj * wt - hi * q;
      }
      pending++;
    }
  }

  /**
   * Σ_t x_t·w_t (unreduced, below 2^63 in magnitude) with exact 64-bit products, four terms per
   * pass over the accumulator, one signed Barrett reduction per {@code group} terms. Input c is
   * {@code x[c]} from {@code off[c]} on.
   */
  private static void exactSum(long[][] x, int[] off, int[] cols, Modulus m, int group, long[] w,
      long[] acc) {
    int len = acc.length;
    Arrays.fill(acc, 0);
    int since = 0;
    int t = 0;
    while (t < cols.length) {
      int k = Math.min(4, cols.length - t);
      if (since + k > group) {
        for (int j = 0; j < len; j++) {
          acc[j] = m.reduceSigned(acc[j]);
        }
        since = 1;
      }
      if (k == 4) {
        long[] x0 = x[cols[t]];
        long[] x1 = x[cols[t + 1]];
        long[] x2 = x[cols[t + 2]];
        long[] x3 = x[cols[t + 3]];
        int o0 = off[cols[t]];
        int o1 = off[cols[t + 1]];
        int o2 = off[cols[t + 2]];
        int o3 = off[cols[t + 3]];
        long w0 = w[t];
        long w1 = w[t + 1];
        long w2 = w[t + 2];
        long w3 = w[t + 3];
        for (int j = 0; j < len; j++) {
          acc[j] += x0[o0 + j] * w0 + x1[o1 + j] * w1 + x2[o2 + j] * w2 + x3[o3 + j] * w3;
        }
      } else {
        for (int u = 0; u < k; u++) {
          long[] xs = x[cols[t + u]];
          int o = off[cols[t + u]];
          long wu = w[t + u];
          for (int j = 0; j < len; j++) {
            acc[j] += xs[o + j] * wu;
          }
        }
      }
      t += k;
      since += k;
    }
  }

  int level() {
    return level;
  }

  /** Which sum each limb uses: "exact", "split" or "shoup" (for tests). */
  String kernel(int limb) {
    return kind[limb] == EXACT ? "exact" : kind[limb] == SPLIT ? "split" : "shoup";
  }
}
