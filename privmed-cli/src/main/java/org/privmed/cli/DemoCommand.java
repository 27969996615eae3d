package org.privmed.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.privmed.data.Split;
import org.privmed.eval.report.ConsoleTable;
import org.privmed.infer.compile.Packing;
import org.privmed.infer.demo.EncryptedDiagnosisDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code privmed demo}: the whole encrypted diagnosis in one process (server and client over
 * loopback gRPC) on a shipped medical test set, with the common report table.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Encrypted diagnosis end to end on a shipped model and test set: plaintext vs"
        + " encrypted metrics, time per phase, bytes; report under reports/.")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--model", defaultValue = "models/tenseal-pneumoniamnist.pm",
      description = "The .pm model (default: ${DEFAULT-VALUE}).")
  Path model;

  @Option(names = "--data", defaultValue = "pneumoniamnist",
      description = "Shipped dataset (default: ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--split", defaultValue = "test", description = "Split (default: ${DEFAULT-VALUE}).")
  Split split;

  @Option(names = "--limit", defaultValue = "0", description = "First K images only (0 = whole split).")
  int limit;

  @Option(names = "--packing", defaultValue = "throughput",
      description = "throughput (the whole test set in one batch of slots) or latency (one image"
          + " per request; slower per set, use --limit) (default: ${DEFAULT-VALUE}).")
  String packing;

  @Option(names = "--he-threads", defaultValue = "1",
      description = "Threads inside HE operations (default: ${DEFAULT-VALUE}).")
  int heThreads;

  @Option(names = "--reports", defaultValue = "reports",
      description = "Report directory (default: ${DEFAULT-VALUE}).")
  Path reports;

  @Override
  public Integer call() throws Exception {
    Path m = model;
    if (!m.isAbsolute() && !m.toFile().exists()) {
      // run from anywhere: shipped models live under the project root
      String home = System.getProperty("privmed.home");
      if (home != null) {
        m = Path.of(home).resolve(model);
      }
    }
    EncryptedDiagnosisDemo.Result r;
    try {
      r = EncryptedDiagnosisDemo.run(new EncryptedDiagnosisDemo.Options(m, data, split, limit,
          Packing.parse(packing), heThreads, reports, System.out));
    } catch (java.io.IOException | RuntimeException e) {
      System.err.println("privmed demo: " + e.getMessage());
      return 2;
    }
    System.out.println();
    System.out.println(ConsoleTable.render(r.report()));
    System.out.printf(Locale.ROOT, "encrypted argmax agrees with plaintext on %d of %d images%n",
        r.agreement().agreeing(), r.agreement().samples());
    System.out.println("report: " + r.files().get(0) + " (+ " + (r.files().size() - 1) + " more files)");
    return 0;
  }
}
