package org.privmed.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.privmed.data.DatasetException;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.DataCatalog;
import org.privmed.data.catalog.DatasetInfo;
import org.privmed.data.catalog.Datasets;
import org.privmed.data.partition.Partition;
import org.privmed.data.partition.PartitionTable;
import org.privmed.data.partition.Partitions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code privmed data …}: list, verify and partition the datasets (org.privmed.data). */
@Command(name = "data", mixinStandardHelpOptions = true,
    description = "List the shipped datasets, verify their checksums, print federated partitions.",
    subcommands = {DataCommand.ListCommand.class, DataCommand.VerifyCommand.class,
        DataCommand.PartitionCommand.class})
final class DataCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "The shipped datasets with shape, splits, licence and citation.")
  static final class ListCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.println("data folder: " + Datasets.dataDir());
      for (DatasetInfo info : Datasets.shipped()) {
        System.out.printf("%n%-15s %s%n", info.name(), info.displayName());
        System.out.printf("  %-9s %s, %d classes: %s%n", "shape", info.shape(),
            info.classNames().size(), String.join(", ", info.classNames()));
        System.out.printf("  %-9s %s%n", "splits", info.splits());
        System.out.printf("  %-9s data/%s: %s%n", "files", info.folder(),
            String.join(", ", info.files()));
        System.out.printf("  %-9s %s%n", "licence", info.licence());
        System.out.printf("  %-9s %s%n", "cite", info.citation());
      }
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check the SHA-256 of every file of the named (default: all) shipped datasets.")
  static final class VerifyCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "NAME", description = "Shipped dataset names.")
    List<String> names;

    @Override
    public Integer call() {
      DataCatalog catalog = DataCatalog.locate();
      List<String> targets = names == null || names.isEmpty()
          ? Datasets.shipped().stream().map(DatasetInfo::name).toList() : names;
      int failures = 0;
      for (String name : targets) {
        try {
          List<Path> checked = catalog.verify(name);
          System.out.printf("%-15s ok (%d files)%n", name, checked.size());
        } catch (DatasetException e) {
          failures++;
          System.out.printf("%-15s FAILED: %s%n", name, e.getMessage());
        }
      }
      return failures == 0 ? 0 : 1;
    }
  }

  /** The partition schemes {@link Partitions} offers. */
  enum Scheme { IID, DIRICHLET, SHARDS }

  @Command(name = "partition", mixinStandardHelpOptions = true,
      description = "Split a dataset among federated clients and print class counts per client.")
  static final class PartitionCommand implements Callable<Integer> {
    @Option(names = "--data", required = true,
        description = "Shipped dataset name or a path (.npz, IDX folder, image folder).")
    String data;

    @Option(names = "--split", defaultValue = "train",
        description = "Which part to partition: train, val or test (default: ${DEFAULT-VALUE}).")
    Split split;

    @Option(names = "--scheme", defaultValue = "dirichlet",
        description = "iid, dirichlet or shards (default: ${DEFAULT-VALUE}).")
    Scheme scheme;

    @Option(names = "--clients", defaultValue = "10",
        description = "Number of clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--alpha", defaultValue = "0.5",
        description = "Dirichlet concentration; small = strong label skew"
            + " (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--min-size", defaultValue = "1",
        description = "Dirichlet: fewest examples per client (default: ${DEFAULT-VALUE}).")
    int minSize;

    @Option(names = "--shards-per-client", defaultValue = "2",
        description = "Shards: shards (and at most classes) per client"
            + " (default: ${DEFAULT-VALUE}).")
    int shardsPerClient;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
      ImageDataset dataset = Datasets.load(data, split);
      int[] labels = dataset.labels();
      Partition partition = switch (scheme) {
        case IID -> Partitions.iid(labels.length, clients, seed);
        case DIRICHLET -> Partitions.dirichlet(labels, clients, alpha, minSize, seed);
        case SHARDS -> Partitions.shards(labels, clients, shardsPerClient, seed);
      };
      System.out.println(dataset.name() + ": " + dataset.size() + " examples");
      System.out.print(PartitionTable.format(partition, labels, dataset.classNames()));
      return 0;
    }
  }
}
