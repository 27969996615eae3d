package org.privmed.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.data.partition.Partition;
import org.privmed.data.partition.Partitions;
import org.privmed.fl.federated.FederatedClient;
import org.privmed.fl.secagg.SecAggStage;
import org.privmed.fl.transport.FederatedClientRunner;
import org.privmed.fl.transport.TlsFiles;
import picocli.CommandLine.Command;
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
  FlSimulateCommand.PartitionKind scheme;
  @Option(names = "--alpha", defaultValue = "0.5", description = "Dirichlet concentration (default: ${DEFAULT-VALUE}).")
  double alpha;
  @Option(names = "--shards-per-client", defaultValue = "2", description = "Shards per client (default: ${DEFAULT-VALUE}).")
  int shardsPerClient;
  @Option(names = "--train-limit", defaultValue = "0", description = "Use only the first N training images (0 = all).")
  int trainLimit;
  @Option(names = "--seed", defaultValue = "42", description = "Partition seed (default: ${DEFAULT-VALUE}).")
  long seed;
  @Option(names = "--tls-ca", description = "CA certificate that signed the coordinator's certificate.")
  Path tlsCa;
  @Option(names = "--tls-cert", description = "This hospital's certificate chain (mutual TLS).")
  Path tlsCert;
  @Option(names = "--tls-key", description = "This hospital's PKCS#8 key (mutual TLS).")
  Path tlsKey;
  @Option(names = "--insecure", description = "Plaintext gRPC (loopback experiments only).")
  boolean insecure;
  @Option(names = "--drop-at", description = "Fault injection: in the first SecAgg+ round go silent from this stage on"
      + " (${COMPLETION-CANDIDATES}), then take part again.")
  SecAggStage dropAt;

  @Override
  public Integer call() throws Exception {
    try {
      if (!insecure && tlsCa == null) throw new IllegalArgumentException("give --tls-ca (and --tls-cert/--tls-key for mutual TLS), or --insecure");
      if (partition < 0 || partition >= clients) {
        throw new IllegalArgumentException("--partition must be in [0, " + clients + "), got " + partition);
      }
      ImageDataset train = Datasets.load(data, Split.TRAIN);
      if (trainLimit > 0 && trainLimit < train.size()) {
        int[] rows = new int[trainLimit];
        Arrays.setAll(rows, i -> i);
        train = train.subset(train.name() + "[:" + trainLimit + "]", rows);
      }
      Partition p = switch (scheme) {
        case iid -> Partitions.iid(train.size(), clients, seed);
        case dirichlet -> Partitions.dirichlet(train.labels(), clients, alpha, seed);
        case shards -> Partitions.shards(train.labels(), clients, shardsPerClient, seed);
      };
      FederatedClient me = new FederatedClient(partition, train.subset("client-" + partition, p.client(partition)));
      int trained = FederatedClientRunner.run(server, me, insecure ? null : new TlsFiles(tlsCert, tlsKey, tlsCa), System.out, dropAt);
      System.out.println("client " + partition + ": training over after " + trained + " round(s)");
      return 0;
    } catch (IllegalArgumentException | java.io.IOException | io.grpc.StatusRuntimeException e) {
      System.err.println("privmed fl client: " + e.getMessage());
      return 2;
    }
  }
}
