package org.privmed.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.data.partition.Partition;
import org.privmed.data.partition.PartitionTable;
import org.privmed.eval.metrics.ClassificationMetrics;
import org.privmed.eval.report.ConsoleTable;
import org.privmed.eval.report.DatasetInfo;
import org.privmed.eval.report.Report;
import org.privmed.eval.report.ReportRow;
import org.privmed.eval.report.ReportWriter;
import org.privmed.eval.report.Series;
import org.privmed.fl.aggregate.SecAggTally;
import org.privmed.fl.dp.sgd.DpSgdSettings;
import org.privmed.fl.federated.CoordinatorStore;
import org.privmed.fl.federated.DpMode;
import org.privmed.fl.federated.FederatedClient;
import org.privmed.fl.federated.FederatedSettings;
import org.privmed.fl.federated.FederatedTrainer;
import org.privmed.fl.federated.InjectedDropouts;
import org.privmed.fl.federated.RoundRecord;
import org.privmed.nn.model.Model;
import org.privmed.nn.train.OptimizerKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code privmed fl simulate}: the federated workflow with every hospital in this process, on a
 * thread pool, running the same client and coordinator code as the networked version.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Simulate federated training: partition a dataset over N clients and run FedAvg"
        + " (optionally with DP and SecAgg+) in one process.")
