package org.privmed.nn.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.privmed.data.ImageDataset;
import org.privmed.data.split.Shuffle;
import org.privmed.eval.metrics.Auroc;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.Model;
import org.privmed.data.Normalization;
import org.privmed.nn.model.TensorShape;

/**
 * Trains a {@link Model} with DJL on the PyTorch CPU engine: mini-batch Adam or SGD with momentum
 * on softmax cross-entropy, validation after every epoch keeping the best weights, a progress bar
 * with ETA on stderr, and the trained weights exported back into the description.
 *
 * <p>Determinism: the initial weights come from the description (seeded in Java), batches are
 * shuffled by a {@link Random} seeded with the config's seed, PyTorch's generator (dropout) is
 * seeded with it, and PyTorch runs {@code threads} intra-op and 1 inter-op threads on the CPU —
 * whose kernels are deterministic for a fixed thread count. The same seed and thread count
 * therefore give bit-identical weights.
 */
public final class ModelTrainer {
  private ModelTrainer() {}

  /** {@link #train(Model, ImageDataset, ImageDataset, TrainingConfig, Consumer)} without a hook. */
  public static TrainingResult train(Model initial, ImageDataset train, ImageDataset validation,
      TrainingConfig config) {
    return train(initial, train, validation, config, m -> { });
  }

