package org.privmed.cli;

import java.nio.file.Path;
import java.util.Arrays;
import org.privmed.data.ImageDataset;
import org.privmed.data.partition.Partition;
import org.privmed.data.partition.Partitions;
import org.privmed.fl.dp.sgd.DpSgdSettings;
import org.privmed.fl.federated.CoordinatorStore;
import org.privmed.fl.federated.DpMode;
import org.privmed.fl.federated.FederatedSettings;
import org.privmed.fl.federated.FederatedTrainer;
import org.privmed.fl.federated.InjectedDropouts;
import org.privmed.fl.federated.KeptModels;
import org.privmed.fl.transport.TlsFiles;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.train.OptimizerKind;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code privmed fl}: federated learning (simulation, coordinator and hospital client over gRPC).
 * The options the subcommands share live here as picocli mixins, so one flag means the same
 * thing, with the same default, in every command that takes it.
 */
@Command(name = "fl", mixinStandardHelpOptions = true,
    description = "Federated learning with differential privacy and SecAgg+.",
    subcommands = {FlSimulateCommand.class, FlServerCommand.class, FlClientCommand.class})
final class FlCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** How the data is cut into hospitals' partitions: what {@code fl simulate} and {@code fl client} share. */
  enum PartitionKind { iid, dirichlet, shards }

  /** Which global model a run reports: {@code --select-by}. */
  enum RoundSelection { last, accuracy, average }

  /** The reported global model, the rounds it comes from, and how it was chosen. */
  record Selected(Model model, int firstRound, int lastRound, String how) {
    String describe() {
      return firstRound == lastRound ? "round " + firstRound + " (" + how + ")" : "rounds " + firstRound + "-" + lastRound + " (" + how + ")";
    }
  }

  /** The round loop's settings: {@code fl simulate} and {@code fl server}. */
  static final class RoundOptions {
    @Option(names = "--rounds", defaultValue = "10", description = "Rounds (default: ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--model", required = true, description = "Zoo model name.")
    String model;
    @Option(names = "--width", defaultValue = "0", description = "Zoo width (0 = model default).")
    int width;
    @Option(names = "--fraction", defaultValue = "1.0", description = "Clients sampled per round (default: ${DEFAULT-VALUE}).")
    double fraction;
    @Option(names = "--local-epochs", defaultValue = "1", description = "Local epochs (default: ${DEFAULT-VALUE}).")
    int localEpochs;
    @Option(names = "--batch-size", defaultValue = "32", description = "Local batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--lr", defaultValue = "0.001", description = "Local Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;
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
    @Option(names = "--unmask-threads", defaultValue = "0",
        description = "Threads the coordinator removes SecAgg+ masks on (0 = available processors).")
    int unmaskThreads;
    @Option(names = "--checkpoint", description = "Coordinator checkpoint directory (default: checkpoints/<run name>).")
    Path checkpoint;
    @Option(names = "--resume", description = "Continue from the checkpoint's last completed round.")
    boolean resume;
    @Option(names = "--select-by", defaultValue = "last",
        description = "Which global model is tested and saved: last (the final round's), accuracy (the round with the best"
            + " validation accuracy, ties to the lower loss) or average (the mean weights of the last quarter of the rounds),"
            + " as central training picks its epoch (default: ${DEFAULT-VALUE}).")
    RoundSelection selectBy;

    /** The model {@code --select-by} picks from a finished run. */
    Selected selected(FederatedTrainer.Run run) {
      KeptModels k = run.kept();
      switch (selectBy) {
        case accuracy -> {
          if (k.best() == null) throw new IllegalStateException("--select-by accuracy: no round was evaluated on a validation set");
          return new Selected(k.best(), k.bestRound(), k.bestRound(), "best validation accuracy");
        }
        case average -> {
          if (k.averagedRounds() == 0) throw new IllegalStateException("--select-by average: no round of the averaging window has run");
          return new Selected(k.average(), k.averageFirst(), k.averageLast(), "weights averaged");
        }
        default -> {
          int last = run.rounds().isEmpty() ? 0 : run.rounds().get(run.rounds().size() - 1).round();
          return new Selected(run.model(), last, last, "last");
        }
      }
    }

    FederatedSettings settings(long exampleCap, long seed) {
      return new FederatedSettings(rounds, fraction, localEpochs, batchSize, lr, exampleCap, dp, clip, noiseMultiplier,
          targetEpsilon == null ? Double.NaN : targetEpsilon, delta, secAgg, numShares, threshold, seed, 1, unmaskThreads,
          InjectedDropouts.NONE);
    }

    /** The zoo model for {@code data}'s image shape and classes, initialised from {@code seed}. */
    Model initialModel(ImageDataset data, long seed) {
      return ModelZoo.build(model, new TensorShape(data.channels(), data.height(), data.width()), data.classNames(),
          new ZooOptions(width, seed));
    }

    /** A file-name-safe run name from a prefix, the dataset and the model. */
    String stem(String prefix, String data) {
      return (prefix + Path.of(data).getFileName() + "-" + model).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    CoordinatorStore store(String stem) {
      return new CoordinatorStore(checkpoint != null ? checkpoint : Path.of("checkpoints", stem));
    }
  }

  /** Cutting the training split into partitions: {@code fl simulate} and {@code fl client}. */
  static final class PartitionOptions {
    @Option(names = "--alpha", defaultValue = "0.5", description = "Dirichlet concentration (default: ${DEFAULT-VALUE}).")
    double alpha;
    @Option(names = "--shards-per-client", defaultValue = "2", description = "Shards per client (default: ${DEFAULT-VALUE}).")
    int shardsPerClient;
    @Option(names = "--train-limit", defaultValue = "0", description = "Use only the first N training images (0 = all).")
    int trainLimit;

    /** The first {@code --train-limit} images, or all of them. */
    ImageDataset limit(ImageDataset train) {
      if (trainLimit <= 0 || trainLimit >= train.size()) return train;
      int[] rows = new int[trainLimit];
      Arrays.setAll(rows, i -> i);
      return train.subset(train.name() + "[:" + trainLimit + "]", rows);
    }

    /** The partition every process computes identically from the same scheme and seed. */
    Partition cut(ImageDataset train, PartitionKind kind, int clients, long seed) {
      return switch (kind) {
        case iid -> Partitions.iid(train.size(), clients, seed);
        case dirichlet -> Partitions.dirichlet(train.labels(), clients, alpha, seed);
        case shards -> Partitions.shards(train.labels(), clients, shardsPerClient, seed);
      };
    }
  }

  /** DP-SGD inside each hospital's local training: {@code fl simulate} and {@code fl client}. */
  static final class DpSgdOptions {
    @Option(names = "--dp-sgd", description = "Train locally by DP-SGD (per-example clipping and noise; sample-level epsilon per hospital).")
    boolean on;
    @Option(names = "--dp-sgd-clip", description = "DP-SGD per-example L2 clip norm C (> 0).")
    Double clip;
    @Option(names = "--dp-sgd-noise", description = "DP-SGD noise multiplier sigma (> 0): noise sigma*C on each step's gradient sum.")
    Double noise;
    @Option(names = "--dp-sgd-target-epsilon",
        description = "Instead of --dp-sgd-noise: each hospital's epsilon budget over the planned rounds (sigma calibrated per hospital).")
    Double target;
    @Option(names = "--dp-sgd-delta", defaultValue = "1e-5", description = "delta of each hospital's DP-SGD epsilon (default: ${DEFAULT-VALUE}).")
    double delta;
    @Option(names = "--dp-sgd-optimizer", defaultValue = "adam",
        description = "Optimizer stepping on the private gradient: adam or sgd (with --dp-sgd-momentum; --lr is its step size) (default: ${DEFAULT-VALUE}).")
    String optimizer;
    @Option(names = "--dp-sgd-momentum", description = "Heavy-ball momentum of --dp-sgd-optimizer sgd, in [0, 1) (default: 0.9).")
    Double momentum;

    /** The checked settings, or null without --dp-sgd; names the bad value otherwise. */
    DpSgdSettings settings() {
      if (!on) {
        if (clip != null || noise != null || target != null || momentum != null || !"adam".equals(optimizer)) {
          throw new IllegalArgumentException("--dp-sgd-clip, --dp-sgd-noise, --dp-sgd-target-epsilon, --dp-sgd-optimizer and --dp-sgd-momentum need --dp-sgd");
        }
        return null;
      }
      OptimizerKind kind = switch (optimizer) {
        case "adam" -> OptimizerKind.ADAM;
        case "sgd" -> OptimizerKind.SGD;
        default -> throw new IllegalArgumentException("--dp-sgd-optimizer must be adam or sgd, got " + optimizer);
      };
      if (kind == OptimizerKind.ADAM && momentum != null) throw new IllegalArgumentException("--dp-sgd-momentum needs --dp-sgd-optimizer sgd");
      double m = momentum == null ? (kind == OptimizerKind.SGD ? 0.9 : 0) : momentum;
      if (!(m >= 0 && m < 1)) throw new IllegalArgumentException("--dp-sgd-momentum must be in [0, 1), got " + m);
      if (clip == null || (noise == null) == (target == null)) {
        throw new IllegalArgumentException("--dp-sgd needs --dp-sgd-clip and one of --dp-sgd-noise or --dp-sgd-target-epsilon");
      }
      if (!(clip > 0) || clip.isInfinite()) throw new IllegalArgumentException("--dp-sgd-clip must be finite and > 0, got " + clip);
      if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("--dp-sgd-delta must be in (0, 1), got " + delta);
      if (target != null) {
        if (!(target > 0) || target.isInfinite()) throw new IllegalArgumentException("--dp-sgd-target-epsilon must be finite and > 0, got " + target);
        return DpSgdSettings.forTarget(clip, target, delta).withOptimizer(kind, m);
      }
      if (!(noise > 0) || noise.isInfinite()) {
        throw new IllegalArgumentException("--dp-sgd-noise must be finite and > 0 (0 gives no privacy), got " + noise);
      }
      return new DpSgdSettings(clip, noise, delta).withOptimizer(kind, m);
    }
  }

  /** This process's own certificate, or plaintext: {@code fl server} and {@code fl client}. */
  static final class TlsOptions {
    @Option(names = "--tls-cert", description = "PEM certificate chain of this process (a hospital's only for mutual TLS).")
    Path tlsCert;
    @Option(names = "--tls-key", description = "PEM PKCS#8 private key for --tls-cert.")
    Path tlsKey;
    @Option(names = "--insecure", description = "Plaintext gRPC (loopback experiments only).")
    boolean insecure;

    /** The TLS files with {@code trustedCa}, or null under --insecure. */
    TlsFiles files(Path trustedCa) {
      return insecure ? null : new TlsFiles(tlsCert, tlsKey, trustedCa);
    }
  }
}
