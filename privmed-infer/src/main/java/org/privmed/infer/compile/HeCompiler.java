package org.privmed.infer.compile;

import java.util.List;
import org.privmed.data.ImageDataset;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.he.security.SecurityLevel;
import org.privmed.he.security.SecurityTable;
import org.privmed.infer.plan.LinearStage;
import org.privmed.infer.plan.Lowering;
import org.privmed.infer.plan.Stage;
import org.privmed.nn.model.Model;

/**
 * Compiles a trained model into an {@link HeProgram}: lowering to linear and polynomial stages
 * ({@link Lowering}), value ranges from calibration data ({@link Calibration}), then the CKKS
 * parameters.
 *
 * <p>Parameter choice. The multiplicative depth L is the sum of the stages' depths, so the chain
 * is q_0 followed by L primes of Δ's size (one rescale per level, Cheon et al., SAC 2018, Sec. 5).
 * q_0 must hold the largest scaled value left at level 0 (and every level's value with its scale)
 * with a factor-8 margin over the calibration maximum; the one special prime P is as large as
 * q_0 so hybrid key switching with one prime per digit adds little noise (Han and Ki, "Better
 * bootstrapping for approximate HE", CT-RSA 2020, Sec. 3). Ring degrees are tried from the
 * smallest that holds the packing; for each, the largest Δ whose log2(QP) stays within the
 * HomomorphicEncryption.org 128-bit bound is taken, and the set is accepted when the predicted
 * output error ({@link ErrorModel}) is below the target: the options' absolute target, or
 * {@value #RELATIVE_TARGET} of the largest calibrated logit if that is larger — whether an argmax
 * flips depends on the error against the margins between logits, and those grow with the logits
 * (a trained MNIST network's logits reach 75, a random one's 1). At 1e-3 the trained tenseal-mnist
 * sat on the edge (predicted 0.069 against 0.073 to 0.076, depending on the calibration images)
 * and went to N = 16384, while its measured worst error at N = 8192 is 0.003.
 *
 * <p>Throughput programs whose polynomials are all of degree at most 2 after a linear stage use
 * integer weights ({@link HeProgram#integerWeights()}): linear stages take no level, the chain is
 * q_0 and one wide prime per polynomial level, and the search is over the prime width b and the
 * scale Δ = 2^a, trading the weights' precision 2^((b−a)/2) against the noise ({@link
 * #bestIntegerWeights}).
 */
public final class HeCompiler {
  static final double RELATIVE_TARGET = 2e-3;

  private HeCompiler() {}

  public static HeProgram compile(Model model, Packing packing, CompileOptions opts,
      ImageDataset calibration) {
    Lowering.Lowered low = Lowering.lower(model, packing == Packing.LATENCY);
    Calibration.Result cal = Calibration.ranges(model, low.layout(), low.stages(), calibration,
        opts.calibrationImages());
    List<Stage> stages = low.stages();
    boolean integerWeights = packing == Packing.THROUGHPUT && HeProgram.integerWeightsFit(stages);
    int depth = 0;
    for (Stage s : stages) {
      depth += HeProgram.stageDepth(s, integerWeights);
    }
    int neededSlots = packing == Packing.LATENCY ? HeProgram.latencySlots(low) : 1;
    int minLogN = packing == Packing.THROUGHPUT ? Math.max(13, opts.minLogN()) : opts.minLogN();
    double target = Math.max(opts.targetError(), RELATIVE_TARGET * cal.maxAbs()[stages.size()]);
    StringBuilder tried = new StringBuilder();
    for (int logN = minLogN; logN <= opts.maxLogN(); logN++) {
      int n = 1 << logN;
      if (n / 2 < neededSlots) {
        tried.append(" N=").append(n).append(": ").append(neededSlots).append(" slots needed;");
        continue;
      }
      int bound = SecurityTable.maxLogQP(n, SecurityLevel.CLASSICAL_128);
      HeProgram best = null;
      if (integerWeights) {
        best = bestIntegerWeights(model, packing, opts, stages, cal, logN, bound, depth, target);
      }
      for (int s = opts.maxScaleBits(); s >= opts.minScaleBits() && !integerWeights; s--) {
        int q0 = firstPrimeBits(stages, cal.maxAbs(), s);
        if (q0 > 60) {
          continue;
        }
        // the rest of the budget goes to the special prime: it divides the key-switching noise
        int p = Math.min(60, bound - q0 - depth * s);
        if (p < Math.max(q0, s)) {
          continue;
        }
        CkksParameters params;
        try {
          params = build(logN, q0, s, depth, p);
        } catch (IllegalArgumentException notEnoughPrimes) {
          continue; // too few NTT-friendly primes of these sizes for this ring degree
        }
        HeProgram prog = HeProgram.assemble(model, packing, params, cal.maxAbs(), cal.source());
        if (best == null || prog.predictedError() < best.predictedError()) {
          best = prog;
        }
      }
      if (best != null && best.predictedError() <= target) {
        return best;
      }
      tried.append(best == null ? " N=" + n + ": depth does not fit the 128-bit bound;"
          : String.format(java.util.Locale.ROOT, " N=%d: best predicted error %.3g;", n,
              best.predictedError()));
    }
    throw new IllegalArgumentException("no 128-bit-secure CKKS parameters fit model " + model.name()
        + " (depth " + depth + ", packing " + packing + ", target error " + String.format(java.util.Locale.ROOT, "%.3g", target)
        + ") within N <= 2^" + opts.maxLogN() + ":" + tried);
  }

