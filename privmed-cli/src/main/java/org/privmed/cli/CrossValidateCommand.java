package org.privmed.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.privmed.data.ImageDataset;
import org.privmed.data.catalog.Datasets;
import org.privmed.data.folder.ColourMode;
import org.privmed.data.folder.FolderOptions;
import org.privmed.data.split.Fold;
import org.privmed.data.split.HoldOut;
import org.privmed.data.split.KFold;
import org.privmed.data.split.SplitIndices;
import org.privmed.eval.metrics.ClassificationMetrics;
import org.privmed.eval.metrics.FoldSummary;
import org.privmed.eval.report.ConsoleTable;
import org.privmed.eval.report.DatasetInfo;
import org.privmed.eval.report.Report;
import org.privmed.eval.report.ReportRow;
import org.privmed.eval.report.ReportWriter;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.train.ModelTrainer;
import org.privmed.nn.train.TrainingConfig;
import org.privmed.nn.train.TrainingResult;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code privmed crossval}: stratified k-fold cross-validation of a zoo model on a whole dataset
 * (meant for sets without an official split, such as the 253-image brain MRI set), following
 * Kohavi, "A study of cross-validation and bootstrap for accuracy estimation and model selection"
 * (IJCAI 1995, §3, §5). Each fold trains a fresh model (same initial weights) on the other k−1
 * folds, keeping the epoch with the best accuracy on a stratified inner validation part carved
 * out of those training folds (never the test fold, so the test fold stays unseen), then scores
 * the test fold in Java float64. The report gives the pooled metrics and the mean ± sample
 * standard deviation over folds.
 */
@Command(name = "crossval", mixinStandardHelpOptions = true,
    description = "Stratified k-fold cross-validation of a zoo model on a whole dataset.")
final class CrossValidateCommand implements Callable<Integer> {

  @picocli.CommandLine.Mixin OptimizerOptions opt = new OptimizerOptions();

  @Option(names = "--model", required = true, description = "Zoo model name (see privmed train).")
  String model;

  @Option(names = "--data", required = true,
      description = "Shipped dataset name (e.g. brain-mri) or a path to an image folder / .npz.")
  String data;

  @Option(names = "--folds", defaultValue = "5", description = "k (default: ${DEFAULT-VALUE}).")
  int folds;

  @Option(names = "--size", defaultValue = "64",
      description = "Image-folder side length in pixels (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--rgb", description = "Load image folders as RGB instead of grayscale.")
  boolean rgb;

  @Option(names = "--val-fraction", defaultValue = "0.15",
      description = "Share of each training part held out (stratified) to pick the best epoch;"
          + " 0 keeps the last epoch (default: ${DEFAULT-VALUE}).")
  double valFraction;

