package org.privmed.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.AvgPool2d;
import org.privmed.nn.model.Conv2d;
import org.privmed.nn.model.Dense;
import org.privmed.nn.model.Dropout;
import org.privmed.nn.model.Flatten;
import org.privmed.nn.model.Layer;
import org.privmed.nn.model.Model;
import org.privmed.data.Normalization;
import org.privmed.nn.model.Polynomial;
import org.privmed.nn.model.Residual;
import org.privmed.nn.model.ScaledPower;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.train.DjlNetwork;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

/** The pure-Java forward pass equals DJL's (PyTorch, float64) on every zoo model. */
class DjlEquivalenceTest {

  static List<Arguments> models() {
    List<Arguments> a = new ArrayList<>();
    TensorShape gray = new TensorShape(1, 28, 28);
    TensorShape rgb = new TensorShape(3, 28, 28);
    List<String> ten = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    List<String> two = List.of("a", "b");
    a.add(Arguments.of("cryptonets-mnist", gray, ten, 0));
    a.add(Arguments.of("tenseal-mnist", gray, ten, 0));
    a.add(Arguments.of("tenseal-mnist", rgb, two, 0));
    a.add(Arguments.of("cryptonets-all", new TensorShape(3, 32, 32), two, 0));
    a.add(Arguments.of("reacthe-shallow", gray, two, 8));
    a.add(Arguments.of("reacthe-deep", gray, two, 8));
    a.add(Arguments.of("reacthe-deep", rgb, ten, 4));
    a.add(Arguments.of("dpresnet", rgb, List.of("a", "b", "c"), 4));
    a.add(Arguments.of("dpresnet", gray, two, 2));
    return a;
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("models")
  void javaMatchesDjl(String name, TensorShape shape, List<String> classes, int width) {
    Model m = Perturb.randomise(ModelZoo.build(name, shape, classes, new ZooOptions(width, 7)), 11);
    assertAgree(m, 3, 1e-5);
  }

  @org.junit.jupiter.api.Test
  void everyLayerTypeMatches() {
    // Layers the zoo does not use (scaled power, polynomial, dropout, projection shortcut) in one
    // small network.
    Random r = new Random(3);
    TensorShape in = new TensorShape(2, 9, 9);
    List<Layer> layers = new ArrayList<>();
    layers.add(new Conv2d(2, 3, 3, 2, 1, Perturb.uniform(r, 54, -0.5, 0.5),
        Perturb.uniform(r, 3, -0.1, 0.1)));
    layers.add(new ScaledPower(3, 0.7, true));
    layers.add(new Residual(
        List.of(new Conv2d(3, 4, 3, 1, 1, Perturb.uniform(r, 108, -0.3, 0.3), new double[4]),
            new Polynomial(new double[] {0.1, 0.5, 0.25})),
        List.of(new Conv2d(3, 4, 1, 1, 0, Perturb.uniform(r, 12, -0.5, 0.5),
            Perturb.uniform(r, 4, -0.1, 0.1)))));
    layers.add(new AvgPool2d(2, 1));
    layers.add(new Dropout(0.3));
    layers.add(new Flatten());
    layers.add(new Dense(64, 3, Perturb.uniform(r, 192, -0.2, 0.2), new double[3]));
    Model m = new Model("all-layers", in, layers, List.of("x", "y", "z"),
        new Normalization(new double[] {0.5, 0.25}, new double[] {0.2, 0.4}), java.util.Map.of());
    assertAgree(m, 4, 1e-5);
  }

  private static void assertAgree(Model m, int n, double tol) {
    Random r = new Random(5);
    int size = m.inputShape().size();
    float[][] pixels = new float[n][size];
    double[][] normalized = new double[n][];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < size; j++) {
        pixels[i][j] = r.nextFloat();
      }
      normalized[i] = PlainInference.normalize(m, pixels[i]);
    }
    double[][] djl = DjlNetwork.forward(m, normalized, DataType.FLOAT64);
    double maxAbs = 0;
    for (int i = 0; i < n; i++) {
      double[] java = PlainInference.logits(m, pixels[i]);
      assertEquals(m.numClasses(), java.length);
      for (int k = 0; k < java.length; k++) {
        assertTrue(Double.isFinite(java[k]), "non-finite logit");
        double diff = Math.abs(java[k] - djl[i][k]);
        maxAbs = Math.max(maxAbs, Math.abs(java[k]));
        assertTrue(diff <= tol * (1 + Math.abs(djl[i][k])), m.name() + " image " + i + " class " + k
            + ": java " + java[k] + " vs djl " + djl[i][k]);
      }
    }
    assertTrue(maxAbs > 1e-6, "all logits are ~0: the comparison would be vacuous");
  }
}
