package org.privmed.data.split;

/**
 * One fold of a k-fold cross-validation: train on {@code train}, evaluate on {@code test}. Both
 * hold row indices into the dataset, ascending.
 */
public record Fold(int index, int[] train, int[] test) {
  public Fold {
    train = train.clone();
    test = test.clone();
  }

  @Override
  public int[] train() {
    return train.clone();
  }

  @Override
  public int[] test() {
    return test.clone();
  }
}