final class FlSimulateCommand implements Callable<Integer> {
  @Option(names = "--clients", defaultValue = "10", description = "Number of clients (default: ${DEFAULT-VALUE}).")
  int clients;
  @Option(names = "--data", required = true, description = "Dataset name or path (see privmed data list).")
  String data;
  @Option(names = "--partition", defaultValue = "iid", description = "iid, dirichlet or shards (default: ${DEFAULT-VALUE}).")
  FlCommand.PartitionKind partition;
  @Mixin FlCommand.PartitionOptions partitioning;
  @Mixin FlCommand.RoundOptions round;
  @Mixin FlCommand.DpSgdOptions dpSgd;
  @Option(names = "--example-cap", defaultValue = "10000", description = "FedAvg weight cap without DP (default: ${DEFAULT-VALUE}).")
  long exampleCap;
  @Option(names = "--seed", defaultValue = "42", description = "Seed for partition, sampling and training (default: ${DEFAULT-VALUE}).")
  long seed;
  @Option(names = "--threads", defaultValue = "2", description = "Client thread pool size (default: ${DEFAULT-VALUE}).")
  int threads;
  @Option(names = "--reports", defaultValue = "reports", description = "Report directory (default: ${DEFAULT-VALUE}).")
  Path reports;
  @Option(names = "--json", description = "End with one JSON line of the results.")
  boolean json;
  @Option(names = "--drop-fraction", defaultValue = "0",
      description = "SecAgg+ fault injection: share of each round's clients that go silent at --drop-stage (seeded by --seed; default: 0).")
  double dropFraction;
  @Option(names = "--drop-stage", defaultValue = "unmask",
      description = "Stage the dropped clients stop answering: advertise-keys, share-keys, masked-input or unmask (default: ${DEFAULT-VALUE}).")
  String dropStage;

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
      train = partitioning.limit(train);
      if (clients < 1) throw new IllegalArgumentException("--clients must be >= 1, got " + clients);
      DpSgdSettings sgd = dpSgd.settings();
      Partition p = partitioning.cut(train, partition, clients, seed);
      System.out.println(PartitionTable.format(p, train.labels(), train.classNames()));
      String stem = round.stem("fl-", data);
      CoordinatorStore store = round.store(stem);
      List<FederatedClient> hospitals = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        if (p.clientSize(c) == 0) throw new IllegalArgumentException("partition left client " + c + " without data");
        FederatedClient h = new FederatedClient(c, train.subset("client-" + c, p.client(c)));
        if (sgd != null) {
          // Each simulated hospital's ledger lives beside the coordinator's checkpoint: a resumed run
          // continues it, a fresh run starts it anew.
          Path ledger = store.dir().resolve("hospital-" + c + "-dpsgd.json");
          if (!round.resume) java.nio.file.Files.deleteIfExists(ledger);
          h = h.withDpSgd(sgd, ledger);
        }
        hospitals.add(h);
      }
      FederatedSettings s = round.settings(exampleCap, seed).withDropouts(dropouts());
      if (round.resume && store.exists()) refuseExtendingTargetedDpSgd(store.loadFor(s), s, sgd);
      DpMode dp = s.dp();
      double delta = s.delta();
      boolean secAgg = s.secAgg();
      Model initial = round.initialModel(train, seed);
      pool = Executors.newFixedThreadPool(Math.max(1, threads));
      FederatedTrainer trainer = new FederatedTrainer(s, hospitals, val, store, pool, System.out);
      System.out.printf(Locale.ROOT, "federated %s (%,d parameters) on %s: %d clients, %d rounds, q=%.3f, dp=%s%s, secagg=%s%s%n",
          round.model, initial.parameterCount(), data, clients, s.rounds(), trainer.sampleRate(),
          dp.name().toLowerCase(Locale.ROOT), dp == DpMode.NONE ? "" : String.format(Locale.ROOT, " (C=%s, z=%.4f)", s.clipNorm(),
              trainer.noiseMultiplier()), secAgg, s.dropouts().active() ? String.format(Locale.ROOT, " (injected: %s of each round's"
              + " clients silent from %s on)", s.dropouts().fraction(), InjectedDropouts.stageName(s.dropouts().stage())) : "");
      if (sgd != null) {
        System.out.printf(Locale.ROOT, "local DP-SGD: C=%s, %s, q=B/N per hospital (batch %d), epsilon per hospital at delta %s, %s%n",
            sgd.clipNorm(), sgd.hasTarget() ? "sigma calibrated per hospital for epsilon " + sgd.targetEpsilon() : "sigma=" + sgd.noiseMultiplier(),
            s.batchSize(), sgd.delta(), optimizerName(sgd));
      }
      FederatedTrainer.Run run = trainer.run(initial, s.rounds(), round.resume);
      if (run.stoppedBecause() != null) System.out.println("stopped early: " + run.stoppedBecause());

      FlCommand.Selected chosen = round.selected(run);
      if (round.selectBy != FlCommand.RoundSelection.last) System.out.println("testing the global model of " + chosen.describe());
      double[][] probs = FederatedTrainer.probabilities(chosen.model(), test);
      ClassificationMetrics metrics = ClassificationMetrics.fromScores(test.labels(), probs);
      double eps = run.epsilon(delta);
      long[] ms = run.rounds().stream().mapToLong(RoundRecord::millis).sorted().toArray();
      double medianMs = ms.length == 0 ? 0 : (ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2.0);
      double bytes = run.rounds().stream().mapToDouble(RoundRecord::bytesPerClient).average().orElse(0);
      String label = (dp == DpMode.NONE ? "no DP" : "DP " + dp.name().toLowerCase(Locale.ROOT)) + (sgd != null ? " + DP-SGD" : "")
          + (secAgg ? " + SecAgg+" : "");
      Map<Integer, Double> hospitalEps = FederatedTrainer.latestSampleEpsilon(run.rounds());
      double maxHospitalEps = hospitalEps.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
      Report.Builder rb = Report.builder("Federated " + round.model + " on " + data + ", " + clients + " clients, "
              + run.rounds().size() + " rounds")
          .dataset(new DatasetInfo(data, "test", test.size(), test.classNames(), ""))
          .row(ReportRow.builder(label).scores(test.labels(), probs)
              .extra("epsilon", eps).extra("delta", delta).extra("noise multiplier", run.noiseMultiplier())
              .extra("round ms (median)", medianMs).extra("bytes per client", bytes)
              .extra("max hospital DP-SGD epsilon", maxHospitalEps).build())
          .context("partition", partition + (partition == FlCommand.PartitionKind.dirichlet ? " alpha=" + partitioning.alpha : ""))
          .context("settings", s.fingerprint())
          .context("tested model", chosen.describe())
          .context("checkpoint", store.dir().toString());
      if (!run.rounds().isEmpty()) {
        double[] x = run.rounds().stream().mapToDouble(RoundRecord::round).toArray();
        // An aborted SecAgg+ round evaluated nothing (NaN): the accuracy curve skips it.
        List<RoundRecord> evaluated = run.rounds().stream().filter(r -> !Double.isNaN(r.validationAccuracy())).toList();
        if (!evaluated.isEmpty()) {
          rb.series(Series.of(label, "validation accuracy", "round", evaluated.stream().mapToDouble(RoundRecord::round).toArray(),
              evaluated.stream().mapToDouble(RoundRecord::validationAccuracy).toArray()));
        }
        rb.series(Series.of(label, "epsilon", "round", x, run.rounds().stream().mapToDouble(RoundRecord::epsilon).toArray()));
        if (sgd != null) {
          rb.series(Series.of(label, "max hospital DP-SGD epsilon", "round", x, run.rounds().stream()
              .mapToDouble(r -> r.hospitalEpsilon().values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)).toArray()));
        }
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
        o.addProperty("select_by", round.selectBy.name());
        o.addProperty("selected_round", chosen.lastRound());
        o.addProperty("selected_first_round", chosen.firstRound());
        if (s.dropouts().active()) {
          o.addProperty("drop_fraction", s.dropouts().fraction());
          o.addProperty("drop_stage", InjectedDropouts.stageName(s.dropouts().stage()));
          o.add("secagg_rounds", secAggRounds(run.rounds()));
        }
        if (sgd != null) {
          o.addProperty("dp_sgd_clip", sgd.clipNorm());
          if (sgd.hasTarget()) o.addProperty("dp_sgd_target_epsilon", sgd.targetEpsilon());
          else o.addProperty("dp_sgd_noise", sgd.noiseMultiplier());
          o.addProperty("dp_sgd_delta", sgd.delta());
          o.addProperty("dp_sgd_optimizer", optimizerName(sgd));
          o.add("dp_sgd_epsilon", epsilonObject(hospitalEps));
          JsonArray perRound = new JsonArray();
          for (RoundRecord r : run.rounds()) perRound.add(epsilonObject(r.hospitalEpsilon()));
          o.add("dp_sgd_epsilon_per_round", perRound);
        }
        System.out.println(o);
      }
      return run.stoppedBecause() == null ? 0 : 3;
    } catch (IllegalArgumentException | IllegalStateException | java.io.IOException e) {
      System.err.println("privmed fl simulate: " + e.getMessage());
      return 2;
    } finally {
      if (pool != null) pool.shutdownNow();
    }
  }

  /** "adam" or "sgd (momentum 0.9)": how each hospital steps on its private gradient. */
  static String optimizerName(DpSgdSettings sgd) {
    return sgd.optimizer() == OptimizerKind.SGD
        ? String.format(Locale.ROOT, "sgd (momentum %s)", sgd.momentum()) : "adam";
  }

  /**
   * Each hospital's DP-SGD sigma under --dp-sgd-target-epsilon was calibrated so that the planned
   * rounds spend its budget; like a coordinator-side target, that plan cannot be stretched.
   */
  private static void refuseExtendingTargetedDpSgd(CoordinatorStore.State checkpoint, FederatedSettings s, DpSgdSettings sgd) {
    if (sgd == null || !sgd.hasTarget() || checkpoint.plannedRounds() >= s.rounds()) return;
    throw new IllegalArgumentException(String.format(Locale.ROOT, "cannot extend the run from %d to %d rounds: each hospital's DP-SGD"
        + " sigma was calibrated by --dp-sgd-target-epsilon %s to spend that budget over exactly %d rounds; resume with --rounds %d,"
        + " or start a new run planned for %d rounds", checkpoint.plannedRounds(), s.rounds(), sgd.targetEpsilon(),
        checkpoint.plannedRounds(), checkpoint.plannedRounds(), s.rounds()));
  }

  /** The injected dropouts, checked: they need SecAgg+ and a fraction in [0, 1). */
  private InjectedDropouts dropouts() {
    if (dropFraction == 0) return InjectedDropouts.NONE;
    if (!round.secAgg) throw new IllegalArgumentException("--drop-fraction injects SecAgg+ dropouts and needs --secagg");
    if (!(dropFraction > 0 && dropFraction < 1)) throw new IllegalArgumentException("--drop-fraction must be in [0, 1), got " + dropFraction);
    return new InjectedDropouts(dropFraction, InjectedDropouts.parseStage(dropStage));
  }

  /** Per round: who answered each SecAgg+ stage, whether the sum was the plain sum, or why the round aborted. */
  private static JsonArray secAggRounds(List<RoundRecord> records) {
    JsonArray a = new JsonArray();
    for (RoundRecord r : records) {
      SecAggTally t = r.secAgg();
      if (t == null) continue;
      JsonObject o = new JsonObject();
      o.addProperty("round", r.round());
      o.addProperty("clients", t.sampled());
      o.addProperty("silenced", t.silenced());
      if (t.aborted() != null) {
        o.addProperty("aborted", t.aborted());
      } else {
        o.addProperty("advertised", t.advertised());
        o.addProperty("shared_keys", t.sharedKeys());
        o.addProperty("masked_inputs", t.maskedInputs());
        o.addProperty("unmaskers", t.unmaskers());
        o.addProperty("sum_equals_plain_sum", t.sumChecked());
      }
      a.add(o);
    }
    return a;
  }

  /** {"0": eps0, "1": eps1, ...}. */
  private static JsonObject epsilonObject(Map<Integer, Double> eps) {
    JsonObject o = new JsonObject();
    for (Map.Entry<Integer, Double> e : eps.entrySet()) o.addProperty(Integer.toString(e.getKey()), e.getValue());
    return o;
  }
}