  /**
   * Integer-weight throughput ({@link HeProgram#integerWeights()}): the chain is q_0 and one wide
   * prime of b bits per polynomial level, scale Δ = 2^a, so the weights' scale is about
   * 2^((b−a)/2). Wider primes buy weight precision; the scale buys noise precision; the error model
   * weighs the two. Tries the widest b first and stops at the first that meets the target.
   */
  private static HeProgram bestIntegerWeights(Model model, Packing packing, CompileOptions opts,
      List<Stage> stages, Calibration.Result cal, int logN, int bound, int depth, double target) {
    HeProgram best = null;
    for (int b = 60; b >= 40; b -= 4) {
      for (int a = opts.maxScaleBits(); a >= opts.minScaleBits(); a -= 2) {
        if (b - a < 8) {
          continue;
        }
        int q0 = integerFirstPrimeBits(stages, cal.maxAbs(), a, b, depth);
        if (q0 > 60) {
          continue;
        }
        int p = Math.min(60, bound - q0 - depth * b);
        if (p < 30) {
          continue;
        }
        CkksParameters params;
        try {
          int[] q = new int[depth + 1];
          java.util.Arrays.fill(q, b);
          q[0] = q0;
          params = CkksParameters.builder().logN(logN).qBits(q).pBits(p).scale(Math.pow(2, a))
              .build();
        } catch (IllegalArgumentException notEnoughPrimes) {
          continue;
        }
        HeProgram prog = HeProgram.assemble(model, packing, params, cal.maxAbs(), cal.source());
        if (best == null || prog.predictedError() < best.predictedError()) {
          best = prog;
        }
      }
      if (best != null && best.predictedError() <= target) {
        return best;
      }
    }
    return best;
  }

  /**
   * Bits of q_0 for integer weights: every value living at level 0 (with 8× its calibrated
   * maximum) must fit, and no level above may overflow. Scales as {@link HeProgram} sets them:
   * a linear stage's output sqrt(2^b·Δ), a polynomial's Δ.
   */
  static int integerFirstPrimeBits(List<Stage> stages, double[] maxAbs, int a, int b, int depth) {
    double need = a + Math.log(8 * maxAbs[0]) / Math.log(2) + 1 - (double) b * depth;
    int level = depth;
    for (int i = 0; i < stages.size(); i++) {
      Stage st = stages.get(i);
      level -= HeProgram.stageDepth(st, true);
      double scaleBits = !(st instanceof LinearStage) ? a : depth == 0 ? a + 16 : (a + b) / 2.0;
      need = Math.max(need, scaleBits + Math.log(8 * maxAbs[i + 1]) / Math.log(2) + 1 - (double) b * level);
    }
    return (int) Math.ceil(Math.max(need, a + 4));
  }

  /** Bits of q_0: Δ plus room for 8× the largest value at each level's modulus. */
  static int firstPrimeBits(List<Stage> stages, double[] maxAbs, int scaleBits) {
    int depth = 0;
    for (Stage s : stages) {
      depth += s.depth();
    }
    double need = 4;
    int level = depth;
    for (int i = 0; i <= stages.size(); i++) {
      if (i > 0) {
        level -= stages.get(i - 1).depth();
      }
      double bits = Math.log(8 * maxAbs[i]) / Math.log(2) - (double) scaleBits * level;
      need = Math.max(need, bits);
    }
    return scaleBits + (int) Math.ceil(need);
  }

  static CkksParameters build(int logN, int q0, int s, int depth, int p) {
    int[] q = new int[depth + 1];
    q[0] = q0;
    for (int i = 1; i <= depth; i++) {
      q[i] = s;
    }
    return CkksParameters.builder().logN(logN).qBits(q).pBits(p).scale(Math.pow(2, s)).build();
  }
}
