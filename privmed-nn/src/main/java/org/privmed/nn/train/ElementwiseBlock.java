package org.privmed.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * The DJL side of the polynomial activations with learnt coefficients: {@code a·x^p}
 * (ScaledPower), {@code x + a·x^p} (ResidueActivation) and {@code Σ c_k x^k} (Polynomial). One
 * parameter vector {@code coefficients} holds a (length 1) or c_0..c_d; autograd of the PyTorch
 * engine gives the gradients.
 */
final class ElementwiseBlock extends AbstractBlock {
  enum Form { SCALED_POWER, RESIDUE, POLYNOMIAL }

  private final Form form;
  private final int power;
  final Parameter coefficients;

  ElementwiseBlock(Form form, int power, int coefficientCount, boolean trainable) {
    this.form = form;
    this.power = power;
    this.coefficients = addParameter(Parameter.builder()
        .setName("coefficients")
        .setType(Parameter.Type.OTHER)
        .optShape(new Shape(coefficientCount))
        .optInitializer(new ConstantInitializer(0f))
        .optRequiresGrad(trainable)
        .build());
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray c = store.getValue(coefficients, x.getDevice(), training);
    NDArray y;
    switch (form) {
      case SCALED_POWER:
        y = power(x).mul(c);
        break;
      case RESIDUE:
        y = x.add(power(x).mul(c));
        break;
      default:
        long n = c.getShape().get(0);
        y = x.mul(c.get(n - 1)).add(c.get(n - 2));
        for (long k = n - 3; k >= 0; k--) {
          y = y.mul(x).add(c.get(k));
        }
    }
    return new NDList(y);
  }

  private NDArray power(NDArray x) {
    NDArray r = x;
    for (int k = 1; k < power; k++) {
      r = r.mul(x);
    }
    return r;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
