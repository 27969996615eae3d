package org.privmed.nn.train;

/** Which validation figure picks the epoch whose weights are kept. */
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
  LOSS
}
