package org.privmed.infer.bfv;

import java.util.Locale;
import org.privmed.data.ImageDataset;
import org.privmed.infer.plan.Lowering;
import org.privmed.infer.quant.DryRun;
import org.privmed.infer.quant.Quantizer;
import org.privmed.nn.model.Model;

/**
 * Compiles a square-activation model to an exact BFV throughput program: the throughput lowering
 * (one value per ciphertext, no rotations), fixed-point quantization with the smallest precision
 * whose integer argmax matches the float network on the calibration images ({@link Quantizer}) —
 * uniform, or per layer when that plan is estimated cheaper — a dry run for the largest
 * intermediate value, then the plaintext primes, ring degree and levels ({@link CrtPlan}).
 */
public final class BfvCompiler {
  private BfvCompiler() {}

  /**
   * @param calibrationImages images of {@code calibration} traced (from the start)
   * @param marginBits bits added to the dry run's need for images beyond its range
   * @param minBudget predicted noise budget (bits) the outputs must keep
   */
  public record Options(int calibrationImages, int minBits, int maxBits, int marginBits,
      int minBudget, int minLogN) {
    public Options {
      if (calibrationImages < 1) {
        throw new IllegalArgumentException("calibrationImages must be >= 1, got " + calibrationImages);
      }
      if (minBits < 2 || maxBits > 16 || minBits > maxBits) {
        throw new IllegalArgumentException("quantization bits must lie in [2, 16], got [" + minBits
            + ", " + maxBits + "]");
      }
      if (marginBits < 0 || marginBits > 16) {
        throw new IllegalArgumentException("margin bits must lie in [0, 16], got " + marginBits);
      }
      if (minBudget < 1) {
        throw new IllegalArgumentException("minimum noise budget must be >= 1 bit, got " + minBudget);
      }
      if (minLogN < 13 || minLogN > 15) {
        throw new IllegalArgumentException("minLogN must lie in [13, 15], got " + minLogN);
      }
    }

    /**
     * 1,000 calibration images, 2 to 12 bits, 2 margin bits and a predicted budget of at least 6
     * bits. The budget is what {@link org.privmed.he.bfv.BfvNoiseModel} predicts for the largest
     * coefficient (the expected maximum of N Gaussian coefficients); decryption is correct while
     * the measured budget is above 0. The model was 0.7 to 1.4 bits optimistic on the CryptoNets
     * plans (predicted 10.7 / measured 10, predicted 6.4 / measured 5), so 6 bits leave the largest
     * coefficient at least 2^4 times below the decryption bound after the model's error; the
     * default was 10 until the primes were chosen tightly, and a larger value only buys a margin
     * that 2^4 times the expected maximum of a sub-Gaussian noise already gives.
     */
    public static Options defaults() {
      return new Options(1000, 2, 12, 2, 6, 13);
    }
  }

  public static BfvProgram compile(Model model, ImageDataset calibration, Options opts) {
    if (calibration == null || calibration.size() == 0) {
      throw new IllegalArgumentException("the BFV compiler needs calibration images: the plaintext "
          + "primes are sized from the quantized network's largest value on them");
    }
    Lowering.Lowered low = Lowering.lower(model, false);
    Quantizer.Choice q = Quantizer.choose(model, low, calibration, opts.calibrationImages(),
        opts.minBits(), opts.maxBits(), CrtPlan.MAX_PRODUCT_BITS - opts.marginBits());
    CrtPlan plan = plan(q, opts);
    String tried = q.tried();
    if (opts.minBits() < opts.maxBits()) {
      // the per-layer precision is taken only when its plan is clearly cheaper (by more than the
      // work estimate can resolve): with the same primes and chain the uniform one keeps more
      // precision for the images beyond the calibration set
      Quantizer.Choice p = Quantizer.perLayer(model, low, calibration, opts.calibrationImages(), q);
      if (p != null) {
        tried += " " + p.tried();
        if (p.network() != null) {
          CrtPlan pp = plan(p, opts);
          double uniformWork = CrtPlan.work(q.network(), plan);
          double perLayerWork = CrtPlan.work(p.network(), pp);
          tried += String.format(Locale.ROOT, " estimated work %.0f per layer against %.0f uniform:"
              + " %s;", perLayerWork, uniformWork, clearlyCheaper(perLayerWork, uniformWork)
              ? "per layer taken" : "uniform kept");
          if (clearlyCheaper(perLayerWork, uniformWork)) {
            q = p;
            plan = pp;
          }
        }
      }
    }
    DryRun.Result dry = q.dryRun();
    return new BfvProgram(model, q.network(), dry, tried, plan, opts.marginBits(),
        dry.images() + " images of " + calibration.name());
  }

  /** 5 %: about the error of {@link CrtPlan#work} against measured times. */
  static boolean clearlyCheaper(double work, double than) {
    return work < 0.95 * than;
  }

  private static CrtPlan plan(Quantizer.Choice q, Options opts) {
    return CrtPlan.choose(q.network(), q.dryRun().bitsNeeded(opts.marginBits()), opts.minBudget(),
        opts.minLogN());
  }
}
