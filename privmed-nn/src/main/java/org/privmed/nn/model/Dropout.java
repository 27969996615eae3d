package org.privmed.nn.model;

/** Inverted dropout with drop probability {@code rate} during training; the identity at inference. */
public record Dropout(double rate) implements Layer {

  public Dropout {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("dropout: rate must be in [0, 1), got " + rate);
    }
  }

  @Override
  public TensorShape outputShape(TensorShape input) {
    return input;
  }

  @Override
  public String kind() {
    return "dropout";
  }
}
