package org.privmed.encode.train;

import java.util.List;

/**
 * Outcome of training on encodings.
 *
 * @param epochs per-epoch metrics, in order
 * @param bestEpoch the epoch (1-based) with the best validation AUROC, whose weights were kept
 * @param testAccuracy accuracy of the kept weights on the test set (NaN without one)
 * @param testAuroc AUROC of the kept weights on the test set (NaN without one)
 * @param testScores class probabilities of the kept weights per test image (n × classes, column =
 *     label; no rows without a test set), for the metrics harness's ROC curves
 */
public record PatchSetResult(List<Epoch> epochs, int bestEpoch, double testAccuracy,
    double testAuroc, double[][] testScores) {

  public PatchSetResult {
    epochs = List.copyOf(epochs);
    testScores = testScores == null ? new double[0][] : testScores;
  }

  /** The validation AUROC of the kept epoch (NaN without validation). */
  public double bestValidationAuroc() {
    return bestEpoch < 1 || bestEpoch > epochs.size() ? Double.NaN
        : epochs.get(bestEpoch - 1).validationAuroc();
  }

  /** One epoch: mean training loss, validation accuracy and AUROC (NaN without validation). */
  public record Epoch(int epoch, double trainLoss, double validationAccuracy,
      double validationAuroc) {}
}
