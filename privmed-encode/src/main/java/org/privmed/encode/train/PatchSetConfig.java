package org.privmed.encode.train;

import org.privmed.nn.train.LearningRateSchedule;

/**
 * Hyper-parameters of the patch-set transformer trained on encodings.
 *
 * @param embed token width after the input projection
 * @param heads attention heads (must divide {@code embed})
 * @param hidden width of each block's feed-forward layer
 * @param layers transformer encoder blocks
 * @param dropout dropout probability inside the blocks
 * @param learningRate Adam step size
 * @param batchSize examples per step
 * @param epochs passes over the training set
 * @param seed initialisation, shuffling and dropout seed (training is not a secret)
 * @param threads PyTorch intra-op threads
 * @param input how rows from different keys enter the model
 * @param weightDecay L2 penalty added to the gradient by Adam (0 = none)
 * @param labelSmoothing ε of label smoothing (Szegedy et al., "Rethinking the Inception
 *     architecture", CVPR 2016, Sec. 7): the target puts 1 − ε on the label and ε/K on every class
 * @param schedule learning rate over the steps (constant, or cosine annealing to 0)
 * @param whitenShrinkage ε of {@link Input#PER_KEY_WHITEN}: each key's patch covariance gets ε
 *     times its average variance added to the diagonal before it is inverted (must be > 0)
 */
public record PatchSetConfig(int embed, int heads, int hidden, int layers, float dropout,
    double learningRate, int batchSize, int epochs, long seed, int threads, Input input,
    double weightDecay, double labelSmoothing, LearningRateSchedule schedule,
    double whitenShrinkage) {

  /** {@link #whitenShrinkage()} unless one is chosen. */
  public static final double DEFAULT_WHITEN_SHRINKAGE = 0.1;

  /**
   * How rows encoded under different keys (hospitals) enter the model. Every published file names
   * its key's fingerprint, so a model may treat each hospital's rows apart without any secret.
   */
  public enum Input {
    /** One standardisation and one input projection for all rows. */
    SHARED,
    /** Each key's rows standardised per channel with that key's training statistics. */
    PER_KEY_NORM,
    /**
     * Per-key standardisation and a per-key input projection (each key's patches go to their own
     * slice of a wider input, so the first linear layer holds one projection per key); the
     * transformer above it is shared.
     */
    PER_KEY_ADAPTER,
    /**
     * Each key's patch vectors ZCA-whitened with that key's training mean and (shrunk) covariance,
     * then one shared projection: removes any per-key linear mixing of the patch features up to a
     * rotation (second moments cannot fix the rotation), without parameters to learn per key.
     */
    PER_KEY_WHITEN,
    /**
     * Each key's patches grouped by grid position without the key (the audit's clustering, fitted
     * to the key's training rows), each patch minus its group's training mean, then per-key
     * standardisation: removes the key's random positional offset, most of an encoded patch's
     * variance. The plaintext control is only standardised.
     */
    PER_KEY_CENTER,
    /**
     * As {@link #PER_KEY_CENTER}, each patch also divided per channel by its position group's
     * training standard deviation, since the ReLU after the positional offset also changes each
     * channel's spread by position.
     */
    PER_KEY_GROUP_NORM
  }

  public PatchSetConfig {
    if (embed <= 0 || heads <= 0 || embed % heads != 0) {
      throw new IllegalArgumentException("embed " + embed + " must be a positive multiple of heads "
          + heads);
    }
    if (hidden <= 0 || layers <= 0) {
      throw new IllegalArgumentException("hidden " + hidden + " and layers " + layers
          + " must be positive");
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout " + dropout + " must be in [0, 1)");
    }
    if (!(learningRate > 0) || batchSize <= 0 || epochs <= 0 || threads <= 0) {
      throw new IllegalArgumentException("learningRate " + learningRate + ", batchSize "
          + batchSize + ", epochs " + epochs + " and threads " + threads + " must be positive");
    }
    java.util.Objects.requireNonNull(input, "input");
    java.util.Objects.requireNonNull(schedule, "schedule");
    if (!(weightDecay >= 0) || !(labelSmoothing >= 0 && labelSmoothing < 1)) {
      throw new IllegalArgumentException("weightDecay " + weightDecay + " must be >= 0 and"
          + " labelSmoothing " + labelSmoothing + " in [0, 1)");
    }
    if (!(whitenShrinkage > 0) || Double.isInfinite(whitenShrinkage)) {
      throw new IllegalArgumentException("whitenShrinkage " + whitenShrinkage
          + " must be finite and > 0");
    }
  }

  /** A configuration with the {@link #DEFAULT_WHITEN_SHRINKAGE}. */
  public PatchSetConfig(int embed, int heads, int hidden, int layers, float dropout,
      double learningRate, int batchSize, int epochs, long seed, int threads, Input input,
      double weightDecay, double labelSmoothing, LearningRateSchedule schedule) {
    this(embed, heads, hidden, layers, dropout, learningRate, batchSize, epochs, seed, threads,
        input, weightDecay, labelSmoothing, schedule, DEFAULT_WHITEN_SHRINKAGE);
  }

  /**
   * A configuration with the {@link Input#SHARED} input, a constant rate and no weight decay or
   * label smoothing.
   */
  public PatchSetConfig(int embed, int heads, int hidden, int layers, float dropout,
      double learningRate, int batchSize, int epochs, long seed, int threads) {
    this(embed, heads, hidden, layers, dropout, learningRate, batchSize, epochs, seed, threads,
        Input.SHARED, 0, 0, LearningRateSchedule.CONSTANT, DEFAULT_WHITEN_SHRINKAGE);
  }

  /** A small model: 64-wide tokens, 4 heads, 2 blocks, Adam 1e-3, batch 64, 10 epochs. */
  public static PatchSetConfig defaults() {
    return new PatchSetConfig(64, 4, 128, 2, 0.1f, 1e-3, 64, 10, 42, 1);
  }

  public PatchSetConfig withEpochs(int newEpochs) {
    return new PatchSetConfig(embed, heads, hidden, layers, dropout, learningRate, batchSize,
        newEpochs, seed, threads, input, weightDecay, labelSmoothing, schedule, whitenShrinkage);
  }

  public PatchSetConfig withSeed(long newSeed) {
    return new PatchSetConfig(embed, heads, hidden, layers, dropout, learningRate, batchSize,
        epochs, newSeed, threads, input, weightDecay, labelSmoothing, schedule, whitenShrinkage);
  }

  public PatchSetConfig withThreads(int newThreads) {
    return new PatchSetConfig(embed, heads, hidden, layers, dropout, learningRate, batchSize,
        epochs, seed, newThreads, input, weightDecay, labelSmoothing, schedule, whitenShrinkage);
  }

  public PatchSetConfig withInput(Input newInput) {
    return new PatchSetConfig(embed, heads, hidden, layers, dropout, learningRate, batchSize,
        epochs, seed, threads, newInput, weightDecay, labelSmoothing, schedule, whitenShrinkage);
  }

  public PatchSetConfig withWhitenShrinkage(double epsilon) {
    return new PatchSetConfig(embed, heads, hidden, layers, dropout, learningRate, batchSize,
        epochs, seed, threads, input, weightDecay, labelSmoothing, schedule, epsilon);
  }
}
