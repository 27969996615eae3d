package org.privmed.nn.train;

/** How the learning rate moves over the optimiser's steps. */
public enum LearningRateSchedule {
  /** The configured rate at every step. */
  CONSTANT,
  /**
   * Cosine annealing without restarts (Loshchilov and Hutter, "SGDR", ICLR 2017, eq. 5 with one
   * cycle): lr_t = lr · ½ · (1 + cos(π · t / T)) for step t of T, reaching 0 at the last step.
   */
  COSINE,
  /**
   * Step decay as in the MedMNIST v2 benchmark protocol (Yang et al., Scientific Data 10:41, 2023,
   * "Benchmark" section: 100 epochs, learning rate ×0.1 at epochs 50 and 75): the base rate for the
   * first half of the steps, a tenth of it up to three quarters, a hundredth after. Stated as
   * fractions of the run so that the baselines' recipe carries over to any epoch count.
   */
  STEP;

  /** The rate for 0-based step {@code step} of {@code totalSteps}, from the base rate. */
  public double rate(double base, int step, int totalSteps) {
    if (this == CONSTANT) {
      return base;
    }
    double t = Math.min(Math.max(step, 0), totalSteps) / (double) totalSteps;
    if (this == STEP) {
      return t < 0.5 ? base : t < 0.75 ? base * 0.1 : base * 0.01;
    }
    return base * 0.5 * (1 + Math.cos(Math.PI * t));
  }
}
