package org.privmed.infer.plan;

/**
 * How a client arranges one normalised image before encrypting it: value {@code i} of the
 * arranged vector is pixel {@code source[i]} of the image, or 0 where {@code source[i] = -1}.
 * The identity layout sends the image as it is; the im2col layout (Chellapilla, Puri and Simard,
 * "High Performance Convolutional Neural Networks for Document Processing", IWFHR 2006, Sec. 2.1)
 * repeats each pixel once per convolution window that reads it, so that the first convolution
 * becomes a matrix whose diagonals are few (see {@code packing.DiagonalPlan}). The client owns its
 * plaintext, so this costs the server nothing.
 */
public record InputLayout(String kind, int[] source) {

  public InputLayout {
    if (source.length == 0) {
      throw new IllegalArgumentException("input layout " + kind + " is empty");
    }
    source = source.clone();
  }

  public static InputLayout identity(int n) {
    int[] s = new int[n];
    for (int i = 0; i < n; i++) {
      s[i] = i;
    }
    return new InputLayout("identity", s);
  }

  public int size() {
    return source.length;
  }

  /** The arranged vector of one image. */
  public double[] arrange(double[] image) {
    double[] out = new double[source.length];
    for (int i = 0; i < source.length; i++) {
      out[i] = source[i] < 0 ? 0 : image[source[i]];
    }
    return out;
  }
}
