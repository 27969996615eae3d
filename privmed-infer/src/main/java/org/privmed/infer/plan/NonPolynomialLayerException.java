package org.privmed.infer.plan;

/** A layer the HE compiler cannot evaluate exactly; the message names it and its replacement. */
public final class NonPolynomialLayerException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public NonPolynomialLayerException(String message) {
    super(message);
  }
}
