package org.privmed.nn.model;

import java.util.ArrayList;
import org.privmed.data.Normalization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A complete network: the layer list with weights, the input shape it expects, the class names
 * its output indexes, the input normalisation and free-form metadata (zoo name, training
 * settings, metrics). Construction checks that every layer accepts the previous layer's shape and
 * that the last layer yields one score per class.
 *
 * @param name a short name, e.g. the zoo name
 * @param inputShape C×H×W of one image
 * @param layers the layers, applied in order
 * @param classNames class names; the output has one logit per name
 * @param normalization per-channel mean/std applied to the [0, 1] pixels before the first layer
 * @param metadata free-form key/value pairs (kept in insertion order)
 */
public record Model(String name, TensorShape inputShape, List<Layer> layers,
    List<String> classNames, Normalization normalization, Map<String, String> metadata) {

  public Model {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(inputShape, "inputShape");
    Objects.requireNonNull(normalization, "normalization");
    layers = List.copyOf(layers);
    classNames = List.copyOf(classNames);
    metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("model " + name + ": no layers");
    }
    if (classNames.size() < 2) {
      throw new IllegalArgumentException(
          "model " + name + ": need at least 2 classes, got " + classNames);
    }
    if (normalization.channels() != inputShape.channels()) {
      throw new IllegalArgumentException("model " + name + ": normalization has "
          + normalization.channels() + " channels but the input has " + inputShape.channels());
    }
    TensorShape out = chain(layers, inputShape, "model " + name);
    if (!out.equals(TensorShape.vector(classNames.size()))) {
      throw new IllegalArgumentException("model " + name + ": output shape " + out
          + " does not match " + classNames.size() + " classes");
    }
  }

  /**
   * Pushes {@code input} through {@code layers}, returning the final shape.
   *
   * @throws IllegalArgumentException naming {@code where}, the layer index and kind on a mismatch
   */
  public static TensorShape chain(List<Layer> layers, TensorShape input, String where) {
    TensorShape s = input;
    for (int i = 0; i < layers.size(); i++) {
      try {
        s = layers.get(i).outputShape(s);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            where + ", layer " + i + " (" + layers.get(i).kind() + "): " + e.getMessage(), e);
      }
    }
    return s;
  }

  /** The shape after each top-level layer: element i is the output of layer i. */
  public List<TensorShape> layerShapes() {
    List<TensorShape> shapes = new ArrayList<>();
    TensorShape s = inputShape;
    for (Layer l : layers) {
      s = l.outputShape(s);
      shapes.add(s);
    }
    return shapes;
  }

  public int numClasses() {
    return classNames.size();
  }

  public long parameterCount() {
    long n = 0;
    for (Layer l : layers) {
      n += l.parameterCount();
    }
    return n;
  }

  /** This model with different layers (same shapes expected), e.g. after training. */
  public Model withLayers(List<Layer> newLayers) {
    return new Model(name, inputShape, newLayers, classNames, normalization, metadata);
  }

  public Model withNormalization(Normalization n) {
    return new Model(name, inputShape, layers, classNames, n, metadata);
  }

  public Model withClassNames(List<String> names) {
    return new Model(name, inputShape, layers, names, normalization, metadata);
  }

  /** This model with {@code extra} merged over its metadata. */
  public Model withMetadata(Map<String, String> extra) {
    Map<String, String> m = new LinkedHashMap<>(metadata);
    m.putAll(extra);
    return new Model(name, inputShape, layers, classNames, normalization, m);
  }

  /**
   * The same function with every BatchNorm that directly follows a Conv2d or Dense (also inside
   * residual bodies and shortcuts) folded into it; other BatchNorms are kept.
   */
  public Model foldBatchNorm() {
    return withLayers(foldAll(layers));
  }

  static List<Layer> foldAll(List<Layer> in) {
    List<Layer> out = new ArrayList<>();
    for (Layer l : in) {
      if (l instanceof BatchNorm bn && !out.isEmpty()
          && (out.get(out.size() - 1) instanceof Conv2d || out.get(out.size() - 1) instanceof Dense)) {
        out.set(out.size() - 1, bn.fold(out.get(out.size() - 1)));
      } else if (l instanceof Residual r) {
        out.add(new Residual(foldAll(r.body()), foldAll(r.shortcut())));
      } else {
        out.add(l);
      }
    }
    return out;
  }

  /** The first layer (depth-first, residual bodies included) that is not a polynomial, or null. */
  public Layer firstNonPolynomialLayer() {
    return firstNonPolynomial(layers);
  }

  private static Layer firstNonPolynomial(List<Layer> ls) {
    for (Layer l : ls) {
      if (l instanceof Residual r) {
        Layer inner = firstNonPolynomial(r.body());
        if (inner == null) {
          inner = firstNonPolynomial(r.shortcut());
        }
        if (inner != null) {
          return inner;
        }
      } else if (!l.isPolynomial()) {
        return l;
      }
    }
    return null;
  }
}
