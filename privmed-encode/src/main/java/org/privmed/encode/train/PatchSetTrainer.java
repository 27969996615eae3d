package org.privmed.encode.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import org.privmed.data.split.Shuffle;
import org.privmed.eval.metrics.Auroc;
import org.privmed.nn.train.LearningRateSchedule;

/**
 * Trains a small transformer over the <em>set</em> of encoded patches (Yala et al. 2021, method section: the
 * model that consumes NeuraCrypt encodings is a vision transformer; since each image's patches are
 * shuffled, it gets no positional input). Tokens are the encoded patches, projected to {@code
 * embed}, passed through {@code layers} transformer encoder blocks and mean-pooled, so the output is
 * invariant to the patch order; a linear head gives the class logits. DJL on the PyTorch CPU engine.
 *
 * <p>The nn module's {@code ModelTrainer} trains only its own layer vocabulary on C×H×W images, so
 * this class runs its own DJL loop (Adam, softmax cross-entropy, best-validation-AUROC weights) with
 * the same determinism habits: seeded init, shuffling and dropout, fixed thread count.
 *
 * <p>Inputs are standardised per encoded channel with statistics from the training set; all files
 * must come from the same encoder configuration. Training on several hospitals' files (different
 * keys) is allowed: the model then has to cope with several encoders at once, as in the paper's
 * multi-hospital experiments.
 */
public final class PatchSetTrainer {
  private PatchSetTrainer() {}

  /**
   * Trains on {@code train}, keeps the weights of the epoch with the best validation AUROC, and
   * scores them on {@code test}.
   *
   * @param validation may be null (then the last epoch is kept)
   * @param test may be null
   */
  public static PatchSetResult train(List<PatchSet> train, PatchSet validation,
      PatchSet test, PatchSetConfig config, Consumer<PatchSetResult.Epoch> onEpoch) {
    Objects.requireNonNull(config, "config");
    if (train == null || train.isEmpty()) {
      throw new IllegalArgumentException("no training data");
    }
    PatchSet first = train.get(0);
    int patches = first.patches();
    int width = first.width();
    int classes = first.classNames().size();
    for (PatchSet d : concat(train, validation, test)) {
      first.requireCompatible(d);
    }
    List<float[]> xs = new ArrayList<>();
    List<Integer> ys = new ArrayList<>();
    List<String> sources = new ArrayList<>();
    for (PatchSet d : train) {
      for (int i = 0; i < d.size(); i++) {
        xs.add(d.rows()[i]);
        ys.add(d.labels()[i]);
        sources.add(d.sourceOf(i));
      }
    }
    int n = xs.size();
    InputLayout layout = InputLayout.fit(xs, sources, width, config.input(),
        config.whitenShrinkage());
    for (PatchSet d : concat(List.of(), validation, test)) {
      for (int i = 0; i < d.size(); i++) {
        layout.requireKnown(d.sourceOf(i), d.name());
      }
    }
    int inWidth = layout.inputWidth();

    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(config.threads()));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Engine.getEngine("PyTorch").setRandomSeed((int) config.seed());