  @Option(names = "--epochs", defaultValue = "30", description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;





  @Option(names = "--batch-size", defaultValue = "32",
      description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed for the folds, initialisation and shuffling (default: ${DEFAULT-VALUE}).")
  long seed;



  @Option(names = "--reports", defaultValue = "reports",
      description = "Directory for the Markdown/JSON/PNG report (default: ${DEFAULT-VALUE}).")
  Path reports;

  @Override
  public Integer call() throws Exception {
    if (folds < 2) {
      System.err.println("privmed crossval: --folds must be >= 2, got " + folds);
      return 2;
    }
    if (!(valFraction >= 0 && valFraction < 0.5)) {
      System.err.println("privmed crossval: --val-fraction must be in [0, 0.5), got " + valFraction);
      return 2;
    }
    ImageDataset all;
    try {
      FolderOptions opts = FolderOptions.square(size, rgb ? ColourMode.RGB : ColourMode.GRAYSCALE);
      all = Datasets.loadAll(data, opts);
    } catch (RuntimeException e) {
      System.err.println("privmed crossval: cannot load dataset '" + data + "': " + e.getMessage());
      return 2;
    }
    List<Fold> split;
    Model initial;
    TrainingConfig cfg;
    try {
      split = KFold.stratified(all.labels(), folds, seed);
      initial = ModelZoo.build(model, new TensorShape(all.channels(), all.height(), all.width()),
          all.classNames(), new ZooOptions(opt.width, seed));
      cfg = opt.config(batchSize, epochs, seed, null, false);
    } catch (IllegalArgumentException e) {
      System.err.println("privmed crossval: " + e.getMessage());
      return 2;
    }
    System.out.printf(Locale.ROOT, "cross-validating %s (%,d parameters) on %s: %d images %s,"
        + " %d folds%n", model, initial.parameterCount(), data, all.size(),
        initial.inputShape(), folds);

    List<ClassificationMetrics> perFold = new ArrayList<>();
    long start = System.nanoTime();
    for (Fold fold : split) {
      ImageDataset trainPart = all.subset(all.name() + "/fold" + fold.index() + "-train",
          fold.train());
      ImageDataset test = all.subset(all.name() + "/fold" + fold.index() + "-test", fold.test());
      ImageDataset fit = trainPart;
      ImageDataset val = null;
      if (valFraction > 0) {
        // Seeded per fold so that folds do not share the same inner-validation pattern.
        SplitIndices inner = HoldOut.stratified(trainPart.labels(), valFraction, 0,
            seed + 1 + fold.index());
        fit = trainPart.subset(trainPart.name() + "-fit", inner.train());
        val = trainPart.subset(trainPart.name() + "-val", inner.val());
      }
      TrainingResult result;
      try {
        result = ModelTrainer.train(initial, fit, val, cfg, m -> { });
      } catch (IllegalArgumentException e) {
        System.err.println("privmed crossval: fold " + fold.index() + ": " + e.getMessage());
        return 2;
      }
      Model trained = result.model();
      double[][] probs = new double[test.size()][];
      for (int i = 0; i < test.size(); i++) {
        probs[i] = PlainInference.probabilities(trained, test.images()[i]);
      }
      ClassificationMetrics m = ClassificationMetrics.fromScores(test.labels(), probs);
      perFold.add(m);
      System.out.printf(Locale.ROOT, "fold %d: %d train (%d fit, %d val), %d test; best epoch %d;"
          + " test acc %.4f, AUROC %.4f%n", fold.index() + 1, trainPart.size(), fit.size(),
          val == null ? 0 : val.size(), test.size(), result.bestEpoch(), m.accuracy(), m.auroc());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    FoldSummary summary = FoldSummary.of(perFold);
    System.out.printf(Locale.ROOT, "accuracy %s, AUROC %s, macro F1 %s (%.0f s)%n",
        summary.accuracy(), summary.auroc(), summary.macroF1(), seconds);

    String dataName = Path.of(data).getFileName().toString();
    try {
      dataName = Datasets.info(data).displayName();
    } catch (RuntimeException notShipped) {
      // A user-supplied path has no catalog entry; its file name stands for it.
    }
    String command = String.format(Locale.ROOT, "privmed crossval --model %s --data %s --folds %d"
        + " --size %d%s --val-fraction %s --epochs %d --optimizer %s --lr %s --weight-decay %s"
        + " --batch-size %d --seed %d --threads %d --width %d", model, data, folds, size,
        rgb ? " --rgb" : "", valFraction, epochs, opt.optimizer.name().toLowerCase(Locale.ROOT),
        opt.learningRate, opt.weightDecay, batchSize, seed, opt.threads, opt.width);
    Report report = Report.builder(model + " on " + dataName + ", " + folds
            + "-fold stratified cross-validation")
        .dataset(new DatasetInfo(dataName, folds + "-fold CV", all.size(), all.classNames(),
            size + "x" + size + (rgb ? " RGB" : " grayscale")))
        .row(ReportRow.builder(folds + "-fold CV (pooled)")
            .folds(summary)
            .extra("accuracy mean", summary.accuracy().mean())
            .extra("AUROC mean", summary.auroc().mean())
            .extra("model", model)
            .extra("parameters", initial.parameterCount())
            .build())
        .context("command", command)
        .context("accuracy over folds", summary.accuracy().toString())
        .context("AUROC over folds", summary.auroc().toString())
        .context("seconds", String.format(Locale.ROOT, "%.0f", seconds))
        .build();
    System.out.println(ConsoleTable.render(report));
    String base = "crossval-" + model.replaceAll("[^A-Za-z0-9._-]", "_") + "-"
        + dataName.replaceAll("[^A-Za-z0-9._-]", "_");
    List<Path> files = ReportWriter.write(report, reports, base.replaceFirst("^[^A-Za-z0-9]+", ""));
    System.out.println("report: " + files.get(0) + " (+ " + (files.size() - 1) + " more files)");
    return 0;
  }
}
