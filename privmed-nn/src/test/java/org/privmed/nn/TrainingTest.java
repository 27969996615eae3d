package org.privmed.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.train.EpochMetrics;
import org.privmed.nn.train.ModelTrainer;
import org.privmed.nn.train.NoiseAwareOptions;
import org.privmed.nn.train.OptimizerKind;
import org.privmed.nn.train.TrainingConfig;
import org.privmed.nn.train.TrainingResult;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

/** Small real training runs through DJL/PyTorch on a synthetic two-class image task. */
class TrainingTest {

  /** Class 0: a bright blob in the upper half; class 1: in the lower half; plus pixel noise. */
  static ImageDataset blobs(String name, int n, int channels, long seed) {
    Random r = new Random(seed);
    int h = 28;
    int w = 28;
    float[][] images = new float[n][channels * h * w];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(2);
      int cy = labels[i] == 0 ? 4 + r.nextInt(8) : 16 + r.nextInt(8);
      int cx = 4 + r.nextInt(20);
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            double d2 = (y - cy) * (y - cy) + (x - cx) * (x - cx);
            double v = Math.exp(-d2 / 18.0) + 0.2 * r.nextFloat();
            images[i][(c * h + y) * w + x] = (float) Math.min(1, v);
          }
        }
      }
    }
    return new ImageDataset(name, channels, h, w, images, labels, List.of("up", "down"));
  }

  private static double meanLoss(Model m, ImageDataset d) {
    double loss = 0;
    for (int i = 0; i < d.size(); i++) {
      double[] p = PlainInference.probabilities(m, d.images()[i]);
      loss -= Math.log(Math.max(p[d.labels()[i]], 1e-300));
    }
    return loss / d.size();
  }

  private static TrainingConfig config(OptimizerKind opt, double lr, int epochs) {
    return new TrainingConfig(opt, lr, 0.9, 1e-4, 32, epochs, 17, 1, null, true, false);
  }

  @Test
  void trainingReducesLossAndIsDeterministic() {
    ImageDataset train = blobs("blobs/train", 320, 1, 1);
    ImageDataset val = blobs("blobs/val", 100, 1, 2);
    Model init = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), train.classNames(),
        new ZooOptions(0, 3));
    TrainingConfig cfg = config(OptimizerKind.ADAM, 2e-3, 2);
    TrainingResult a = ModelTrainer.train(init, train, val, cfg);
    TrainingResult b = ModelTrainer.train(init, train, val, cfg);

    assertEquals(2, a.history().size());
    double before = meanLoss(init.withNormalization(a.model().normalization()), train);
    double after = meanLoss(a.model(), train);
    assertTrue(after < 0.7 * before, "loss " + before + " -> " + after);
    EpochMetrics best = a.history().get(a.bestEpoch() - 1);
    assertTrue(best.validationAccuracy() > 0.8, "val acc " + best.validationAccuracy());
    assertTrue(best.validationAuroc() > 0.8, "val AUROC " + best.validationAuroc());
    // The exported Java model reproduces the validation accuracy DJL measured for that epoch.
    int correct = 0;
    for (int i = 0; i < val.size(); i++) {
      if (PlainInference.predict(a.model(), val.images()[i]) == val.labels()[i]) {
        correct++;
      }
    }
    assertEquals(best.validationAccuracy(), (double) correct / val.size(), 0.02);

    assertArrayEquals(ModelFile.toBytes(a.model()), ModelFile.toBytes(b.model()),
        "same seed and threads must give the same model");
    assertEquals(a.history().get(1).trainLoss(), b.history().get(1).trainLoss(), 0.0);

    TrainingResult c = ModelTrainer.train(init, train, val, cfg.withSeed(18));
    assertFalse(java.util.Arrays.equals(ModelFile.toBytes(a.model()),
        ModelFile.toBytes(c.model())), "a different seed should shuffle differently");
    assertEquals("adam", a.model().metadata().get("train.optimizer"));
  }

  @Test
  void sgdNoiseAwareResidualNetworkTrains() {
    ImageDataset train = blobs("blobs3/train", 192, 3, 4);
    Model init = ModelZoo.build("reacthe-shallow", new TensorShape(3, 28, 28), train.classNames(),
        new ZooOptions(4, 5));
    TrainingConfig cfg = new TrainingConfig(OptimizerKind.SGD, 0.02, 0.9, 0, 32, 2, 9, 1,
        NoiseAwareOptions.defaults(), true, false);
    TrainingResult r = ModelTrainer.train(init, train, null, cfg);
    TrainingResult again = ModelTrainer.train(init, train, null, cfg);
    assertArrayEquals(ModelFile.toBytes(r.model()), ModelFile.toBytes(again.model()),
        "batch-norm network: same seed must give the same model");
    assertEquals(2, r.bestEpoch());
    assertTrue(Double.isNaN(r.history().get(0).validationAccuracy()));
    double before = meanLoss(init.withNormalization(r.model().normalization()), train);
    double after = meanLoss(r.model(), train);
    assertTrue(after < before, "loss " + before + " -> " + after);
    assertTrue(r.model().metadata().get("train.noiseAware").startsWith("fractionalBits=10"));
  }

  @Test
  void mismatchedDataIsRefused() {
    ImageDataset rgb = blobs("rgb", 8, 3, 1);
    Model gray = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), rgb.classNames(),
        ZooOptions.defaults());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelTrainer.train(gray, rgb, null, config(OptimizerKind.ADAM, 1e-3, 1)));
    assertTrue(e.getMessage().contains("1x28x28") && e.getMessage().contains("3x28x28"),
        e.getMessage());
  }
}
