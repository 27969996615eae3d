package org.privmed.data;

/**
 * Which part of a dataset to load. Sets that ship without a validation or test part (MNIST has
 * no validation set, the brain-MRI folders have no split at all) derive it with a fixed, documented
 * seed, so every run and every module sees the same rows in the same part.
 */
public enum Split {
  TRAIN,
  VAL,
  TEST;

  /** The prefix MedMNIST .npz files use for this split's arrays, e.g. {@code val}. */
  public String npzPrefix() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
