package org.privmed.nn.model;

/**
 * Element-wise {@code a·x^p} with integer {@code p ≥ 2}. With {@code trainable} the scale
 * {@code a} is learnt (a single scalar); otherwise it stays at its given value. A small {@code a}
 * keeps the growth of repeated powers in check, which is what lets several of them be stacked.
 */
public record ScaledPower(int power, double scale, boolean trainable) implements Layer {

  public ScaledPower {
    if (power < 2) {
      throw new IllegalArgumentException("scaledpower: power must be >= 2, got " + power);
    }
    Checks.finite("scaledpower", "scale", scale);
  }

  @Override
  public TensorShape outputShape(TensorShape input) {
    return input;
  }

  @Override
  public String kind() {
    return "scaledpower";
  }

  @Override
  public long parameterCount() {
    return trainable ? 1 : 0;
  }
}
