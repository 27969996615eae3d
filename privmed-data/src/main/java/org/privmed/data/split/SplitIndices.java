package org.privmed.data.split;

/** Disjoint train / validation / test row indices, each ascending. */
public record SplitIndices(int[] train, int[] val, int[] test) {
  public SplitIndices {
    train = train.clone();
    val = val.clone();
    test = test.clone();
  }

  @Override
  public int[] train() {
    return train.clone();
  }

  @Override
  public int[] val() {
    return val.clone();
  }

  @Override
  public int[] test() {
    return test.clone();
  }

  /** The indices of {@code split}. */
  public int[] of(org.privmed.data.Split split) {
    return switch (split) {
      case TRAIN -> train();
      case VAL -> val();
      case TEST -> test();
    };
  }
}
