package org.privmed.nn.train;

/**
 * What one epoch achieved.
 *
 * @param epoch 1-based
 * @param trainLoss mean cross-entropy over the epoch's training batches
 * @param trainAccuracy fraction of training examples classified right during the epoch
 * @param validationLoss mean cross-entropy on the validation set (NaN without one)
 * @param validationAccuracy accuracy on the validation set (NaN without one)
 * @param validationAuroc AUROC on the validation set (binary, or one-vs-rest macro; NaN without one)
 * @param seconds wall time of the epoch including validation
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy,
    double validationLoss, double validationAccuracy, double validationAuroc, double seconds) {

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "epoch %d: loss %.4f, train acc %.4f, val loss %.4f, val acc %.4f, val AUROC %.4f (%.1f s)",
        epoch, trainLoss, trainAccuracy, validationLoss, validationAccuracy, validationAuroc,
        seconds);
  }
}
