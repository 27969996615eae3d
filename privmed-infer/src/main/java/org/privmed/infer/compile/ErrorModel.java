package org.privmed.infer.compile;

import java.util.List;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.infer.plan.LinearStage;
import org.privmed.infer.plan.PolynomialStage;
import org.privmed.infer.plan.Stage;

/**
 * Predicted error of every output value, tracked as a per-slot standard deviation in the manner
 * of the average-case CKKS analysis of Costache, Curtis, Hales, Murphy, Ogilvie and Player, "On
 * the precision loss in approximate homomorphic encryption" (SAC 2023, Sec. 4), and turned into a
 * bound at 8 sigma at the end.
 *
 * <ul>
 *   <li>rounding errors (encoding, fresh encryption, rescale): per coefficient uniform in
 *       [−1/2, 1/2] times (1 + ternary secret), i.e. variance about N/18; through the canonical
 *       embedding a complex slot sees N times that, and its real part — the decoded value, and
 *       to first order all that the next product sees — half: σ_op ≈ sqrt(N²/36)/Δ = N/(6Δ);</li>
 *   <li>a key switch with one prime per digit adds Σ_d digit_d·e_d / P: digits are residues in
 *       [0, q) (second moment q²/3, the fast basis extension does not centre them), e Gaussian with
 *       σ = 3.2, so a coefficient has standard deviation 3.2·sqrt(N·dnum/3)·q_max/P and a slot
 *       sqrt(N) times that, at the scale of the ciphertext it rotates (Han and Ki, CT-RSA 2020,
 *       Lemma 3 for hybrid key switching); a special prime larger than the digits shrinks it;</li>
 *   <li>a linear map scales independent slot errors by the largest row's ℓ2 norm; a polynomial by
 *       |p'| at the calibrated maximum; a rotate-and-sum of r steps sums 2^r slots, and with them
 *       their rescale and key-switching errors;</li>
 *   <li>integer weights round(M·W) (throughput): the rounding error of each weight is computed
 *       from the weights themselves, and a row's errors meet inputs up to the calibrated maximum
 *       as independent terms; the square that follows adds one rescale rounding and the key-switch
 *       noise at the square's scale (Δ·W)², not multiplied by |p'|; the fresh input is modelled
 *       with the symmetric encryption's variance (σ² + 1/12)·N instead of 2·σ_op².</li>
 * </ul>
 * It is a prediction, not a proof: inputs far outside the calibration range may exceed it.
 */
final class ErrorModel {
  static final double SIGMAS = 8;

  private ErrorModel() {}

  /**
   * @param maxAbs calibration maxima, element 0 the input
   * @param babyRotations per stage, whether the input ciphertext is rotated before the products
   * @param rotationsAfterRescale per stage, key switches applied after the rescale (latency)
   * @param weightScales per stage, W of a linear stage with integer weights (0: weights scaled by
   *     the prime its rescale drops)
   */
  static double predict(List<Stage> stages, double[] maxAbs, CkksParameters params,
      boolean[] babyRotations, int[] rotationsAfterRescale, double[] weightScales) {
    int n = params.ringDegree();
    double scale = params.defaultScale();
    int qMax = 0;
    for (int b : params.qBits()) {
      qMax = Math.max(qMax, b);
    }
    int pBits = 0;
    for (int b : params.pBits()) {
      pBits += b;
    }
    double sigmaOp = n / (6 * scale);
    double sigmaKs = 3.2 * n * Math.sqrt(params.dnum() / 3.0) * Math.pow(2, qMax - pBits) / scale;
    boolean integer = false;
    for (double w : weightScales) {
      integer |= w > 0;
    }
    // encoding + fresh encryption; the integer-weight plan uses the symmetric encryption's own
    // variance (Gaussian σ = 3.2 plus the encoding's rounding, N times in a slot), the older plans
    // keep the looser 2·σ_op²
    double var = integer ? (3.2 * 3.2 + 1.0 / 12) * n / (scale * scale)
        : 2 * sigmaOp * sigmaOp;
    for (int i = 0; i < stages.size(); i++) {
      Stage st = stages.get(i);
      double mx = maxAbs[i] + SIGMAS * Math.sqrt(var);
      if (st instanceof LinearStage l && weightScales[i] > 0) {
        double[] rows = rowNorms(l);
        var = rows[0] * rows[0] * var + roundingNorm2(l, weightScales[i]) * mx * mx;
      } else if (st instanceof LinearStage l) {
        double[] rows = rowNorms(l);
        double l2 = rows[0];
        double nnz = rows[1];
        double ptRound = 0.3 * Math.sqrt(n) / scale;
        // a rotate-and-sum of r steps adds 2^r copies of the rescale rounding and 2^r - 1
        // (weighted) key-switching errors to each slot it leaves a result in
        double copies = Math.pow(2, rotationsAfterRescale[i]);
        var = l2 * l2 * (var + (babyRotations[i] ? sigmaKs * sigmaKs : 0))
            + nnz * Math.pow(mx * ptRound, 2)
            + copies * sigmaOp * sigmaOp
            + (copies - 1) * sigmaKs * sigmaKs;
      } else {
        PolynomialStage p = (PolynomialStage) st;
        double deriv = 0;
        double[] c = p.coefficients();
        for (int k = 1; k < c.length; k++) {
          deriv += Math.abs(c[k]) * k * Math.pow(mx, k - 1);
        }
        if (i > 0 && weightScales[i - 1] > 0) {
          // x² is relinearized at scale (Δ·W)² and rescaled to Δ (one rounding), then multiplied by
          // c_2; a polynomial that is not a bare square rescales once more after its constants
          double c2 = Math.max(1, Math.abs(p.coefficients()[2]));
          double ks = sigmaKs * scale / Math.pow(scale * weightScales[i - 1], 2);
          var = deriv * deriv * var + (sigmaOp * sigmaOp + ks * ks) * c2 * c2
              + (p.depth() - 1) * sigmaOp * sigmaOp;
        } else {
          var = deriv * deriv * var + (1 + p.depth()) * sigmaOp * sigmaOp * Math.max(1, deriv * deriv);
        }
      }
    }
    return SIGMAS * Math.sqrt(var);
  }

  /**
   * max over rows of Σ_c δ_rc², δ the rounding error of weight (r, c) as the integer round(M·W)
   * leaves it, divided by W: the weights are known, so their rounding is computed, not assumed.
   */
  static double roundingNorm2(LinearStage l, double w) {
    double best = 0;
    for (int r = 0; r < l.rows(); r++) {
      double s = 0;
      for (int c = 0; c < l.cols(); c++) {
        double v = l.matrix()[r * l.cols() + c] * w;
        double d = (Math.rint(v) - v) / w;
        s += d * d;
      }
      best = Math.max(best, s);
    }
    return best;
  }

  /** {max row ℓ2 norm, max nonzeros in a row}. */
  private static double[] rowNorms(LinearStage l) {
    double best = 0;
    int bestCount = 0;
    for (int r = 0; r < l.rows(); r++) {
      double s = 0;
      int count = 0;
      for (int c = 0; c < l.cols(); c++) {
        double v = l.matrix()[r * l.cols() + c];
        if (v != 0) {
          s += v * v;
          count++;
        }
      }
      best = Math.max(best, s);
      bestCount = Math.max(bestCount, count);
    }
    return new double[] {Math.sqrt(best), bestCount};
  }
}
