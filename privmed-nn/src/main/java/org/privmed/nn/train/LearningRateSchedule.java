package org.privmed.nn.train;

/** How the learning rate moves over the optimiser's steps. */
public enum LearningRateSchedule {
  /** The configured rate at every step. */
  CONSTANT,
  /**
   * Cosine annealing without restarts (Loshchilov and Hutter, "SGDR", ICLR 2017, eq. 5 with one
   * cycle): lr_t = lr · ½ · (1 + cos(π · t / T)) for step t of T, reaching 0 at the last step.
   */
  COSINE;

  /** The rate for 0-based step {@code step} of {@code totalSteps}, from the base rate. */
  public double rate(double base, int step, int totalSteps) {
    if (this == CONSTANT) {
      return base;
    }
    double t = Math.min(Math.max(step, 0), totalSteps) / (double) totalSteps;
    return base * 0.5 * (1 + Math.cos(Math.PI * t));
  }
}
