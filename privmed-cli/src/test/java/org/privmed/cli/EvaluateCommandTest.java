package org.privmed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

/**
 * The PyTorch float32 forward pass of {@code evaluate --engine djl} gives the Java reference's
 * scores to float32 rounding.
 */
class EvaluateCommandTest {

  @Test
  void djlEngineAgreesWithTheJavaReferenceAcrossBatches() {
    int n = 37; // two full batches of 16 and a partial one
    Random r = new Random(4);
    float[][] images = new float[n][3 * 28 * 28];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(3);
      for (int p = 0; p < images[i].length; p++) {
        images[i][p] = r.nextFloat();
      }
    }
    ImageDataset set = new ImageDataset("noise", 3, 28, 28, images, labels,
        List.of("a", "b", "c"));
    for (String name : new String[] {"dpresnet", "polycnn"}) {
      Model m = ModelZoo.build(name, new TensorShape(3, 28, 28), set.classNames(),
          new ZooOptions(4, 9));
      double[][] java = EvaluateCommand.probabilities(m, set, EvaluateCommand.ForwardEngine.JAVA, 1,
          16);
      double[][] djl = EvaluateCommand.probabilities(m, set, EvaluateCommand.ForwardEngine.DJL, 1,
          16);
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < 3; c++) {
          assertEquals(java[i][c], djl[i][c], 1e-5, name + " image " + i + " class " + c);
        }
      }
    }
  }
}
