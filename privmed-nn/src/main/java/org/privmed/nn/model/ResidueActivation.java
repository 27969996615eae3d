package org.privmed.nn.model;

/**
 * The residue-activation block used by the {@code reacthe-*} zoo networks:
 * {@code y = x + a·x^p}, element-wise, with one trainable scalar {@code a} per block and a fixed
 * integer power {@code p ≥ 2}.
 *
 * <p>Why this form. A deep network of plain squares (CryptoNets-style) blows up: each square
 * doubles the exponent of any value above 1 and crushes values below it, so after a few layers
 * the latent leaves every usable range and training diverges. Following the residual-activation
 * idea of ReActHE (a polynomial non-linearity added to an identity path so the block output stays
 * near its input), the non-linear part enters only through a small learnt coefficient: with
 * {@code a} initialised near 0 each block starts as the identity, the gradient flows through the
 * {@code x} term unchanged, and the network only grows the non-linearity as far as the loss asks.
 * The latent therefore stays bounded by roughly {@code |x|(1 + |a||x|^{p−1})}, which is what the
 * CKKS scale plan needs, and each block costs one multiplicative level for {@code p = 2}
 * ({@code ceil(log2 p)} + 1 for the scaling in general).
 *
 * <p>We could not retrieve the ReActHE paper's text with the project's search tools; the exact
 * form above is our own choice and the description of ReActHE is from the brief.
 */
public record ResidueActivation(int power, double scale) implements Layer {

  public ResidueActivation {
    if (power < 2) {
      throw new IllegalArgumentException("residueactivation: power must be >= 2, got " + power);
    }
    Checks.finite("residueactivation", "scale", scale);
  }

  @Override
  public TensorShape outputShape(TensorShape input) {
    return input;
  }

  @Override
  public String kind() {
    return "residueactivation";
  }

  @Override
  public long parameterCount() {
    return 1;
  }
}
