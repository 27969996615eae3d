package org.privmed.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.data.partition.Partition;
import org.privmed.fl.dp.sgd.DpSgdSettings;
import org.privmed.fl.federated.FederatedClient;
import org.privmed.fl.secagg.SecAggStage;
import org.privmed.fl.transport.FederatedClientRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code privmed fl client}: one hospital. Its data is partition {@code k} of the training split,
 * cut exactly as {@code fl simulate} cuts it (same scheme and seed), so a networked run can be
 * compared with a simulated one; a real hospital would pass its own dataset path instead.
 */
@Command(name = "client", mixinStandardHelpOptions = true,
    description = "Join a federated coordinator as one hospital and train on its partition.")
final class FlClientCommand implements Callable<Integer> {
  @Option(names = "--server", required = true, description = "Coordinator host:port.")
  String server;
  @Option(names = "--data", required = true, description = "Dataset name or path.")
  String data;
  @Option(names = "--partition", required = true, description = "This hospital's partition index k.")
  int partition;
  @Option(names = "--clients", required = true, description = "Number of partitions the data is cut into.")
  int clients;
  @Option(names = "--scheme", defaultValue = "iid", description = "iid, dirichlet or shards (default: ${DEFAULT-VALUE}).")
  FlCommand.PartitionKind scheme;
  @Mixin FlCommand.PartitionOptions partitioning;
  @Option(names = "--seed", defaultValue = "42", description = "Partition seed (default: ${DEFAULT-VALUE}).")
  long seed;
  @Option(names = "--tls-ca", description = "CA certificate that signed the coordinator's certificate.")
  Path tlsCa;
  @Mixin FlCommand.TlsOptions tls;
  @Mixin FlCommand.DpSgdOptions dpSgd;
  @Option(names = "--dp-sgd-ledger", description = "File keeping this hospital's DP-SGD privacy ledger across runs (continued if it exists).")
  Path dpSgdLedger;
  @Option(names = "--reconnect-timeout", defaultValue = "300",
      description = "Seconds to keep trying a coordinator that went away after registration, e.g. restarted (default: ${DEFAULT-VALUE}).")
  long reconnectTimeout;
  @Option(names = "--drop-at", description = "Fault injection: in the first SecAgg+ round go silent from this stage on"
      + " (${COMPLETION-CANDIDATES}), then take part again.")
  SecAggStage dropAt;

  @Override
  public Integer call() throws Exception {
    try {
      if (!tls.insecure && tlsCa == null) throw new IllegalArgumentException("give --tls-ca (and --tls-cert/--tls-key for mutual TLS), or --insecure");
      if (partition < 0 || partition >= clients) {
        throw new IllegalArgumentException("--partition must be in [0, " + clients + "), got " + partition);
      }
      ImageDataset train = partitioning.limit(Datasets.load(data, Split.TRAIN));
      Partition p = partitioning.cut(train, scheme, clients, seed);
      DpSgdSettings sgd = dpSgd.settings();
      FederatedClient me = new FederatedClient(partition, train.subset("client-" + partition, p.client(partition)));
      if (sgd != null) me = me.withDpSgd(sgd, dpSgdLedger);
      if (reconnectTimeout < 0) throw new IllegalArgumentException("--reconnect-timeout must be >= 0, got " + reconnectTimeout);
      int trained = FederatedClientRunner.run(server, me, tls.files(tlsCa), System.out, dropAt, reconnectTimeout * 1000);
      System.out.println("client " + partition + ": training over after " + trained + " round(s)"
          + (sgd == null ? "" : String.format(java.util.Locale.ROOT, ", DP-SGD epsilon %.4f at delta %s", me.sampleEpsilon(), sgd.delta())));
      return 0;
    } catch (IllegalArgumentException | java.io.IOException | io.grpc.StatusRuntimeException e) {
      System.err.println("privmed fl client: " + e.getMessage());
      return 2;
    }
  }
}
