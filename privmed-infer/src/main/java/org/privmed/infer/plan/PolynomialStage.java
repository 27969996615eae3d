package org.privmed.infer.plan;

/**
 * Element-wise {@code y = Σ_k c_k·x^k}. Powers are built by repeated squaring and one product per
 * set bit, so {@code x^k} sits {@code ceil(log2 k)} levels down; a polynomial that is a bare power
 * with coefficient 1 (Square, or a ScaledPower whose scale was folded into the next linear map)
 * needs no constant multiplication, anything else one more level for the coefficients
 * (the level accounting of Bossuat et al., "Efficient Bootstrapping for Approximate HE",
 * EUROCRYPT 2021, Sec. 4, restricted to the low degrees networks use).
 */
public record PolynomialStage(String label, int size, double[] coefficients) implements Stage {

  public PolynomialStage {
    if (coefficients.length < 2) {
      throw new IllegalArgumentException(label + ": a polynomial needs degree >= 1, got "
          + coefficients.length + " coefficients");
    }
    if (coefficients[coefficients.length - 1] == 0) {
      throw new IllegalArgumentException(label + ": leading coefficient is zero");
    }
    for (double c : coefficients) {
      if (!Double.isFinite(c)) {
        throw new IllegalArgumentException(label + ": non-finite coefficient " + c);
      }
    }
    coefficients = coefficients.clone();
  }

  public int degree() {
    return coefficients.length - 1;
  }

  /** True for {@code x^d} exactly: no constants to multiply, no extra level. */
  public boolean isBarePower() {
    for (int k = 0; k < degree(); k++) {
      if (coefficients[k] != 0) {
        return false;
      }
    }
    return coefficients[degree()] == 1.0;
  }

  public static int powerDepth(int k) {
    return 32 - Integer.numberOfLeadingZeros(k - 1);
  }

  @Override
  public int inputSize() {
    return size;
  }

  @Override
  public int outputSize() {
    return size;
  }

  @Override
  public int depth() {
    return powerDepth(degree()) + (isBarePower() ? 0 : 1);
  }

  /** p(x) in double precision. */
  public double apply(double x) {
    double acc = coefficients[degree()];
    for (int k = degree() - 1; k >= 0; k--) {
      acc = acc * x + coefficients[k];
    }
    return acc;
  }
}
