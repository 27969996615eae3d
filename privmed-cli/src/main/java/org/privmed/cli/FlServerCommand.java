package org.privmed.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.eval.metrics.ClassificationMetrics;
import org.privmed.fl.federated.ClientEndpoint;
import org.privmed.fl.federated.CoordinatorStore;
import org.privmed.fl.federated.DpMode;
import org.privmed.fl.federated.FederatedSettings;
import org.privmed.fl.federated.FederatedTrainer;
import org.privmed.fl.transport.FederatedServer;
import org.privmed.fl.transport.TlsFiles;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code privmed fl server}: the coordinator as its own process. Waits for {@code --clients}
 * hospitals ({@code privmed fl client}), runs the same round loop as {@code fl simulate},
 * checkpoints after every round, and evaluates the final model on the test split it holds.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Run the federated coordinator over gRPC (FedAvg, optional DP and SecAgg+).")
final class FlServerCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "50061", description = "Port (default: ${DEFAULT-VALUE}).")
  int port;
  @Option(names = "--clients", required = true, description = "Hospitals to wait for.")
  int clients;
  @Option(names = "--rounds", defaultValue = "10", description = "Rounds (default: ${DEFAULT-VALUE}).")
  int rounds;
  @Option(names = "--data", required = true, description = "Dataset whose validation/test split the coordinator holds.")
  String data;
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
  @Option(names = "--clip", defaultValue = "1.0", description = "L2 clip norm C (default: ${DEFAULT-VALUE}).")
  double clip;
  @Option(names = "--target-epsilon", description = "Privacy budget epsilon for the planned rounds.")
  Double targetEpsilon;
  @Option(names = "--delta", defaultValue = "1e-5", description = "delta (default: ${DEFAULT-VALUE}).")
  double delta;
  @Option(names = "--noise-multiplier", defaultValue = "0", description = "z when no target epsilon is given.")
  double noiseMultiplier;
  @Option(names = "--secagg", description = "Aggregate through SecAgg+: updates stay at the hospitals, the coordinator relays protocol messages.")
  boolean secAgg;
  @Option(names = "--num-shares", defaultValue = "0", description = "SecAgg+ neighbours k (0 = about 2 log2 n).")
  int numShares;
  @Option(names = "--threshold", defaultValue = "0", description = "SecAgg+ reconstruction threshold (0 = k/2 + 1).")
  int threshold;
  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;
  @Option(names = "--round-timeout", defaultValue = "600", description = "Seconds a client may take per round (default: ${DEFAULT-VALUE}).")
  long roundTimeout;
  @Option(names = "--join-timeout", defaultValue = "600", description = "Seconds to wait for all clients (default: ${DEFAULT-VALUE}).")
  long joinTimeout;
  @Option(names = "--tls-cert", description = "PEM certificate chain of the coordinator.")
  Path tlsCert;
  @Option(names = "--tls-key", description = "PEM PKCS#8 private key of the coordinator.")
  Path tlsKey;
  @Option(names = "--mtls-ca", description = "CA certificate that signed the hospitals' certificates (enables mutual TLS).")
  Path mtlsCa;
  @Option(names = "--insecure", description = "Plaintext gRPC (loopback experiments only).")
  boolean insecure;
  @Option(names = "--checkpoint", description = "Checkpoint directory (default: checkpoints/fl-server-<data>-<model>).")
  Path checkpoint;
  @Option(names = "--resume", description = "Continue from the checkpoint's last completed round.")
  boolean resume;
  @Option(names = "--out", description = "Write the final global model here (.pm).")
  Path out;

  @Override
  public Integer call() throws Exception {
    ExecutorService pool = null;
    try {
      if (!insecure && tlsCert == null) {
        throw new IllegalArgumentException("give --tls-cert and --tls-key (and --mtls-ca for mutual TLS), or --insecure for plaintext");
      }
      TlsFiles tls = insecure ? null : new TlsFiles(tlsCert, tlsKey, mtlsCa);
      ImageDataset val = Datasets.load(data, Split.VAL);
      ImageDataset test = Datasets.load(data, Split.TEST);
      FederatedSettings s = new FederatedSettings(rounds, fraction, localEpochs, batchSize, lr, 10_000, dp, clip,
          noiseMultiplier, targetEpsilon == null ? Double.NaN : targetEpsilon, delta, secAgg, numShares, threshold, seed, 1);
      Model initial = ModelZoo.build(model, new TensorShape(val.channels(), val.height(), val.width()),
          val.classNames(), new ZooOptions(width, seed));
      String stem = ("fl-server-" + Path.of(data).getFileName() + "-" + model).replaceAll("[^A-Za-z0-9._-]", "_");
      CoordinatorStore store = new CoordinatorStore(checkpoint != null ? checkpoint : Path.of("checkpoints", stem));
      try (FederatedServer server = FederatedServer.start(port, clients, rounds, roundTimeout * 1000, tls)) {
        System.out.printf(Locale.ROOT, "coordinator listening on port %d (%s%s), waiting for %d clients%n", server.port(),
            tls == null ? "plaintext" : mtlsCa != null ? "mutual TLS" : "TLS", secAgg ? ", SecAgg+" : "", clients);
        List<ClientEndpoint> endpoints = server.awaitClients(joinTimeout * 1000);
        pool = Executors.newFixedThreadPool(Math.max(1, clients));
        FederatedTrainer trainer = new FederatedTrainer(s, endpoints, val, store, pool, System.out);
        FederatedTrainer.Run run = trainer.run(initial, rounds, resume);
        server.finish();
        ClassificationMetrics m = ClassificationMetrics.fromScores(test.labels(), FederatedTrainer.probabilities(run.model(), test));
        System.out.printf(Locale.ROOT, "test accuracy %.4f, AUROC %.4f, epsilon %.4f at delta %s%n", m.accuracy(), m.auroc(),
            run.epsilon(delta), delta);
        if (out != null) {
          ModelFile.write(run.model(), out);
          System.out.println("saved " + out);
        }
        return run.stoppedBecause() == null ? 0 : 3;
      }
    } catch (IllegalArgumentException | IllegalStateException | java.io.IOException e) {
      System.err.println("privmed fl server: " + e.getMessage());
      return 2;
    } finally {
      if (pool != null) pool.shutdownNow();
    }
  }
}
