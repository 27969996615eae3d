package org.privmed.infer.quant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.privmed.data.ImageDataset;
import org.privmed.data.Normalization;
import org.privmed.nn.model.Dense;
import org.privmed.nn.model.Flatten;
import org.privmed.nn.model.Layer;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.Square;
import org.privmed.nn.model.TensorShape;

/** Small random square-activation networks and random images for the BFV path's tests. */
public final class TinyNets {
  private TinyNets() {}

  static final List<String> CLASSES = List.of("a", "b", "c");

  /** 1×4×4 input → dense 16→h → square → … (one block per entry of hidden) → dense → 3 classes. */
  public static Model model(long seed, int... hidden) {
    Random r = new Random(seed);
    List<Layer> layers = new ArrayList<>();
    layers.add(new Flatten());
    int in = 16;
    for (int h : hidden) {
      layers.add(dense(r, in, h));
      layers.add(new Square());
      in = h;
    }
    layers.add(dense(r, in, CLASSES.size()));
    return new Model("tiny", new TensorShape(1, 4, 4), layers, CLASSES,
        new Normalization(new double[] {0.5}, new double[] {0.25}), Map.of());
  }

  private static Dense dense(Random r, int in, int out) {
    double[] w = new double[in * out];
    double[] b = new double[out];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextGaussian() / Math.sqrt(in);
    }
    for (int i = 0; i < out; i++) {
      b[i] = r.nextGaussian() * 0.1;
    }
    return new Dense(in, out, w, b);
  }

  /** Uniform random pixels in [0, 1]. */
  public static ImageDataset images(long seed, int count) {
    Random r = new Random(seed);
    float[][] imgs = new float[count][16];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < 16; j++) {
        imgs[i][j] = r.nextFloat();
      }
      labels[i] = r.nextInt(CLASSES.size());
    }
    return new ImageDataset("random" + seed, 1, 4, 4, imgs, labels, CLASSES);
  }
}
