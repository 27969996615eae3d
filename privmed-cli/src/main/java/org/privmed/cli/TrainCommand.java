package org.privmed.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.train.ModelTrainer;
import org.privmed.nn.train.NoiseAwareOptions;
import org.privmed.nn.train.TrainingConfig;
import org.privmed.nn.train.TrainingResult;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code privmed train}: trains a zoo model (or continues a saved one) and writes a .pm file. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a zoo model on a dataset (DJL + PyTorch CPU) and save it as a .pm file.")
final class TrainCommand implements Callable<Integer> {

  @picocli.CommandLine.Mixin OptimizerOptions opt = new OptimizerOptions();

  @Option(names = "--model", required = true,
      description = "Zoo model name (cryptonets-mnist, tenseal-mnist, cryptonets-all,"
          + " reacthe-shallow, reacthe-deep, dpresnet, polycnn) or a .pm file to continue training.")
  String model;

  @Option(names = "--data", required = true,
      description = "Shipped dataset name (mnist, pneumoniamnist, breastmnist, bloodmnist-pbc,"
          + " brain-mri) or a path to a MedMNIST .npz / IDX folder / image folder; NAME@padS"
          + " zero-pads every image to SxS (e.g. bloodmnist-pbc@pad32 for cryptonets-all).")
  String data;

  @Option(names = "--out", description = "Output model file (default: models/<model>-<data>.pm).")
  Path out;

  @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "64",
      description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed for initialisation, shuffling and dropout (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--noise-aware", description = "Quantise and perturb inputs during training as"
      + " CKKS encoding and encryption would (10 fractional bits, sigma 1e-3).")
  boolean noiseAware;

  @Option(names = "--no-progress", description = "Do not draw the progress bar.")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    ImageDataset train;
    ImageDataset val;
    try {
      train = Datasets.load(data, Split.TRAIN);
      val = Datasets.load(data, Split.VAL);
    } catch (RuntimeException e) {
      System.err.println("privmed train: cannot load dataset '" + data + "': " + e.getMessage());
      return 2;
    }
    Model initial;
    String modelName;
    try {
      if (model.endsWith(".pm") || Files.isRegularFile(Path.of(model))) {
        initial = ModelFile.read(Path.of(model));
        modelName = initial.name();
      } else {
        initial = ModelZoo.build(model, new TensorShape(train.channels(), train.height(),
            train.width()), train.classNames(), new ZooOptions(opt.width, seed));
        modelName = model;
      }
      TrainingConfig cfg = opt.config(batchSize, epochs, seed,
          noiseAware ? NoiseAwareOptions.defaults() : null, !noProgress);
      System.out.printf(Locale.ROOT, "training %s (%,d parameters) on %s: %d train, %d val, %s%n",
          modelName, initial.parameterCount(), data, train.size(), val.size(),
          initial.inputShape());
      TrainingResult result = ModelTrainer.train(initial, train, val, cfg,
          m -> System.out.println(m));
      Path target = out != null ? out
          : Path.of("models", modelName + "-" + Path.of(data).getFileName() + ".pm");
      ModelFile.write(result.model(), target);
      System.out.printf(Locale.ROOT, "%s (val acc %.4f, val AUROC %.4f); saved %s%n",
          result.keptDescription(), result.kept().validationAccuracy(),
          result.kept().validationAuroc(), target);
      return 0;
    } catch (IllegalArgumentException | java.io.IOException e) {
      System.err.println("privmed train: " + e.getMessage());
      return 2;
    }
  }
}
