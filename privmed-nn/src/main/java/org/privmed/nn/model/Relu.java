package org.privmed.nn.model;

/** {@code max(0, x)}: not a polynomial, so HE compilers refuse it (replace by Square/Polynomial). */
public record Relu() implements Layer {
  @Override
  public TensorShape outputShape(TensorShape input) {
    return input;
  }

  @Override
  public String kind() {
    return "relu";
  }

  @Override
  public boolean isPolynomial() {
    return false;
  }
}
