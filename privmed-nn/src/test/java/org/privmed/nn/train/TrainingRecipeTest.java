package org.privmed.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

/** Class weighting, epoch selection, the cosine schedule and augmentation of the trainer. */
class TrainingRecipeTest {

  @Test
  void cosineScheduleFallsFromTheBaseRateToZero() {
    assertEquals(0.01, LearningRateSchedule.CONSTANT.rate(0.01, 77, 100), 0);
    assertEquals(0.01, LearningRateSchedule.COSINE.rate(0.01, 0, 100), 1e-15);
    assertEquals(0.005, LearningRateSchedule.COSINE.rate(0.01, 50, 100), 1e-15);
    assertEquals(0.01 * 0.5 * (1 + Math.cos(Math.PI * 0.25)),
        LearningRateSchedule.COSINE.rate(0.01, 25, 100), 1e-15);
    assertEquals(0, LearningRateSchedule.COSINE.rate(0.01, 100, 100), 1e-15);
    assertEquals(0, LearningRateSchedule.COSINE.rate(0.01, 130, 100), 1e-15);
    assertEquals(0.01, LearningRateSchedule.STEP.rate(0.01, 49, 100), 0);
    assertEquals(0.001, LearningRateSchedule.STEP.rate(0.01, 50, 100), 1e-18);
    assertEquals(0.001, LearningRateSchedule.STEP.rate(0.01, 74, 100), 1e-18);
    assertEquals(0.0001, LearningRateSchedule.STEP.rate(0.01, 75, 100), 1e-18);
    assertEquals(0.0001, LearningRateSchedule.STEP.rate(0.01, 99, 100), 1e-18);
  }

  @Test
  void balancedWeightsEqualiseTheClasses() {
    ImageDataset d = new ImageDataset("w", 1, 1, 1,
        new float[][] {{0}, {0}, {0}, {0}}, new int[] {0, 1, 1, 1}, List.of("a", "b", "c"));
    assertArrayEquals(new double[] {4.0 / 3, 4.0 / 9, 1}, 
        ModelTrainer.classWeights(ClassWeighting.BALANCED, d), 1e-12);
    assertEquals(null, ModelTrainer.classWeights(ClassWeighting.NONE, d));
  }

