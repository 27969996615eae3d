package org.privmed.nn.train;

/**
 * Settings of one training run.
 *
 * @param optimizer Adam or SGD
 * @param learningRate step size, > 0
 * @param momentum SGD momentum in [0, 1) (ignored by Adam)
 * @param weightDecay L2 weight decay, ≥ 0 (applied by the DJL optimiser to every parameter)
 * @param batchSize examples per step, ≥ 1
 * @param epochs passes over the training set, ≥ 1
 * @param seed seeds shuffling, dropout and noise; same seed + same thread count ⇒ same model
 * @param threads PyTorch intra-op threads (inter-op is set to 1), ≥ 1
 * @param noiseAware noise-aware input perturbation, or null for none
 * @param fitNormalization whether to fit the per-channel mean/std on the training set (otherwise the
 *     model's normalisation is kept)
 * @param progress whether to draw a progress bar with ETA on stderr
 * @param classWeighting weighting of the cross-entropy by class
 * @param selection which validation figure picks the kept epoch
 * @param schedule learning-rate schedule over all steps of the run
 * @param augmentation random shifts/flips of training images
 */
public record TrainingConfig(OptimizerKind optimizer, double learningRate, double momentum,
    double weightDecay, int batchSize, int epochs, long seed, int threads,
    NoiseAwareOptions noiseAware, boolean fitNormalization, boolean progress,
    ClassWeighting classWeighting, EpochSelection selection, LearningRateSchedule schedule,
    Augmentation augmentation) {

  public TrainingConfig {
    if (optimizer == null) {
      throw new IllegalArgumentException("training: optimizer is null");
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("training: learning rate must be > 0, got " + learningRate);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("training: momentum must be in [0, 1), got " + momentum);
    }
    if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
      throw new IllegalArgumentException("training: weight decay must be >= 0, got " + weightDecay);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("training: batch size must be >= 1, got " + batchSize);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("training: epochs must be >= 1, got " + epochs);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("training: threads must be >= 1, got " + threads);
    }
    if (classWeighting == null || selection == null || schedule == null || augmentation == null) {
      throw new IllegalArgumentException("training: class weighting, epoch selection, schedule"
          + " and augmentation must be given");
    }
  }

  /** The plain recipe: unweighted loss, best validation accuracy, constant rate, no augmentation. */
  public TrainingConfig(OptimizerKind optimizer, double learningRate, double momentum,
      double weightDecay, int batchSize, int epochs, long seed, int threads,
      NoiseAwareOptions noiseAware, boolean fitNormalization, boolean progress) {
    this(optimizer, learningRate, momentum, weightDecay, batchSize, epochs, seed, threads,
        noiseAware, fitNormalization, progress, ClassWeighting.NONE, EpochSelection.ACCURACY,
        LearningRateSchedule.CONSTANT, Augmentation.NONE);
  }

  /** Adam, lr 1e-3, no weight decay, batch 64, 10 epochs, seed 42, 1 thread, progress bar on. */
  public static TrainingConfig defaults() {
    return new TrainingConfig(OptimizerKind.ADAM, 1e-3, 0.9, 0, 64, 10, 42, 1, null, true, true);
  }

  public TrainingConfig withEpochs(int e) {
    return new TrainingConfig(optimizer, learningRate, momentum, weightDecay, batchSize, e, seed,
        threads, noiseAware, fitNormalization, progress, classWeighting, selection, schedule,
        augmentation);
  }

  public TrainingConfig withSeed(long s) {
    return new TrainingConfig(optimizer, learningRate, momentum, weightDecay, batchSize, epochs, s,
        threads, noiseAware, fitNormalization, progress, classWeighting, selection, schedule,
        augmentation);
  }

  public TrainingConfig withProgress(boolean p) {
    return new TrainingConfig(optimizer, learningRate, momentum, weightDecay, batchSize, epochs,
        seed, threads, noiseAware, fitNormalization, p, classWeighting, selection, schedule,
        augmentation);
  }

  /** The same settings with another loss weighting, epoch selection, schedule and augmentation. */
  public TrainingConfig withRecipe(ClassWeighting w, EpochSelection sel, LearningRateSchedule lr,
      Augmentation aug) {
    return new TrainingConfig(optimizer, learningRate, momentum, weightDecay, batchSize, epochs,
        seed, threads, noiseAware, fitNormalization, progress, w, sel, lr, aug);
  }
}
