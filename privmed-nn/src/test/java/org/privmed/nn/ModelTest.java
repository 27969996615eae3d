package org.privmed.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.BatchNorm;
import org.privmed.nn.model.Conv2d;
import org.privmed.nn.model.Dense;
import org.privmed.nn.model.Flatten;
import org.privmed.nn.model.Layer;
import org.privmed.nn.model.Model;
import org.privmed.data.Normalization;
import org.privmed.nn.model.Relu;
import org.privmed.nn.model.Residual;
import org.privmed.nn.model.Square;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

class ModelTest {

  private static float[] image(TensorShape s, long seed) {
    Random r = new Random(seed);
    float[] a = new float[s.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextFloat();
    }
    return a;
  }

  @Test
  void zooShapesMatchThePapers() {
    TensorShape mnist = new TensorShape(1, 28, 28);
    List<String> ten = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    Model cn = ModelZoo.build("cryptonets-mnist", mnist, ten, ZooOptions.defaults());
    assertEquals(new TensorShape(5, 13, 13), cn.layerShapes().get(0));
    assertEquals(845, ((Dense) cn.layers().get(3)).inFeatures());
    assertEquals(100, ((Dense) cn.layers().get(3)).outFeatures());
    Model ts = ModelZoo.build("tenseal-mnist", mnist, ten, ZooOptions.defaults());
    assertEquals(new TensorShape(4, 8, 8), ts.layerShapes().get(0));
    assertEquals(256, ((Dense) ts.layers().get(3)).inFeatures());
    Model all = ModelZoo.build("cryptonets-all", new TensorShape(3, 32, 32), List.of("all", "hem"),
        ZooOptions.defaults());
    assertEquals(3, all.layers().stream().filter(l -> l instanceof Conv2d).count());
    assertNull(all.firstNonPolynomialLayer());
    // depth 2 as CryptoNets: 5 maps of 16x16 (1,280 values) squared, everything else linear up
    // to the one square after the 64-unit dense layer
    assertEquals(new TensorShape(5, 16, 16), all.layerShapes().get(0));
    assertEquals(2, activations(all.layers()));
    assertTrue(all.layers().get(1) instanceof Square);
    assertEquals(new TensorShape(20, 4, 4), all.layerShapes().get(5));
    assertEquals(64, ((Dense) all.layers().get(7)).outFeatures());
    assertTrue(all.layers().get(8) instanceof Square);
    assertEquals(23_334, all.parameterCount());
    Model deep = ModelZoo.build("reacthe-deep", mnist, List.of("a", "b"), ZooOptions.defaults());
    assertTrue(activations(deep.layers()) >= 6, "reacthe-deep has " + activations(deep.layers()));
    assertNull(deep.firstNonPolynomialLayer());
    Model res = ModelZoo.build("dpresnet", new TensorShape(3, 28, 28), List.of("a", "b"),
        new ZooOptions(8, 1));
    assertTrue(res.firstNonPolynomialLayer() != null);
  }

  private static int activations(List<Layer> ls) {
    int n = 0;
    for (Layer l : ls) {
      if (l instanceof Residual r) {
        n += activations(r.body());
      } else if (l instanceof org.privmed.nn.model.ResidueActivation || l instanceof Square) {
        n++;
      }
    }
    return n;
  }

