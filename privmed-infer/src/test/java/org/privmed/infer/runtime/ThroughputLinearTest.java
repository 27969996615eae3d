package org.privmed.infer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.he.math.Modulus;
import org.privmed.he.ring.RnsPoly;
import org.privmed.infer.plan.LinearStage;

/**
 * Every kernel of {@link ThroughputLinear} (exact 64-bit sums, half-width sums in doubles, lazy
 * Shoup products) against the weighted sum computed with BigInteger, on uniformly random residues.
 */
class ThroughputLinearTest {
  private static final CkksParameters PARAMS = CkksParameters.builder().logN(12)
      .qBits(28, 60, 50).pBits(60).scale(Math.pow(2, 20)).insecureForTesting().build();

  private static void check(double weightScale, String[] expectedKernels, int rows, int cols,
      long seed) {
    check(weightScale, expectedKernels, rows, cols, seed, false);
  }

  private static void check(double weightScale, String[] expectedKernels, int rows, int cols,
      long seed, boolean dense) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] m = new double[rows * cols];
    double[] b = new double[rows];
    for (int k = 0; k < m.length; k++) {
      m[k] = !dense && rnd.nextInt(4) == 0 ? 0 : (rnd.nextDouble() * 2 - 1) * (k % 11 == 0 ? 8 : 1);
    }
    for (int r = 0; r < rows; r++) {
      b[r] = rnd.nextDouble() - 0.5;
    }
    LinearStage stage = new LinearStage("test", rows, cols, m, b);
    try (CkksContext ctx = new CkksContext(PARAMS, 1)) {
      int level = ctx.maxLevel();
      int n = ctx.ringDegree();
      Ciphertext[] x = new Ciphertext[cols];
      for (int c = 0; c < cols; c++) {
        RnsPoly[] polys = {new RnsPoly(n, level + 1, true), new RnsPoly(n, level + 1, true)};
        for (RnsPoly p : polys) {
          for (int i = 0; i <= level; i++) {
            long q = ctx.rlwe().qAtLevel(level).modulus(i).value();
            long[] limb = p.limb(i);
            for (int j = 0; j < n; j++) {
              limb[j] = rnd.nextLong(q);
            }
          }
        }
        x[c] = new Ciphertext(polys, 3.0, ctx.paramsId());
      }
      ThroughputLinear k = new ThroughputLinear(ctx, stage, level, weightScale);
      for (int i = 0; i <= level; i++) {
        assertEquals(expectedKernels[i], k.kernel(i), "kernel of limb " + i);
      }
      Ciphertext[] out = k.apply(x, ctx.paramsId(), (count, body) -> {
        for (int t = 0; t < count; t++) {
          body.accept(t);
        }
      });
      assertEquals(rows, out.length);
      for (int r = 0; r < rows; r++) {
        assertEquals(3.0 * weightScale, out[r].scale(), 1e-9 * weightScale);
        for (int p = 0; p < 2; p++) {
          for (int i = 0; i <= level; i++) {
            Modulus mod = ctx.rlwe().qAtLevel(level).modulus(i);
            BigInteger q = BigInteger.valueOf(mod.value());
            for (int j = 0; j < n; j += 101) {
              BigInteger want = BigInteger.ZERO;
              for (int c = 0; c < cols; c++) {
                long w = ThroughputLinear.residue(m[r * cols + c] * weightScale, mod);
                want = want.add(BigInteger.valueOf(w).multiply(BigInteger.valueOf(x[c].poly(p).limb(i)[j])));
              }
              if (p == 0) {
                want = want.add(BigInteger.valueOf(ThroughputLinear.residue(b[r] * (3.0 * weightScale), mod)));
              }
              assertEquals(want.mod(q).longValue(), out[r].poly(p).limb(i)[j],
                  "row " + r + " poly " + p + " limb " + i + " coefficient " + j);
            }
          }
        }
      }
    }
  }

  @Test
  void integerWeightsUseExactSumsOnNarrowAndHalvesOnWidePrimes() {
    check(Math.pow(2, 16), new String[] {"exact", "split", "split"}, 5, 70, 1);
  }

  /** Rows over the same columns are summed four at a time; 7 rows leave a group of three. */
  @Test
  void rowsSharingTheirColumnsAreSummedTogether() {
    check(Math.pow(2, 16), new String[] {"exact", "split", "split"}, 7, 45, 4, true);
    check(Math.pow(2, 22), new String[] {"exact", "shoup", "split"}, 4, 301, 5, true);
  }

  @Test
  void manyTermsForceIntermediateReductions() {
    // weights up to 8·2^22: groups of a few terms on the split limb, hundreds of terms per row
    check(Math.pow(2, 22), new String[] {"exact", "shoup", "split"}, 3, 700, 2);
  }

  @Test
  void weightsScaledByAPrimeFallBackToShoupOnWidePrimes() {
    check((double) ((1L << 59) + 12345), new String[] {"exact", "shoup", "shoup"}, 4, 40, 3);
  }
}