    List<PatchSetResult.Epoch> history = new ArrayList<>();
    try (Model model = Model.newInstance("patch-set-transformer", "PyTorch")) {
      model.setBlock(network(config, classes));
      boolean smooth = config.labelSmoothing() > 0;
      // Smoothed targets are class distributions, so the loss takes dense labels then.
      Loss loss = smooth ? new SoftmaxCrossEntropyLoss("SoftmaxCrossEntropyLoss", 1, -1, false,
          true) : Loss.softmaxCrossEntropyLoss();
      int totalSteps = config.epochs() * ((n + config.batchSize() - 1) / config.batchSize());
      // DJL counts updates from 1 per parameter; the schedule's step 0 is the first update.
      Tracker rate = config.schedule() == LearningRateSchedule.CONSTANT
          ? Tracker.fixed((float) config.learningRate())
          : update -> (float) config.schedule().rate(config.learningRate(), update - 1,
              totalSteps);
      DefaultTrainingConfig tc = new DefaultTrainingConfig(loss)
          .optOptimizer(Optimizer.adam().optLearningRateTracker(rate)
              .optWeightDecays((float) config.weightDecay()).build())
          .optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = model.newTrainer(tc)) {
        trainer.initialize(new Shape(1, patches, inWidth));
        Random shuffle = new Random(config.seed());
        NDList best = null;
        int bestEpoch = 0;
        double bestAuroc = Double.NEGATIVE_INFINITY;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
          int[] order = Shuffle.permutation(n, shuffle);
          double lossSum = 0;
          for (int from = 0; from < n; from += config.batchSize()) {
            int m = Math.min(config.batchSize(), n - from);
            float[] flat = new float[m * patches * inWidth];
            float[] labels = new float[m];
            for (int i = 0; i < m; i++) {
              int row = order[from + i];
              layout.write(xs.get(row), sources.get(row), flat, i * patches * inWidth);
              labels[i] = ys.get(row);
            }
            try (NDManager bm = trainer.getManager().newSubManager()) {
              NDArray x = bm.create(flat, new Shape(m, patches, inWidth));
              NDArray y = smooth ? smoothed(bm, labels, classes, config.labelSmoothing())
                  : bm.create(labels, new Shape(m));
              try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray pred = trainer.forward(new NDList(x)).singletonOrThrow();
                NDArray l = loss.evaluate(new NDList(y), new NDList(pred));
                gc.backward(l);
                double lv = l.getFloat();
                if (!Double.isFinite(lv)) {
                  throw new IllegalStateException(String.format(Locale.ROOT,
                      "training diverged (loss %s) at epoch %d; lower the learning rate %g", lv,
                      epoch, config.learningRate()));
                }
                lossSum += lv * m;
              }
              trainer.step();
            }
          }
          double valAcc = Double.NaN;
          double valAuroc = Double.NaN;
          if (validation != null && validation.size() > 0) {
            double[][] p = probabilities(trainer, validation, layout, config.batchSize());
            valAcc = accuracy(validation.labels(), p);
            valAuroc = auroc(validation.labels(), p);
          }
          PatchSetResult.Epoch e = new PatchSetResult.Epoch(epoch, lossSum / n, valAcc, valAuroc);
          history.add(e);
          onEpoch.accept(e);
          double key = Double.isNaN(valAuroc) ? epoch : valAuroc;
          if (key > bestAuroc) {
            bestAuroc = key;
            bestEpoch = epoch;
            best = snapshot(model.getBlock());
          }
        }
        restore(model.getBlock(), best);
        double testAcc = Double.NaN;
        double testAuroc = Double.NaN;
        double[][] testScores = new double[0][];
        if (test != null && test.size() > 0) {
          testScores = probabilities(trainer, test, layout, config.batchSize());
          testAcc = accuracy(test.labels(), testScores);
          testAuroc = auroc(test.labels(), testScores);
        }
        best.close();
        return new PatchSetResult(history, bestEpoch, testAcc, testAuroc, testScores);
      }
    }
  }

  /** Projection, transformer blocks, mean over the patch set, linear head. */
  static Block network(PatchSetConfig c, int classes) {
    SequentialBlock net = new SequentialBlock();
    net.add(Linear.builder().setUnits(c.embed()).build());
    for (int l = 0; l < c.layers(); l++) {
      net.add(new TransformerEncoderBlock(c.embed(), c.heads(), c.hidden(), c.dropout(),
          Activation::relu));
    }
    // Mean pooling over axis 1 (the patches) is what makes the model blind to the patch order.
    net.add(new LambdaBlock(list -> new NDList(list.singletonOrThrow().mean(new int[] {1}))));
    net.add(Linear.builder().setUnits(classes).build());
    return net;
  }

  /** Targets with 1 − ε on the label and ε/K on every class, one row per example. */
  private static NDArray smoothed(NDManager m, float[] labels, int classes, double epsilon) {
    float[] t = new float[labels.length * classes];
    java.util.Arrays.fill(t, (float) (epsilon / classes));
    for (int i = 0; i < labels.length; i++) {
      t[i * classes + (int) labels[i]] += (float) (1 - epsilon);
    }
    return m.create(t, new Shape(labels.length, classes));
  }

  /** Softmax class probabilities (n × classes, column = label) of the current weights on d. */
  private static double[][] probabilities(Trainer trainer, PatchSet d, InputLayout layout,
      int batch) {
    int patches = d.patches();
    int width = layout.inputWidth();
    int n = d.size();
    int classes = d.classNames().size();
    double[][] probs = new double[n][classes];
    for (int from = 0; from < n; from += batch) {
      int m = Math.min(batch, n - from);
      float[] flat = new float[m * patches * width];
      for (int i = 0; i < m; i++) {
        layout.write(d.rows()[from + i], d.sourceOf(i + from), flat, i * patches * width);
      }
      try (NDManager bm = trainer.getManager().newSubManager()) {
        NDArray x = bm.create(flat, new Shape(m, patches, width));
        float[] p = trainer.evaluate(new NDList(x)).singletonOrThrow().softmax(1).toFloatArray();
        for (int i = 0; i < m; i++) {
          for (int c = 0; c < classes; c++) {
            probs[from + i][c] = p[i * classes + c];
          }
        }
      }
    }
    return probs;
  }

  static double accuracy(int[] labels, double[][] probs) {
    long correct = 0;
    for (int i = 0; i < labels.length; i++) {
      int arg = 0;
      for (int c = 1; c < probs[i].length; c++) {
        if (probs[i][c] > probs[i][arg]) {
          arg = c;
        }
      }
      if (arg == labels[i]) {
        correct++;
      }
    }
    return (double) correct / labels.length;
  }

  /** {@link Auroc#ofScores} (class 1's column in a binary task); NaN when undefined. */
  static double auroc(int[] labels, double[][] probs) {
    try {
      return Auroc.ofScores(labels, probs);
    } catch (IllegalArgumentException e) {
      return Double.NaN; // one class only in this set
    }
  }

  private static NDList snapshot(Block block) {
    NDList out = new NDList();
    block.getParameters().values().forEach(p -> out.add(p.getArray().duplicate()));
    return out;
  }

  private static void restore(Block block, NDList saved) {
    int i = 0;
    for (var p : block.getParameters().values()) {
      saved.get(i++).copyTo(p.getArray());
    }
  }

  private static List<PatchSet> concat(List<PatchSet> a, PatchSet b, PatchSet c) {
    List<PatchSet> all = new ArrayList<>(a);
    if (b != null) {
      all.add(b);
    }
    if (c != null) {
      all.add(c);
    }
    return all;
  }
}