  @Test
  void shapeMismatchIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelZoo.build("tenseal-mnist", new TensorShape(1, 5, 5), List.of("a", "b"),
            ZooOptions.defaults()));
    assertTrue(e.getMessage().contains("tenseal-mnist") && e.getMessage().contains("1x5x5"),
        e.getMessage());
    Model m = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), List.of("a", "b"),
        ZooOptions.defaults());
    ImageDataset rgb = new ImageDataset("rgb", 3, 28, 28, new float[][] {new float[3 * 784]},
        new int[] {0}, List.of("a", "b"));
    e = assertThrows(IllegalArgumentException.class, () -> PlainInference.logits(m, rgb));
    assertTrue(e.getMessage().contains("3x28x28"), e.getMessage());
    ImageDataset threeClasses = new ImageDataset("c3", 1, 28, 28, new float[][] {new float[784]},
        new int[] {0}, List.of("a", "b", "c"));
    e = assertThrows(IllegalArgumentException.class, () -> PlainInference.logits(m, threeClasses));
    assertTrue(e.getMessage().contains("3"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ModelZoo.build("nope", new TensorShape(1, 28, 28), List.of("a", "b"),
            ZooOptions.defaults()));
    // A dense layer that does not fit the flattened conv output names the layer.
    e = assertThrows(IllegalArgumentException.class, () -> new Model("bad",
        new TensorShape(1, 8, 8), List.of(Conv2d.zeros(1, 2, 3, 1, 0), new Flatten(),
            Dense.zeros(100, 2)), List.of("a", "b"), Normalization.identity(1), Map.of()));
    assertTrue(e.getMessage().contains("layer 2 (dense)"), e.getMessage());
  }

  @Test
  void nonFinitePixelsAreRefused() {
    Model m = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), List.of("a", "b"),
        ZooOptions.defaults());
    float[] img = new float[784];
    img[100] = Float.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PlainInference.logits(m, img));
    assertTrue(e.getMessage().contains("input value 100 is NaN"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PlainInference.logits(m, new float[783]));
  }

  @Test
  void badWeightsAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new Dense(2, 2, new double[3], new double[2]));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Dense(1, 1, new double[] {Double.NaN}, new double[1]));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
  }

  @Test
  void batchNormFoldingPreservesOutputs() {
    Random r = new Random(4);
    TensorShape in = new TensorShape(2, 10, 10);
    Conv2d conv = new Conv2d(2, 4, 3, 1, 1, Perturb.uniform(r, 72, -0.5, 0.5),
        Perturb.uniform(r, 4, -0.2, 0.2));
    BatchNorm bn1 = new BatchNorm(4, Perturb.uniform(r, 4, 0.5, 2), Perturb.uniform(r, 4, -1, 1),
        Perturb.uniform(r, 4, -1, 1), Perturb.uniform(r, 4, 0.1, 3), 1e-5);
    Dense dense = new Dense(400, 3, Perturb.uniform(r, 1200, -0.1, 0.1), new double[3]);
    BatchNorm bn2 = new BatchNorm(3, Perturb.uniform(r, 3, 0.5, 2), Perturb.uniform(r, 3, -1, 1),
        Perturb.uniform(r, 3, -1, 1), Perturb.uniform(r, 3, 0.1, 3), 1e-3);
    Model m = new Model("bn", in, List.of(conv, bn1, new Square(), new Flatten(), dense, bn2),
        List.of("a", "b", "c"), Normalization.identity(2), Map.of());
    Model folded = m.foldBatchNorm();
    assertEquals(4, folded.layers().size());
    assertTrue(folded.layers().stream().noneMatch(l -> l instanceof BatchNorm));
    for (int t = 0; t < 5; t++) {
      float[] img = image(in, t);
      double[] a = PlainInference.logits(m, img);
      double[] b = PlainInference.logits(folded, img);
      for (int k = 0; k < a.length; k++) {
        assertEquals(a[k], b[k], 1e-9 * (1 + Math.abs(a[k])));
      }
    }
    // Zoo models with BatchNorm inside residual bodies fold too.
    Model deep = Perturb.randomise(ModelZoo.build("reacthe-deep", new TensorShape(1, 28, 28),
        List.of("a", "b"), new ZooOptions(4, 5)), 6);
    Model deepFolded = deep.foldBatchNorm();
    float[] img = image(deep.inputShape(), 99);
    double[] a = PlainInference.logits(deep, img);
    double[] b = PlainInference.logits(deepFolded, img);
    for (int k = 0; k < a.length; k++) {
      assertEquals(a[k], b[k], 1e-9 * (1 + Math.abs(a[k])));
    }
    assertThrows(IllegalArgumentException.class, () -> bn1.fold(new Relu()));
  }
}
