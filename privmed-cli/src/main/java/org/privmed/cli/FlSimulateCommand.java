package org.privmed.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.data.partition.Partition;
import org.privmed.data.partition.PartitionTable;
import org.privmed.data.partition.Partitions;
import org.privmed.eval.metrics.ClassificationMetrics;
import org.privmed.eval.report.ConsoleTable;
import org.privmed.eval.report.DatasetInfo;
import org.privmed.eval.report.Report;
import org.privmed.eval.report.ReportRow;
import org.privmed.eval.report.ReportWriter;
import org.privmed.eval.report.Series;
import org.privmed.fl.federated.CoordinatorStore;
import org.privmed.fl.federated.DpMode;
import org.privmed.fl.federated.FederatedClient;
import org.privmed.fl.federated.FederatedSettings;
import org.privmed.fl.federated.FederatedTrainer;
import org.privmed.fl.federated.RoundRecord;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code privmed fl simulate}: the federated workflow with every hospital in this process, on a
 * thread pool, running the same client and coordinator code as the networked version.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Simulate federated training: partition a dataset over N clients and run FedAvg"
        + " (optionally with DP and SecAgg+) in one process.")
final class FlSimulateCommand implements Callable<Integer> {
  enum PartitionKind { iid, dirichlet, shards }

  @Option(names = "--clients", defaultValue = "10", description = "Number of clients (default: ${DEFAULT-VALUE}).")
  int clients;
  @Option(names = "--rounds", defaultValue = "10", description = "Rounds (default: ${DEFAULT-VALUE}).")
  int rounds;
  @Option(names = "--data", required = true, description = "Dataset name or path (see privmed data list).")
  String data;
  @Option(names = "--model", required = true, description = "Zoo model name.")
  String model;
  @Option(names = "--width", defaultValue = "0", description = "Zoo width (0 = model default).")
  int width;
  @Option(names = "--partition", defaultValue = "iid", description = "iid, dirichlet or shards (default: ${DEFAULT-VALUE}).")
  PartitionKind partition;
  @Option(names = "--alpha", defaultValue = "0.5", description = "Dirichlet concentration (default: ${DEFAULT-VALUE}).")
  double alpha;
  @Option(names = "--shards-per-client", defaultValue = "2", description = "Shards per client (default: ${DEFAULT-VALUE}).")
  int shardsPerClient;
  @Option(names = "--train-limit", defaultValue = "0", description = "Use only the first N training images (0 = all).")
  int trainLimit;
  @Option(names = "--fraction", defaultValue = "1.0", description = "Clients sampled per round (default: ${DEFAULT-VALUE}).")
  double fraction;
  @Option(names = "--local-epochs", defaultValue = "1", description = "Local epochs (default: ${DEFAULT-VALUE}).")
  int localEpochs;
  @Option(names = "--batch-size", defaultValue = "32", description = "Local batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;
  @Option(names = "--lr", defaultValue = "0.001", description = "Local Adam learning rate (default: ${DEFAULT-VALUE}).")
  double lr;
  @Option(names = "--example-cap", defaultValue = "10000", description = "FedAvg weight cap without DP (default: ${DEFAULT-VALUE}).")
  long exampleCap;
  @Option(names = "--dp", defaultValue = "none", description = "none, central or local (default: ${DEFAULT-VALUE}).")
  DpMode dp;
  @Option(names = "--clip", defaultValue = "1.0", description = "L2 clip norm C of each update (default: ${DEFAULT-VALUE}).")
  double clip;
  @Option(names = "--target-epsilon", description = "Privacy budget epsilon for the planned rounds (calibrates z).")
  Double targetEpsilon;
  @Option(names = "--delta", defaultValue = "1e-5", description = "delta (default: ${DEFAULT-VALUE}).")
  double delta;
  @Option(names = "--noise-multiplier", defaultValue = "0", description = "Noise multiplier z when no target epsilon is given.")
  double noiseMultiplier;
  @Option(names = "--secagg", description = "Aggregate through SecAgg+.")
  boolean secAgg;
  @Option(names = "--num-shares", defaultValue = "0", description = "SecAgg+ neighbours k (0 = about 2 log2 n).")
  int numShares;
  @Option(names = "--threshold", defaultValue = "0", description = "SecAgg+ reconstruction threshold (0 = k/2 + 1).")
  int threshold;
  @Option(names = "--seed", defaultValue = "42", description = "Seed for partition, sampling and training (default: ${DEFAULT-VALUE}).")
  long seed;
  @Option(names = "--threads", defaultValue = "2", description = "Client thread pool size (default: ${DEFAULT-VALUE}).")
  int threads;
  @Option(names = "--checkpoint", description = "Coordinator checkpoint directory (default: checkpoints/fl-<data>-<model>).")
  Path checkpoint;
  @Option(names = "--resume", description = "Continue from the checkpoint's last completed round.")
  boolean resume;
  @Option(names = "--reports", defaultValue = "reports", description = "Report directory (default: ${DEFAULT-VALUE}).")
  Path reports;
  @Option(names = "--json", description = "End with one JSON line of the results.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ImageDataset train;
    ImageDataset val;
    ImageDataset test;
    try {
      train = Datasets.load(data, Split.TRAIN);
      val = Datasets.load(data, Split.VAL);
      test = Datasets.load(data, Split.TEST);
    } catch (RuntimeException e) {
      System.err.println("privmed fl simulate: cannot load dataset '" + data + "': " + e.getMessage());
      return 2;
    }
    ExecutorService pool = null;
    try {
      if (trainLimit > 0 && trainLimit < train.size()) {
        int[] rows = new int[trainLimit];
        Arrays.setAll(rows, i -> i);
        train = train.subset(train.name() + "[:" + trainLimit + "]", rows);
      }
      if (clients < 1) throw new IllegalArgumentException("--clients must be >= 1, got " + clients);
      Partition p = switch (partition) {
        case iid -> Partitions.iid(train.size(), clients, seed);
        case dirichlet -> Partitions.dirichlet(train.labels(), clients, alpha, seed);
        case shards -> Partitions.shards(train.labels(), clients, shardsPerClient, seed);
      };
      System.out.println(PartitionTable.format(p, train.labels(), train.classNames()));
      List<FederatedClient> hospitals = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        if (p.clientSize(c) == 0) throw new IllegalArgumentException("partition left client " + c + " without data");
        hospitals.add(new FederatedClient(c, train.subset("client-" + c, p.client(c))));
      }
      FederatedSettings s = new FederatedSettings(rounds, fraction, localEpochs, batchSize, lr, exampleCap, dp, clip,
          noiseMultiplier, targetEpsilon == null ? Double.NaN : targetEpsilon, delta, secAgg, numShares, threshold,
          seed, 1);
      Model initial = ModelZoo.build(model, new TensorShape(train.channels(), train.height(), train.width()),
          train.classNames(), new ZooOptions(width, seed));
      String stem = ("fl-" + Path.of(data).getFileName() + "-" + model).replaceAll("[^A-Za-z0-9._-]", "_");
      CoordinatorStore store = new CoordinatorStore(checkpoint != null ? checkpoint : Path.of("checkpoints", stem));
      pool = Executors.newFixedThreadPool(Math.max(1, threads));
      FederatedTrainer trainer = new FederatedTrainer(s, hospitals, val, store, pool, System.out);
      System.out.printf(Locale.ROOT, "federated %s (%,d parameters) on %s: %d clients, %d rounds, q=%.3f, dp=%s%s, secagg=%s%n",
          model, initial.parameterCount(), data, clients, rounds, trainer.sampleRate(),
          dp.name().toLowerCase(Locale.ROOT), dp == DpMode.NONE ? "" : String.format(Locale.ROOT, " (C=%s, z=%.4f)", clip,
              trainer.noiseMultiplier()), secAgg);
      FederatedTrainer.Run run = trainer.run(initial, rounds, resume);
      if (run.stoppedBecause() != null) System.out.println("stopped early: " + run.stoppedBecause());

      double[][] probs = FederatedTrainer.probabilities(run.model(), test);
      ClassificationMetrics metrics = ClassificationMetrics.fromScores(test.labels(), probs);
      double eps = run.epsilon(delta);
      long[] ms = run.rounds().stream().mapToLong(RoundRecord::millis).sorted().toArray();
      double medianMs = ms.length == 0 ? 0 : (ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2.0);
      double bytes = run.rounds().stream().mapToDouble(RoundRecord::bytesPerClient).average().orElse(0);
      String label = (dp == DpMode.NONE ? "no DP" : "DP " + dp.name().toLowerCase(Locale.ROOT)) + (secAgg ? " + SecAgg+" : "");
      Report.Builder rb = Report.builder("Federated " + model + " on " + data + ", " + clients + " clients, "
              + run.rounds().size() + " rounds")
          .dataset(new DatasetInfo(data, "test", test.size(), test.classNames(), ""))
          .row(ReportRow.builder(label).scores(test.labels(), probs)
              .extra("epsilon", eps).extra("delta", delta).extra("noise multiplier", run.noiseMultiplier())
              .extra("round ms (median)", medianMs).extra("bytes per client", bytes).build())
          .context("partition", partition + (partition == PartitionKind.dirichlet ? " alpha=" + alpha : ""))
          .context("settings", s.fingerprint())
          .context("checkpoint", store.dir().toString());
      if (!run.rounds().isEmpty()) {
        double[] x = run.rounds().stream().mapToDouble(RoundRecord::round).toArray();
        rb.series(Series.of(label, "validation accuracy", "round", x,
            run.rounds().stream().mapToDouble(RoundRecord::validationAccuracy).toArray()));
        rb.series(Series.of(label, "epsilon", "round", x, run.rounds().stream().mapToDouble(RoundRecord::epsilon).toArray()));
      }
      Report report = rb.build();
      System.out.println(ConsoleTable.render(report));
      List<Path> files = ReportWriter.write(report, reports, stem);
      System.out.println("report: " + files.get(0) + " (+ " + (files.size() - 1) + " more files)");
      if (json) {
        JsonObject o = new JsonObject();
        o.addProperty("clients", clients);
        o.addProperty("rounds", run.rounds().size());
        o.addProperty("dp", dp.name().toLowerCase(Locale.ROOT));
        o.addProperty("secagg", secAgg);
        o.addProperty("epsilon", eps);
        o.addProperty("delta", delta);
        o.addProperty("accuracy", metrics.accuracy());
        o.addProperty("auroc", metrics.auroc());
        o.addProperty("round_ms_median", medianMs);
        o.addProperty("bytes_per_client", bytes);
        System.out.println(o);
      }
      return run.stoppedBecause() == null ? 0 : 3;
    } catch (IllegalArgumentException | java.io.IOException e) {
      System.err.println("privmed fl simulate: " + e.getMessage());
      return 2;
    } finally {
      if (pool != null) pool.shutdownNow();
    }
  }
}
