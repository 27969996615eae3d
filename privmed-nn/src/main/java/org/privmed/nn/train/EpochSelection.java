package org.privmed.nn.train;

/**
 * Which weights a run keeps: those of the epoch with the best validation figure, or an average.
 */
public enum EpochSelection {
  /** Highest validation accuracy; ties go to the lower validation loss. */
  ACCURACY,
  /** Highest validation AUROC (binary, or one-vs-rest macro); ties go to the lower loss. */
  AUROC,
  /**
   * Lowest validation cross-entropy (class-weighted like the training loss). Why offer it: near
   * 0.97 validation accuracy many epochs tie or differ by one image, while the loss still ranks
   * them by how well calibrated they are.
   */
  LOSS,
  /**
   * No epoch is picked: the kept weights are the equal-weight average of the weights at the end of
   * each epoch in the last quarter of the run (stochastic weight averaging, Izmailov, Podoprikhin,
   * Garipov, Vetrov and Wilson, "Averaging Weights Leads to Wider Optima and Better
   * Generalization", UAI 2018, §3.1 with one snapshot per epoch). Why: on a validation set of a few
   * dozen images the best-epoch choice is mostly noise, while the average needs no choice at all.
   * It needs a network without BatchNorm running statistics (those would have to be recomputed for
   * the averaged weights, §3.2); GroupNorm networks such as dpresnet qualify.
   */
  AVERAGE
}
