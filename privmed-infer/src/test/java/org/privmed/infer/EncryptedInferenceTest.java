package org.privmed.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.data.Normalization;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.infer.compile.CompileOptions;
import org.privmed.infer.compile.HeCompiler;
import org.privmed.infer.compile.HeProgram;
import org.privmed.infer.compile.Packing;
import org.privmed.infer.runtime.ClientKeys;
import org.privmed.infer.runtime.ClientSession;
import org.privmed.infer.runtime.ServerEvaluator;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

/** tenseal-mnist with random weights on a few real MNIST images, both packings. */
class EncryptedInferenceTest {
  static ImageDataset mnist;
  static Model model;

  @BeforeAll
  static void load() {
    ImageDataset test = Datasets.load("mnist", Split.TEST);
    mnist = test.subset("mnist/test[0:4]", new int[] {0, 1, 2, 3});
    model = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), test.classNames(),
        new ZooOptions(0, 7)).withNormalization(new Normalization(new double[] {0.1307},
            new double[] {0.3081}));
  }

  private static void roundTrip(Packing packing, int images) {
    HeProgram prog = HeCompiler.compile(model, packing, CompileOptions.defaults(), mnist);
    System.out.println(prog.explain());
    try (CkksContext ctx = new CkksContext(prog.parameters(), 1)) {
      ClientKeys keys = ClientKeys.generate(prog, ctx);
      ClientSession client = new ClientSession(prog.clientProgram(), ctx, keys.secretKey());
      try (ServerEvaluator server = new ServerEvaluator(prog, ctx, keys.relinearizationKey(),
          keys.galoisKeys())) {
        float[][] batch = Arrays.copyOf(mnist.images(), images);
        double[][] got;
        if (packing == Packing.LATENCY) {
          got = new double[images][];
          for (int i = 0; i < images; i++) {
            got[i] = client.decrypt(server.evaluate(client.encrypt(new float[][] {batch[i]})))[0];
          }
        } else {
          got = client.decrypt(server.evaluate(client.encrypt(batch)), images);
        }
        double worst = 0;
        for (int i = 0; i < images; i++) {
          double[] want = PlainInference.logits(model, batch[i]);
          for (int o = 0; o < want.length; o++) {
            worst = Math.max(worst, Math.abs(want[o] - got[i][o]));
          }
        }
        System.out.printf("%s: worst |error| %.3g, predicted %.3g%n", packing, worst,
            prog.predictedError());
        assertTrue(worst <= prog.predictedError(), "error " + worst + " above the predicted "
            + prog.predictedError());
      }
    }
  }

  @Test
  void latencyMatchesPlaintext() {
    roundTrip(Packing.LATENCY, 2);
  }

  @Test
  void throughputMatchesPlaintext() {
    roundTrip(Packing.THROUGHPUT, 4);
  }
}