  @Test
  void weightedLossIsTheWeightedMeanOfTheExampleLosses() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray logits = m.create(new float[] {0, (float) Math.log(3), 2, 0}, new ai.djl.ndarray
          .types.Shape(2, 2));
      NDArray labels = m.create(new float[] {1, 1});
      float loss = new WeightedCrossEntropyLoss(new double[] {0.5, 3})
          .evaluate(new NDList(labels), new NDList(logits)).getFloat();
      double first = -Math.log(0.75);
      double second = -Math.log(1 / (1 + Math.exp(2)));
      assertEquals((3 * first + 3 * second) / 2, loss, 1e-5);
    }
  }

  @Test
  void shiftsMoveImagesByAtMostTwoPixelsAndFlipsMirror() {
    float[] img = new float[2 * 5 * 5];
    img[2 * 5 + 2] = 1; // channel 0, centre
    img[25 + 2 * 5 + 2] = 2; // channel 1, centre
    assertSame(img, Augmentation.NONE.apply(img, 2, 5, 5, new Random(1)));
    Random r = new Random(3);
    boolean moved = false;
    for (int t = 0; t < 50; t++) {
      float[] out = Augmentation.SHIFT.apply(img, 2, 5, 5, r);
      int at = -1;
      for (int i = 0; i < 25; i++) {
        if (out[i] == 1) {
          at = i;
        }
      }
      assertTrue(at >= 0, "a centre pixel stays inside a 5x5 image under a 2-pixel shift");
      assertEquals(2, out[25 + at], "both channels move together");
      moved |= at != 12;
    }
    assertTrue(moved);
    assertEquals(1, img[12], "the input is not modified");

    float[] edge = new float[5];
    edge[0] = 1; // one row, leftmost pixel
    boolean mirrored = false;
    Random f = new Random(5);
    for (int t = 0; t < 50; t++) {
      float[] out = Augmentation.SHIFT_FLIP.apply(edge, 1, 1, 5, f);
      mirrored |= out[4] == 1 || out[3] == 1; // only a flip brings it to the right half
    }
    assertTrue(mirrored);
  }

  /** Two overlapping classes at 1 : 4, so the unweighted optimum favours the majority. */
  private static ImageDataset skewed(String name, int n, long seed) {
    Random r = new Random(seed);
    float[][] images = new float[n][28 * 28];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(5) == 0 ? 0 : 1;
      float level = labels[i] == 0 ? 0.45f : 0.55f;
      for (int p = 0; p < images[i].length; p++) {
        images[i][p] = level + 0.05f * (float) r.nextGaussian();
      }
    }
    return new ImageDataset(name, 1, 28, 28, images, labels, List.of("minor", "major"));
  }

  private static double meanMinorityProbability(Model m, ImageDataset d) {
    double sum = 0;
    for (float[] x : d.images()) {
      sum += PlainInference.probabilities(m, x)[0];
    }
    return sum / d.size();
  }

  @Test
  void balancedRecipeRaisesTheMinorityScoreAndIsRecorded() {
    ImageDataset train = skewed("skew/train", 200, 1);
    ImageDataset val = skewed("skew/val", 60, 2);
    Model init = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), train.classNames(),
        new ZooOptions(0, 3));
    TrainingConfig plain = new TrainingConfig(OptimizerKind.ADAM, 1e-3, 0.9, 0, 32, 3, 11, 1,
        null, true, false);
    TrainingConfig balanced = plain.withRecipe(ClassWeighting.BALANCED, EpochSelection.LOSS,
        LearningRateSchedule.COSINE, Augmentation.SHIFT);
    TrainingResult a = ModelTrainer.train(init, train, val, plain);
    TrainingResult b = ModelTrainer.train(init, train, val, balanced);
    TrainingResult again = ModelTrainer.train(init, train, val, balanced);

    assertTrue(meanMinorityProbability(b.model(), val) > meanMinorityProbability(a.model(), val),
        "weighting the minority class must raise its predicted probability");
    assertArrayEquals(ModelFile.toBytes(b.model()), ModelFile.toBytes(again.model()),
        "augmentation and the schedule stay deterministic for a seed");
    double bestLoss = b.history().get(b.bestEpoch() - 1).validationLoss();
    for (EpochMetrics e : b.history()) {
      assertTrue(bestLoss <= e.validationLoss(), "loss selection kept epoch " + b.bestEpoch());
    }
    assertEquals("balanced", b.model().metadata().get("train.classWeighting"));
    assertEquals("loss", b.model().metadata().get("train.epochSelection"));
    assertEquals("cosine", b.model().metadata().get("train.schedule"));
    assertEquals("shift", b.model().metadata().get("train.augmentation"));
    assertEquals("none", a.model().metadata().get("train.classWeighting"));
    assertNotEquals(a.history().get(0).trainLoss(), b.history().get(0).trainLoss());
  }

  /** Every weight and bias of the model's dense and convolution layers, in layer order. */
  private static double[] linearWeights(Model m) {
    java.util.List<Double> out = new java.util.ArrayList<>();
    for (org.privmed.nn.model.Layer l : m.layers()) {
      double[][] parts = l instanceof org.privmed.nn.model.Dense d
          ? new double[][] {d.weight(), d.bias()}
          : l instanceof org.privmed.nn.model.Conv2d c ? new double[][] {c.weight(), c.bias()}
          : new double[0][];
      for (double[] p : parts) {
        for (double v : p) {
          out.add(v);
        }
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void averageKeepsTheMeanOfTheLastQuarterOfEpochs() {
    ImageDataset train = skewed("avg/train", 96, 5);
    ImageDataset val = skewed("avg/val", 40, 6);
    Model init = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), train.classNames(),
        new ZooOptions(0, 3));
    TrainingConfig plain = new TrainingConfig(OptimizerKind.ADAM, 1e-3, 0.9, 0, 32, 8, 11, 1,
        null, true, false);
    // Without a validation set the last epoch is kept, so these are the weights after 7 and 8.
    double[] w7 = linearWeights(ModelTrainer.train(init, train, null, plain.withEpochs(7)).model());
    double[] w8 = linearWeights(ModelTrainer.train(init, train, null, plain).model());
    TrainingResult avg = ModelTrainer.train(init, train, val, plain.withRecipe(ClassWeighting.NONE,
        EpochSelection.AVERAGE, LearningRateSchedule.CONSTANT, Augmentation.NONE));

    double[] w = linearWeights(avg.model());
    assertEquals(w7.length, w.length);
    double largestStep = 0;
    for (int i = 0; i < w.length; i++) {
      assertEquals((w7[i] + w8[i]) / 2, w[i], 1e-6, "weight " + i);
      largestStep = Math.max(largestStep, Math.abs(w8[i] - w7[i]));
    }
    assertTrue(largestStep > 1e-4, "epochs 7 and 8 must differ for the test to mean anything");
    assertEquals(7, avg.averagedFrom());
    assertEquals(8, avg.bestEpoch());
    assertEquals("7-8", avg.model().metadata().get("train.averagedEpochs"));
    int right = 0;
    for (int i = 0; i < val.size(); i++) {
      double[] p = PlainInference.probabilities(avg.model(), val.images()[i]);
      right += (p[1] > p[0] ? 1 : 0) == val.labels()[i] ? 1 : 0;
    }
    assertEquals((double) right / val.size(), avg.kept().validationAccuracy(), 1e-9,
        "the reported validation accuracy is that of the averaged weights");
  }

  @Test
  void averageRefusesBatchNormNetworks() {
    ImageDataset train = skewed("avgbn/train", 32, 7);
    Model init = ModelZoo.build("reacthe-shallow", new TensorShape(1, 28, 28), train.classNames(),
        new ZooOptions(4, 3));
    TrainingConfig cfg = new TrainingConfig(OptimizerKind.ADAM, 1e-3, 0.9, 0, 32, 1, 11, 1,
        null, true, false).withRecipe(ClassWeighting.NONE, EpochSelection.AVERAGE,
        LearningRateSchedule.CONSTANT, Augmentation.NONE);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelTrainer.train(init, train, null, cfg));
    assertTrue(e.getMessage().contains("BatchNorm"), e.getMessage());
  }

  @Test
  void missingRecipePartsAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainingConfig.defaults().withRecipe(null, EpochSelection.AUROC,
            LearningRateSchedule.CONSTANT, Augmentation.NONE));
    assertTrue(e.getMessage().contains("class weighting"), e.getMessage());
  }
}
