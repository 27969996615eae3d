package org.privmed.infer.runtime;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
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
 * <p>Weights are encoded as round(M·q_l) with q_l the prime the following rescale drops, so the
 * scale returns exactly to its value before the stage. Each term is one Shoup multiplication per
 * coefficient left in the lazy range [0, 2q) (Harvey, "Faster arithmetic for number-theoretic
 * transforms", J. Symb. Comp. 2014, Sec. 2) and the terms are summed in 64-bit words without
 * reduction, reducing only when the next term could overflow and once at the end: the cost is one
 * multiply-high, two multiplies and one add per coefficient and term.
 */
final class ThroughputLinear {
  private final LinearStage stage;
  private final int level;
  private final int limbs;
  private final long[] primes;
  private final Modulus[] moduli;
  private final double constantScale;
  /** per row: the nonzero columns. */
  private final int[][] columns;
  /** per row, per limb, per nonzero: weight residue and its Shoup companion. */
  private final long[][][] weight;
  private final long[][][] weightShoup;
  /** per row, per limb, per nonzero: weight residue centred in (−q/2, q/2]. */
  private final long[][][] weightCentred;
  /** per limb: how many exact products fit in a signed word before a reduction (0: use Shoup). */
  private final int[] group;

  ThroughputLinear(CkksContext ctx, LinearStage stage, int level) {
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
    this.constantScale = (double) primes[level];
    int rows = stage.rows();
    this.columns = new int[rows][];
    this.weight = new long[rows][limbs][];
    this.weightShoup = new long[rows][limbs][];
    this.weightCentred = new long[rows][limbs][];
    this.group = new int[limbs];
    for (int i = 0; i < limbs; i++) {
      // |x·w| < q·q/2 for x in [0, q) and a centred w; leave room for one reduced value
      double perTerm = (double) primes[i] * (primes[i] / 2 + 1);
      long fit = (long) Math.floor(0x1p62 / perTerm);
      group[i] = fit >= 4 ? (int) Math.min(fit, 1 << 20) : 0;
    }
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
        weightCentred[r][i] = new long[nz];
      }
      int t = 0;
      for (int c = 0; c < stage.cols(); c++) {
        double v = stage.at(r, c);
        if (v == 0) {
          continue;
        }
        columns[r][t] = c;
        for (int i = 0; i < limbs; i++) {
          long w = residue(v * constantScale, moduli[i]);
          weight[r][i][t] = w;
          weightShoup[r][i][t] = moduli[i].shoup(w);
          weightCentred[r][i][t] = w > primes[i] / 2 ? w - primes[i] : w;
        }
        t++;
      }
    }
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

  /** Row r of the output (before the rescale): scale x.scale·q_l. */
  Ciphertext row(int r, Ciphertext[] x, long paramsId) {
    int n = x[0].poly(0).ringDegree();
    boolean ntt = x[0].poly(0).isNtt();
    double outScale = x[0].scale() * constantScale;
    RnsPoly[] out = new RnsPoly[2];
    int[] cols = columns[r];
    long[] acc = new long[n];
    for (int p = 0; p < 2; p++) {
      out[p] = new RnsPoly(n, limbs, ntt);
      for (int i = 0; i < limbs; i++) {
        long q = primes[i];
        if (group[i] > 0) {
          exactSum(x, cols, p, i, weightCentred[r][i], group[i], acc, out[p].limb(i));
          continue;
        }
        long[] w = weight[r][i];
        long[] ws = weightShoup[r][i];
        // each lazy term is below 2q; this many fit in a signed word on top of a reduced value
        long budget = Math.max(1, (Long.MAX_VALUE - q) / (2 * q));
        java.util.Arrays.fill(acc, 0);
        long pending = 0;
        for (int t = 0; t < cols.length; t++) {
          if (pending == budget) {
            for (int j = 0; j < n; j++) {
              acc[j] = moduli[i].reduce(acc[j]);
            }
            pending = 0;
          }
          long[] xs = x[cols[t]].poly(p).limb(i);
          long wt = w[t];
          long wst = ws[t];
          for (int j = 0; j < n; j++) {
            long xj = xs[j];
            long hi = Math.multiplyHigh(xj, wst) + ((wst >> 63) & xj);
            acc[j] += xj * wt - hi * q;
          }
          pending++;
        }
        long[] dst = out[p].limb(i);
        for (int j = 0; j < n; j++) {
          dst[j] = moduli[i].reduce(acc[j]);
        }
      }
    }
    double b = stage.bias()[r];
    if (b != 0) {
      for (int i = 0; i < limbs; i++) {
        long c = residue(b * outScale, moduli[i]);
        long[] dst = out[0].limb(i);
        if (ntt) {
          for (int j = 0; j < n; j++) {
            dst[j] = moduli[i].add(dst[j], c);
          }
        } else {
          dst[0] = moduli[i].add(dst[0], c);
        }
      }
    }
    return new Ciphertext(out, outScale, paramsId);
  }

  /**
   * Σ_t x_t·w_t with exact 64-bit products of small primes' residues (no per-term reduction),
   * four terms per pass over the accumulator, one signed Barrett reduction per {@code group} terms.
   */
  private void exactSum(Ciphertext[] x, int[] cols, int p, int i, long[] w, int group, long[] acc,
      long[] dst) {
    int n = acc.length;
    Modulus m = moduli[i];
    java.util.Arrays.fill(acc, 0);
    int since = 0;
    int t = 0;
    while (t < cols.length) {
      int k = Math.min(4, cols.length - t);
      if (since + k > group) {
        for (int j = 0; j < n; j++) {
          acc[j] = m.reduceSigned(acc[j]);
        }
        since = 1;
      }
      if (k == 4) {
        long[] x0 = x[cols[t]].poly(p).limb(i);
        long[] x1 = x[cols[t + 1]].poly(p).limb(i);
        long[] x2 = x[cols[t + 2]].poly(p).limb(i);
        long[] x3 = x[cols[t + 3]].poly(p).limb(i);
        long w0 = w[t];
        long w1 = w[t + 1];
        long w2 = w[t + 2];
        long w3 = w[t + 3];
        for (int j = 0; j < n; j++) {
          acc[j] += x0[j] * w0 + x1[j] * w1 + x2[j] * w2 + x3[j] * w3;
        }
      } else {
        for (int u = 0; u < k; u++) {
          long[] xs = x[cols[t + u]].poly(p).limb(i);
          long wu = w[t + u];
          for (int j = 0; j < n; j++) {
            acc[j] += xs[j] * wu;
          }
        }
      }
      t += k;
      since += k;
    }
    for (int j = 0; j < n; j++) {
      dst[j] = m.reduceSigned(acc[j]);
    }
  }

  int level() {
    return level;
  }
}