  /**
   * Trains {@code initial} on {@code train}.
   *
   * @param validation evaluated after each epoch to pick the best weights; may be null
   * @param onEpoch called after each epoch (e.g. to print the metrics line)
   * @throws IllegalArgumentException if a dataset's image shape or class count does not fit
   */
  public static TrainingResult train(Model initial, ImageDataset train, ImageDataset validation,
      TrainingConfig config, Consumer<EpochMetrics> onEpoch) {
    PlainInference.requireCompatible(initial, train);
    if (validation != null) {
      PlainInference.requireCompatible(initial, validation);
    }
    if (train.size() == 0) {
      throw new IllegalArgumentException("training set " + train.name() + " is empty");
    }
    Model start = config.fitNormalization()
        ? initial.withNormalization(fitNormalization(train)) : initial;
    configureEngine(config);

    float[][] trainX = normalize(start, train);
    float[][] valX = validation == null ? null : normalize(start, validation);
    PrintStream err = System.err;
    List<EpochMetrics> history = new ArrayList<>();
    Model best = null;
    int bestEpoch = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    double bestLoss = Double.POSITIVE_INFINITY;
    double[] classWeights = classWeights(config.classWeighting(), train);
    int batches = (train.size() + config.batchSize() - 1) / config.batchSize();
    boolean averaging = config.selection() == EpochSelection.AVERAGE;
    int averageFrom = averaging ? config.epochs() - Math.max(1, config.epochs() / 4) + 1 : 0;
    double[][] weightSums = null;
    int averaged = 0;
    EpochMetrics kept = null;

    try (ai.djl.Model djl = ai.djl.Model.newInstance(start.name(), "PyTorch")) {
      DjlNetwork net = DjlNetwork.of(start);
      djl.setBlock(net.block());
      Loss loss = classWeights == null ? Loss.softmaxCrossEntropyLoss()
          : new WeightedCrossEntropyLoss(classWeights);
      DefaultTrainingConfig tc = new DefaultTrainingConfig(loss)
          .optOptimizer(optimizer(config, config.epochs() * batches))
          .optDevices(new Device[] {Device.cpu()});
      try (Trainer trainer = djl.newTrainer(tc)) {
        trainer.initialize(net.inputShape(Math.min(config.batchSize(), train.size())));
        net.loadWeights(start);
        if (averaging && !runningStatistics(net).isEmpty()) {
          throw new IllegalArgumentException("--select-by average: model " + start.name()
              + " has BatchNorm running statistics, which an average of weights would leave"
              + " stale; use accuracy, auroc or loss (or a GroupNorm network such as dpresnet)");
        }
        Random shuffle = new Random(config.seed());
        Random noise = new Random(config.seed() ^ 0x5DEECE66DL);
        Random augment = new Random(config.seed() ^ 0x2545F4914F6CDD1DL);
        TensorShape s = start.inputShape();
        int n = train.size();
        int retries = 0;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
          long t0 = System.nanoTime();
          int[] order = Shuffle.permutation(n, shuffle);
          double lossSum = 0;
          long correct = 0;
          ProgressBar bar = config.progress()
              ? new ProgressBar(err, String.format(Locale.ROOT, "epoch %d/%d", epoch,
                  config.epochs()), batches) : null;
          for (int b = 0; b < batches; b++) {
            int from = b * config.batchSize();
            int to = Math.min(n, from + config.batchSize());
            int m = to - from;
            float[] flat = new float[m * s.size()];
            float[] labels = new float[m];
            for (int i = 0; i < m; i++) {
              int row = order[from + i];
              float[] x = config.augmentation().apply(trainX[row], s.channels(), s.height(),
                  s.width(), augment);
              if (config.noiseAware() != null) {
                x = x.clone();
                config.noiseAware().perturb(x, noise);
              }
              System.arraycopy(x, 0, flat, i * s.size(), s.size());
              labels[i] = train.labels()[row];
            }
            try (NDManager bm = trainer.getManager().newSubManager()) {
              NDArray x = bm.create(flat, new Shape(m, s.channels(), s.height(), s.width()));
              NDArray y = bm.create(labels, new Shape(m));
              List<double[]> stats = runningStatistics(net);
              NDArray pred;
              double lv;
              for (int attempt = 1; ; attempt++) {
                zeroGradients(net);
                try (GradientCollector gc = trainer.newGradientCollector()) {
                  pred = trainer.forward(new NDList(x)).singletonOrThrow();
                  NDArray l = loss.evaluate(new NDList(y), new NDList(pred));
                  gc.backward(l);
                  lv = l.getFloat();
                }
                if (Double.isFinite(lv) && gradientsFinite(net)) {
                  break;
                }
                if (attempt == MAX_ATTEMPTS) {
                  throw new IllegalStateException(String.format(Locale.ROOT,
                      "training diverged: loss %s or its gradient is not finite at epoch %d,"
                          + " batch %d (%d attempts); lower the learning rate (now %g)",
                      lv, epoch, b + 1, attempt, config.learningRate()));
                }
                restoreRunningStatistics(net, stats);
                retries++;
              }
              lossSum += lv * m;
              float[] argmax = pred.argMax(1).toType(ai.djl.ndarray.types.DataType.FLOAT32,
                  false).toFloatArray();
              for (int i = 0; i < m; i++) {
                if ((int) argmax[i] == (int) labels[i]) {
                  correct++;
                }
              }
              trainer.step();
            }
            if (bar != null) {
              bar.update(b + 1, String.format(Locale.ROOT, "loss %.4f acc %.4f",
                  lossSum / to, (double) correct / to));
            }
          }
          if (bar != null) {
            bar.finish();
          }
          double valLoss = Double.NaN;
          double valAcc = Double.NaN;
          double valAuroc = Double.NaN;
          if (validation != null && validation.size() > 0) {
            double[][] probs = predict(trainer, valX, s, config.batchSize());
            double[] v = scores(probs, validation.labels(), classWeights);
            valLoss = v[0];
            valAcc = v[1];
            valAuroc = auroc(validation.labels(), probs);
          }
          EpochMetrics em = new EpochMetrics(epoch, lossSum / n, (double) correct / n, valLoss,
              valAcc, valAuroc, (System.nanoTime() - t0) / 1e9);
          history.add(em);
          if (retries > 0) {
            err.printf(Locale.ROOT, "note: %d batch(es) recomputed after a non-finite gradient%n",
                retries);
            retries = 0;
          }
          onEpoch.accept(em);
          double score = switch (config.selection()) {
            case ACCURACY -> valAcc;
            case AUROC -> valAuroc;
            case LOSS -> -valLoss;
            case AVERAGE -> Double.NaN;
          };
          if (averaging) {
            if (epoch >= averageFrom) {
              weightSums = accumulate(net, weightSums);
              averaged++;
            }
            continue;
          }
          // Without validation (or with an undefined score) the last epoch is kept.
          boolean better = best == null || validation == null || validation.size() == 0
              || Double.isNaN(bestScore) || score > bestScore
              || (score == bestScore && valLoss < bestLoss);
          if (better) {
            best = net.export();
            bestEpoch = epoch;
            bestScore = score;
            bestLoss = valLoss;
          }
        }
        if (averaging) {
          long t0 = System.nanoTime();
          setWeights(net, weightSums, averaged);
          double[] v = {Double.NaN, Double.NaN};
          double valAuroc = Double.NaN;
          if (validation != null && validation.size() > 0) {
            double[][] probs = predict(trainer, valX, s, config.batchSize());
            v = scores(probs, validation.labels(), classWeights);
            valAuroc = auroc(validation.labels(), probs);
          }
          best = net.export();
          bestEpoch = config.epochs();
          kept = new EpochMetrics(bestEpoch, Double.NaN, Double.NaN, v[0], v[1], valAuroc,
              (System.nanoTime() - t0) / 1e9);
        } else {
          kept = history.get(bestEpoch - 1);
        }
      }
    }
    return new TrainingResult(best.withMetadata(metadata(config, train, validation, history,
        bestEpoch, averageFrom, kept)), history, bestEpoch, averageFrom, kept);
  }

  /** Adds every parameter's current value (BatchNorm-free networks only) to running sums. */
  private static double[][] accumulate(DjlNetwork net, double[][] sums) {
    List<ai.djl.nn.Parameter> ps = parameters(net);
    double[][] out = sums == null ? new double[ps.size()][] : sums;
    for (int k = 0; k < ps.size(); k++) {
      float[] f = ps.get(k).getArray().toFloatArray();
      if (out[k] == null) {
        out[k] = new double[f.length];
      }
      for (int i = 0; i < f.length; i++) {
        out[k][i] += f[i];
      }
    }
    return out;
  }

  /** Loads sums / count into the network's parameters. */
  private static void setWeights(DjlNetwork net, double[][] sums, int count) {
    List<ai.djl.nn.Parameter> ps = parameters(net);
    for (int k = 0; k < ps.size(); k++) {
      float[] f = new float[sums[k].length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) (sums[k][i] / count);
      }
      ps.get(k).getArray().set(f);
    }
  }

  /**
   * How often one batch's forward and backward pass is tried before a non-finite loss or gradient
   * counts as divergence.
   *
   * <p>Why retry at all: with the PyTorch 2.7.1 CPU engine on our 2-core machine, networks with a
   * normalisation layer (BatchNorm — DJL's or ours — and GroupNorm) intermittently got NaN in the
   * gradients of the layers below it, in about one run in four, at a random batch, while every
   * run that did not hit it produced bit-identical results for the same seed. Recomputing the
   * batch (with the running statistics restored) gives the correct, finite gradient, so a real
   * divergence (which repeats) is still reported, and the result stays deterministic.
   */
  static final int MAX_ATTEMPTS = 3;

  private static List<ai.djl.nn.Parameter> parameters(DjlNetwork net) {
    List<ai.djl.nn.Parameter> out = new ArrayList<>();
    for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : net.block().getParameters()) {
      out.add(p.getValue());
    }
    return out;
  }

  /**
   * Whether every parameter gradient is finite. The gradient handle and the |g| and Σ|g| arrays
   * are owned by a scope closed here: left on the parameters' long-lived manager they piled up a
   * parameter-sized array per parameter per batch (about 26 MB a batch for dpresnet width 64),
   * and the operating system killed dpresnet runs for memory after two PneumoniaMNIST epochs.
   */
  private static boolean gradientsFinite(DjlNetwork net) {
    for (ai.djl.nn.Parameter p : parameters(net)) {
      NDArray a = p.getArray();
      if (p.requiresGradient() && a.hasGradient()) {
        float sum;
        try (NDManager scope = a.getManager().newSubManager()) {
          NDArray g = a.getGradient();
          g.attach(scope);
          sum = g.abs().sum().getFloat();
        }
        if (!Float.isFinite(sum)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Values of the parameters not trained by gradient (BatchNorm running statistics). */
  private static List<double[]> runningStatistics(DjlNetwork net) {
    List<double[]> out = new ArrayList<>();
    for (ai.djl.nn.Parameter p : parameters(net)) {
      if (!p.requiresGradient()) {
        float[] f = p.getArray().toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          d[i] = f[i];
        }
        out.add(d);
      }
    }
    return out;
  }

  private static void restoreRunningStatistics(DjlNetwork net, List<double[]> saved) {
    int k = 0;
    for (ai.djl.nn.Parameter p : parameters(net)) {
      if (!p.requiresGradient()) {
        double[] d = saved.get(k++);
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) d[i];
        }
        p.getArray().set(f);
      }
    }
  }

  /**
   * Sets every parameter gradient to exactly zero before a backward pass: DJL's own reset computes
   * {@code g − g}, which would keep a NaN from an earlier failed attempt.
   */
  private static void zeroGradients(DjlNetwork net) {
    for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : net.block().getParameters()) {
      NDArray a = p.getValue().getArray();
      if (p.getValue().requiresGradient() && a.hasGradient()) {
        JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) a);
      }
    }
  }

  private static Map<String, String> metadata(TrainingConfig c, ImageDataset train,
      ImageDataset validation, List<EpochMetrics> history, int bestEpoch, int averageFrom,
      EpochMetrics kept) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("train.data", train.name());
    m.put("train.examples", Integer.toString(train.size()));
    if (validation != null) {
      m.put("train.validation", validation.name());
    }
    m.put("train.optimizer", c.optimizer().name().toLowerCase(Locale.ROOT));
    m.put("train.learningRate", Double.toString(c.learningRate()));
    if (c.optimizer() == OptimizerKind.SGD) {
      m.put("train.momentum", Double.toString(c.momentum()));
    }
    m.put("train.weightDecay", Double.toString(c.weightDecay()));
    m.put("train.classWeighting", c.classWeighting().name().toLowerCase(Locale.ROOT));
    m.put("train.epochSelection", c.selection().name().toLowerCase(Locale.ROOT));
    m.put("train.schedule", c.schedule().name().toLowerCase(Locale.ROOT));
    m.put("train.augmentation", c.augmentation().name().toLowerCase(Locale.ROOT));
    m.put("train.batchSize", Integer.toString(c.batchSize()));
    m.put("train.epochs", Integer.toString(c.epochs()));
    m.put("train.seed", Long.toString(c.seed()));
    m.put("train.threads", Integer.toString(c.threads()));
    m.put("train.noiseAware", c.noiseAware() == null ? "off"
        : "fractionalBits=" + c.noiseAware().fractionalBits() + ",noiseStd="
            + c.noiseAware().noiseStd());
    m.put("train.bestEpoch", Integer.toString(bestEpoch));
    if (averageFrom > 0) {
      m.put("train.averagedEpochs", averageFrom + "-" + bestEpoch);
    } else {
      m.put("train.trainLoss", Double.toString(kept.trainLoss()));
      m.put("train.trainAccuracy", Double.toString(kept.trainAccuracy()));
    }
    m.put("train.validationAccuracy", Double.toString(kept.validationAccuracy()));
    m.put("train.validationAuroc", Double.toString(kept.validationAuroc()));
    m.put("train.engine", "DJL 0.35.1 / PyTorch CPU");
    return m;
  }

  /** Per-channel mean and standard deviation of the training pixels. */
  static Normalization fitNormalization(ImageDataset train) {
    return Normalization.fit(train);
  }

  private static void configureEngine(TrainingConfig c) {
    // The properties cover an engine not yet loaded; the JNI calls one that already is.
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(c.threads()));
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Engine engine = Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(c.threads());
    engine.setRandomSeed((int) c.seed());
  }

  /** Per-class loss weights of {@code w} for {@code train}; null for unweighted. */
  static double[] classWeights(ClassWeighting w, ImageDataset train) {
    if (w == ClassWeighting.NONE) {
      return null;
    }
    int k = train.classNames().size();
    long[] counts = new long[k];
    for (int label : train.labels()) {
      counts[label]++;
    }
    double[] out = new double[k];
    for (int c = 0; c < k; c++) {
      // An absent class never meets its weight; 1 keeps the array finite.
      out[c] = counts[c] == 0 ? 1 : train.size() / ((double) k * counts[c]);
    }
    return out;
  }

  private static Optimizer optimizer(TrainingConfig c, int totalSteps) {
    // DJL counts updates from 1 per parameter; the schedule's step 0 is the first update.
    Tracker lr = c.schedule() == LearningRateSchedule.CONSTANT
        ? Tracker.fixed((float) c.learningRate())
        : update -> (float) c.schedule().rate(c.learningRate(), update - 1, totalSteps);
    if (c.optimizer() == OptimizerKind.ADAM) {
      return Optimizer.adam().optLearningRateTracker(lr)
          .optWeightDecays((float) c.weightDecay()).build();
    }
    return Optimizer.sgd().setLearningRateTracker(lr).optMomentum((float) c.momentum())
        .optWeightDecays((float) c.weightDecay()).build();
  }

  private static float[][] normalize(Model m, ImageDataset d) {
    float[][] out = new float[d.size()][];
    for (int i = 0; i < d.size(); i++) {
      double[] v = PlainInference.normalize(m, d.images()[i]);
      float[] f = new float[v.length];
      for (int j = 0; j < v.length; j++) {
        f[j] = (float) v[j];
      }
      out[i] = f;
    }
    return out;
  }

  /** Softmax probabilities of the trainer's network in inference mode. */
  private static double[][] predict(Trainer trainer, float[][] x, TensorShape s, int batch) {
    double[][] out = new double[x.length][];
    for (int from = 0; from < x.length; from += batch) {
      int m = Math.min(batch, x.length - from);
      float[] flat = new float[m * s.size()];
      for (int i = 0; i < m; i++) {
        System.arraycopy(x[from + i], 0, flat, i * s.size(), s.size());
      }
      try (NDManager bm = trainer.getManager().newSubManager()) {
        NDArray in = bm.create(flat, new Shape(m, s.channels(), s.height(), s.width()));
        NDArray logits = trainer.evaluate(new NDList(in)).singletonOrThrow();
        float[] v = logits.toFloatArray();
        int k = (int) logits.getShape().get(1);
        for (int i = 0; i < m; i++) {
          double[] row = new double[k];
          for (int c = 0; c < k; c++) {
            row[c] = v[i * k + c];
          }
          out[from + i] = PlainInference.softmax(row);
        }
      }
    }
    return out;
  }

  /** {mean cross-entropy (weighted by class when weights are given), accuracy}. */
  private static double[] scores(double[][] probs, int[] labels, double[] classWeights) {
    double loss = 0;
    long correct = 0;
    for (int i = 0; i < labels.length; i++) {
      double w = classWeights == null ? 1 : classWeights[labels[i]];
      loss -= w * Math.log(Math.max(probs[i][labels[i]], 1e-300));
      if (PlainInference.argmax(probs[i]) == labels[i]) {
        correct++;
      }
    }
    return new double[] {loss / labels.length, (double) correct / labels.length};
  }

  /** {@link Auroc#ofScores}; NaN when undefined. */
  private static double auroc(int[] labels, double[][] probs) {
    try {
      return Auroc.ofScores(labels, probs);
    } catch (IllegalArgumentException e) {
      return Double.NaN; // e.g. a validation set holding one class only
    }
  }
}
