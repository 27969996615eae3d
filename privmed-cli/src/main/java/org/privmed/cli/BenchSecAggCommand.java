package org.privmed.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.data.partition.Partition;
import org.privmed.data.partition.Partitions;
import org.privmed.fl.bench.SecAggCostBenchmark;
import org.privmed.fl.bench.SecAggCostBenchmark.Row;
import org.privmed.fl.bench.SecAggCostBenchmark.Side;
import org.privmed.fl.federated.FederatedClient;
import org.privmed.fl.federated.FederatedSettings;
import org.privmed.fl.federated.ModelVector;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code privmed bench secagg}: what a SecAgg+ round costs over a plain FedAvg round. */
@Command(name = "secagg", mixinStandardHelpOptions = true,
    description = {"Cost of a SecAgg+ round against a plain FedAvg round (no local training in either):",
        "client and coordinator CPU time, bytes per client, round time with clients on their own",
        "machines (coordinator + slowest client, as Bell et al. 2020 report it) and in-process wall time."})
final class BenchSecAggCommand implements Callable<Integer> {
  /** The bar: a SecAgg+ round at most twice a plain one, 100 clients, 1M parameters. */
  private static final int BAR_CLIENTS = 100;
  private static final double BAR_RATIO = 2.0;

  @Option(names = "--clients", split = ",", defaultValue = "10,50,100,500",
      description = "Client counts (default: ${DEFAULT-VALUE}).")
  List<Integer> clients;

  @Option(names = "--params", defaultValue = "1000000", description = "Update length (default: ${DEFAULT-VALUE}).")
  int params;

  @Option(names = "--reps", defaultValue = "3", description = "Rounds per mode and count; medians reported (default: ${DEFAULT-VALUE}).")
  int reps;

  @Option(names = "--threads", defaultValue = "0", description = "Pool for the simulated clients (0 = all cores).")
  int threads;

  @Option(names = "--unmask-threads", defaultValue = "0",
      description = "Threads the SecAgg+ coordinator unmasks on (0 = available processors).")
  int unmaskThreads;

  @Option(names = "--json", description = "Print one JSON object on stdout instead of the table.")
  boolean json;

  @Option(names = "--train-model", description = {"Also time one local epoch of this zoo model (Adam, batch 32) on one hospital's",
      "1/n IID share of --train-data and add it to both modes' client time; the model's",
      "parameter count replaces --params."})
  String trainModel;

  @Option(names = "--train-width", defaultValue = "0", description = "Zoo width for --train-model (default: ${DEFAULT-VALUE}).")
  int trainWidth;

  @Option(names = "--train-data", defaultValue = "bloodmnist-pbc", description = "Dataset for --train-model (default: ${DEFAULT-VALUE}).")
  String trainData;

  /** Local epoch time per client count (ms), when --train-model is given. */
  private final List<Double> epochMs = new ArrayList<>();

