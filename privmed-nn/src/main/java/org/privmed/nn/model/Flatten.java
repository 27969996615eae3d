package org.privmed.nn.model;

/** C×H×W → (C·H·W) in channel-major order; moves no data. */
public record Flatten() implements Layer {
  @Override
  public TensorShape outputShape(TensorShape input) {
    return TensorShape.vector(input.size());
  }

  @Override
  public String kind() {
    return "flatten";
  }
}
