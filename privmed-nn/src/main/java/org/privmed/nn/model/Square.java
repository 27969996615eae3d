package org.privmed.nn.model;

/** Element-wise {@code x²}, the CryptoNets activation (Gilad-Bachrach et al., ICML 2016, §4.1). */
public record Square() implements Layer {
  @Override
  public TensorShape outputShape(TensorShape input) {
    return input;
  }

  @Override
  public String kind() {
    return "square";
  }
}
