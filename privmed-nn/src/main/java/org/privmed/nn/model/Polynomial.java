package org.privmed.nn.model;

/**
 * Element-wise polynomial {@code y = Σ_k c_k x^k}, {@code k = 0..degree}, with trainable
 * coefficients (one set shared by all elements), in the spirit of the trainable polynomial
 * activations of Hesamifard et al., "CryptoDL" (2017) and Obla et al., "Effective activation
 * functions for homomorphic evaluation of deep neural networks" (IEEE Access 2020).
 *
 * @param coefficients {@code c_0 … c_degree}; degree = length − 1 ≥ 1
 */
public record Polynomial(double[] coefficients) implements Layer {

  public Polynomial {
    if (coefficients == null || coefficients.length < 2) {
      throw new IllegalArgumentException("polynomial: need at least 2 coefficients (degree >= 1), got "
          + (coefficients == null ? "null" : coefficients.length));
    }
    Checks.length("polynomial", "coefficients", coefficients, coefficients.length);
  }

  /** The degree-2 start {@code c0 + c1·x + c2·x²} used by the zoo: close to a smooth ReLU near 0. */
  public static Polynomial quadratic(double c0, double c1, double c2) {
    return new Polynomial(new double[] {c0, c1, c2});
  }

  public int degree() {
    return coefficients.length - 1;
  }

  @Override
  public TensorShape outputShape(TensorShape input) {
    return input;
  }

  @Override
  public String kind() {
    return "polynomial";
  }

  @Override
  public long parameterCount() {
    return coefficients.length;
  }
}
