package org.privmed.nn.model;

import java.util.List;

/**
 * A residual block {@code y = body(x) + shortcut(x)} (He et al., CVPR 2016, eq. 1–2). An empty
 * {@code shortcut} is the identity; otherwise it is typically one 1×1 convolution (the projection
 * shortcut, eq. 2) when the body changes the shape.
 */
public record Residual(List<Layer> body, List<Layer> shortcut) implements Layer {

  public Residual {
    body = List.copyOf(body);
    shortcut = List.copyOf(shortcut);
    if (body.isEmpty()) {
      throw new IllegalArgumentException("residual: the body has no layers");
    }
  }

  /** {@code y = x + body(x)}. */
  public static Residual identity(List<Layer> body) {
    return new Residual(body, List.of());
  }

  @Override
  public TensorShape outputShape(TensorShape input) {
    TensorShape b = Model.chain(body, input, "residual body");
    TensorShape s = Model.chain(shortcut, input, "residual shortcut");
    if (!b.equals(s)) {
      throw new IllegalArgumentException("residual: body gives " + b + " but shortcut gives " + s
          + (shortcut.isEmpty() ? " (identity); add a 1x1 conv2d shortcut" : ""));
    }
    return b;
  }

  @Override
  public String kind() {
    return "residual";
  }

  @Override
  public long parameterCount() {
    long n = 0;
    for (Layer l : body) {
      n += l.parameterCount();
    }
    for (Layer l : shortcut) {
      n += l.parameterCount();
    }
    return n;
  }

  @Override
  public boolean isPolynomial() {
    return body.stream().allMatch(Layer::isPolynomial)
        && shortcut.stream().allMatch(Layer::isPolynomial);
  }
}
