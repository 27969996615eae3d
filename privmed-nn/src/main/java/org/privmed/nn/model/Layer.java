package org.privmed.nn.model;

/**
 * One layer of a network description. The description is independent of any training library:
 * each layer is an immutable record holding its hyper-parameters and its weights as
 * {@code double[]} in a fixed, documented layout, so an HE compiler can walk the list and read
 * exactly what it must evaluate.
 *
 * <p>Weight arrays are shared, not copied, for speed; treat them as read-only.
 */
public sealed interface Layer
    permits Conv2d, AvgPool2d, Dense, Flatten, Square, ScaledPower, Polynomial, BatchNorm,
        GroupNorm, Relu, Dropout, Residual, ResidueActivation {

  /**
   * The shape this layer produces from {@code input}.
   *
   * @throws IllegalArgumentException naming this layer and both shapes when the input does not fit
   */
  TensorShape outputShape(TensorShape input);

  /** The short type name used in the model file and in messages, e.g. {@code conv2d}. */
  String kind();

  /** Number of trainable (or stored) scalars. */
  default long parameterCount() {
    return 0;
  }

  /**
   * True when the layer is a polynomial in its input with constant coefficients at inference time,
   * i.e. it can be evaluated exactly by CKKS/BFV additions and multiplications.
   */
  default boolean isPolynomial() {
    return true;
  }
}
