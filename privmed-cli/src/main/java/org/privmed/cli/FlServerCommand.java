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
import org.privmed.fl.federated.FederatedSettings;
import org.privmed.fl.federated.FederatedTrainer;
import org.privmed.fl.transport.FederatedServer;
import org.privmed.fl.transport.TlsFiles;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
  @Option(names = "--data", required = true, description = "Dataset whose validation/test split the coordinator holds.")
  String data;
  @Mixin FlCommand.RoundOptions round;
  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;
  @Option(names = "--round-timeout", defaultValue = "600", description = "Seconds a client may take per round (default: ${DEFAULT-VALUE}).")
  long roundTimeout;
  @Option(names = "--join-timeout", defaultValue = "600", description = "Seconds to wait for all clients (default: ${DEFAULT-VALUE}).")
  long joinTimeout;
  @Mixin FlCommand.TlsOptions tls;
  @Option(names = "--mtls-ca", description = "CA certificate that signed the hospitals' certificates (enables mutual TLS; each hospital's certificate"
      + " must name it as CN=hospital-<k>, and may speak only as client k).")
  Path mtlsCa;
  @Option(names = "--out", description = "Write the final global model here (.pm).")
  Path out;

  @Override
  public Integer call() throws Exception {
    ExecutorService pool = null;
    try {
      if (!tls.insecure && tls.tlsCert == null) {
        throw new IllegalArgumentException("give --tls-cert and --tls-key (and --mtls-ca for mutual TLS), or --insecure for plaintext");
      }
      TlsFiles tlsFiles = tls.files(mtlsCa);
      ImageDataset val = Datasets.load(data, Split.VAL);
      ImageDataset test = Datasets.load(data, Split.TEST);
      FederatedSettings s = round.settings(10_000, seed);
      Model initial = round.initialModel(val, seed);
      CoordinatorStore store = round.store(round.stem("fl-server-", data));
      // Checked before listening, so hospitals are not kept waiting for a run that cannot continue.
      if (round.resume && store.exists()) store.loadFor(s);
      int rounds = round.rounds;
      try (FederatedServer server = FederatedServer.start(port, clients, rounds, roundTimeout * 1000, tlsFiles)) {
        System.out.printf(Locale.ROOT, "coordinator listening on port %d (%s%s), waiting for %d clients%n", server.port(),
            tlsFiles == null ? "plaintext" : mtlsCa != null ? "mutual TLS" : "TLS", round.secAgg ? ", SecAgg+" : "", clients);
        List<ClientEndpoint> endpoints = server.awaitClients(joinTimeout * 1000);
        pool = Executors.newFixedThreadPool(Math.max(1, clients));
        FederatedTrainer trainer = new FederatedTrainer(s, endpoints, val, store, pool, System.out);
        FederatedTrainer.Run run = trainer.run(initial, rounds, round.resume);
        server.finish();
        FlCommand.Selected chosen = round.selected(run);
        ClassificationMetrics m = ClassificationMetrics.fromScores(test.labels(), FederatedTrainer.probabilities(chosen.model(), test));
        System.out.printf(Locale.ROOT, "test accuracy %.4f, AUROC %.4f (global model of %s), epsilon %.4f at delta %s%n",
            m.accuracy(), m.auroc(), chosen.describe(), run.epsilon(round.delta), round.delta);
        java.util.Map<Integer, Double> hospitalEps = FederatedTrainer.latestSampleEpsilon(run.rounds());
        if (!hospitalEps.isEmpty()) System.out.println("hospitals' DP-SGD epsilon (as they reported it): " + hospitalEps);
        if (out != null) {
          ModelFile.write(chosen.model(), out);
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