  @Override
  public Integer call() {
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    int unmask = unmaskThreads > 0 ? unmaskThreads : Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    List<Row> rows = new ArrayList<>();
    long start = System.nanoTime();
    try {
      LocalEpoch epoch = trainModel == null ? null : new LocalEpoch(trainData, trainModel, trainWidth);
      if (epoch != null) params = epoch.parameters();
      for (int i = 0; i < clients.size(); i++) {
        if (epoch != null) epochMs.add(epoch.millis(clients.get(i)));
        rows.add(SecAggCostBenchmark.measure(clients.get(i), params, reps, unmask, pool, new SecureRandom()));
        double elapsed = (System.nanoTime() - start) / 1e9;
        // Cost grows about linearly in the client count: extrapolate the rest from what is done.
        double doneClients = clients.subList(0, i + 1).stream().mapToDouble(Integer::doubleValue).sum();
        double leftClients = clients.subList(i + 1, clients.size()).stream().mapToDouble(Integer::doubleValue).sum();
        System.err.printf(Locale.ROOT, "[bench secagg] %d/%d: %d clients done in %.0f s total, ETA %.0f s%n", i + 1, clients.size(),
            clients.get(i), elapsed, elapsed / doneClients * leftClients);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("privmed bench secagg: " + e.getMessage());
      return 2;
    } finally {
      pool.shutdownNow();
    }
    System.out.print(json ? json(rows, n, unmask) + System.lineSeparator() : table(rows, n, unmask));
    return 0;
  }

  private String table(List<Row> rows, int poolThreads, int unmask) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%,d parameters, %d repetitions (medians), %d pool threads, %d unmask threads, CPU time per part%n",
        params, reps, poolThreads, unmask));
    b.append(String.format(Locale.ROOT, "%7s %3s %3s | %9s %9s %9s %9s | %9s %9s %9s %9s | %7s %7s | %11s %11s %11s%n",
        "clients", "k", "t", "pl_cli_ms", "pl_crd_ms", "pl_rnd_ms", "pl_wallms", "sa_cli_ms", "sa_crd_ms", "sa_rnd_ms", "sa_wallms",
        "rnd_x", "wall_x", "pl_up_B", "sa_up_B", "sa_down_B"));
    for (Row r : rows) {
      Side p = r.plain();
      Side s = r.secAgg();
      b.append(String.format(Locale.ROOT, "%7d %3d %3d | %9.1f %9.1f %9.1f %9.1f | %9.1f %9.1f %9.1f %9.1f | %7.2f %7.2f | %,11.0f %,11.0f %,11.0f%n",
          r.clients(), r.numShares(), r.threshold(), p.clientMsMax(), p.coordinatorMs(), p.distributedMs(), p.wallMs(),
          s.clientMsMax(), s.coordinatorMs(), s.distributedMs(), s.wallMs(), r.distributedRatio(), r.wallRatio(),
          p.bytesUp(), s.bytesUp(), s.bytesDown()));
    }
    if (!epochMs.isEmpty()) {
      b.append(String.format(Locale.ROOT, "with one local epoch of %s (width %d) on %s, 1/n IID share per hospital (min of 2 timed epochs, wall):%n",
          trainModel, trainWidth, trainData));
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        double e = epochMs.get(i);
        b.append(String.format(Locale.ROOT, "%7d clients: epoch %8.1f ms | plain round %8.1f ms | SecAgg+ round %8.1f ms | %5.2fx%n", r.clients(),
            e, r.plain().distributedMs() + e, r.secAgg().distributedMs() + e, withTraining(r, e)));
      }
    }
    b.append("cli_ms: slowest client's compute (median client in --json); crd_ms: coordinator compute (unmask pool by critical"
        + " path; total CPU in --json);"
        + " rnd_ms = crd_ms + cli_ms (clients on their own machines); wallms: everything in this process.\n");
    for (Row r : rows) {
      if (r.clients() != BAR_CLIENTS) continue;
      b.append(String.format(Locale.ROOT, "bar (%d clients, SecAgg+ <= %.0fx plain): round time %.2fx — %s; in-process wall %.2fx — %s",
          BAR_CLIENTS, BAR_RATIO, r.distributedRatio(), verdict(r.distributedRatio()), r.wallRatio(), verdict(r.wallRatio())));
      if (!epochMs.isEmpty()) {
        double x = withTraining(r, epochMs.get(rows.indexOf(r)));
        b.append(String.format(Locale.ROOT, "; round time with local training %.2fx — %s", x, verdict(x)));
      }
      b.append(System.lineSeparator());
    }
    return b.toString();
  }

  private static String verdict(double ratio) {
    return ratio <= BAR_RATIO ? "met" : "missed";
  }

  /** SecAgg+ over plain round time when each hospital also trains for {@code epochMs}. */
  private static double withTraining(Row r, double epochMs) {
    return (r.secAgg().distributedMs() + epochMs) / (r.plain().distributedMs() + epochMs);
  }

  private String json(List<Row> rows, int poolThreads, int unmask) {
    JsonObject o = new JsonObject();
    o.addProperty("params", params);
    o.addProperty("reps", reps);
    o.addProperty("threads", poolThreads);
    o.addProperty("unmask_threads", unmask);
    if (trainModel != null) {
      o.addProperty("train_model", trainModel);
      o.addProperty("train_width", trainWidth);
      o.addProperty("train_data", trainData);
    }
    JsonArray a = new JsonArray();
    for (Row r : rows) {
      JsonObject j = new JsonObject();
      j.addProperty("clients", r.clients());
      j.addProperty("num_shares", r.numShares());
      j.addProperty("threshold", r.threshold());
      j.add("plain", side(r.plain()));
      j.add("secagg", side(r.secAgg()));
      j.addProperty("round_ratio", r.distributedRatio());
      j.addProperty("wall_ratio", r.wallRatio());
      if (!epochMs.isEmpty()) {
        double e = epochMs.get(rows.indexOf(r));
        j.addProperty("local_epoch_ms", e);
        j.addProperty("round_ratio_with_training", withTraining(r, e));
      }
      a.add(j);
    }
    o.add("rows", a);
    return o.toString();
  }

  private static JsonObject side(Side s) {
    JsonObject j = new JsonObject();
    j.addProperty("client_ms_median", s.clientMsMedian());
    j.addProperty("client_ms_max", s.clientMsMax());
    j.addProperty("coordinator_ms", s.coordinatorMs());
    j.addProperty("coordinator_cpu_ms", s.coordinatorCpuMs());
    j.addProperty("round_ms", s.distributedMs());
    j.addProperty("wall_ms", s.wallMs());
    j.addProperty("bytes_up_per_client", s.bytesUp());
    j.addProperty("bytes_down_per_client", s.bytesDown());
    return j;
  }

  /** One hospital's local epoch, for the round time with training included. */
  private static final class LocalEpoch {
    private final ImageDataset train;
    private final Model model;
    private boolean warm;

    LocalEpoch(String data, String modelName, int width) {
      train = Datasets.load(data, Split.TRAIN);
      model = ModelZoo.build(modelName, new TensorShape(train.channels(), train.height(), train.width()), train.classNames(),
          new ZooOptions(width, 1));
    }

    int parameters() {
      return ModelVector.size(model);
    }

    /** Wall ms of one epoch on client 0's share of an n-way IID split: the faster of two runs (one warm-up first, once). */
    double millis(int n) {
      Partition p = Partitions.iid(train.size(), n, 42);
      FederatedClient c = new FederatedClient(0, train.subset("hospital-0-of-" + n, p.client(0)));
      FederatedSettings s = FederatedSettings.defaults(1);
      if (!warm) {
        c.train(model, 1, s);
        warm = true;
      }
      double best = Double.MAX_VALUE;
      for (int rep = 0; rep < 2; rep++) {
        long t0 = System.nanoTime();
        c.train(model, 1, s);
        best = Math.min(best, (System.nanoTime() - t0) / 1e6);
      }
      System.err.printf(Locale.ROOT, "[bench secagg] local epoch on %d images (1/%d of %s): %.0f ms%n", c.numExamples(), n, train.name(), best);
      return best;
    }
  }
}
