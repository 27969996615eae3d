package org.privmed.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.privmed.bench.he.BfvOpsBenchmark;
import org.privmed.bench.he.HeBenchReport;
import org.privmed.bench.he.HeOpsBenchmark;
import org.privmed.bench.timing.RepeatedTimer;
import org.privmed.he.bfv.BfvParameters;
import org.privmed.he.ckks.CkksParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code privmed bench he}: per-operation CKKS or BFV timings at the sets SEAL was measured with. */
@Command(name = "he", mixinStandardHelpOptions = true,
    description = {"Time every CKKS operation (median and min of repeated runs) at parameter sets",
        "A (N=8192, q={60,40,40|60}) and B (N=16384, q={60,40x6|60}), scale 2^40, or with",
        "--scheme bfv every BFV operation at N=8192, q={43,43,44,44|44}, 20-bit t,",
        "beside Microsoft SEAL 4.4.3's medians on this machine."})
final class BenchHeCommand implements Callable<Integer> {

  enum ParamSet { A, B, ALL }

  enum Scheme { CKKS, BFV }

  @Option(names = "--scheme", defaultValue = "CKKS",
      description = "ckks (sets A and B) or bfv (SEAL's BFV set) (default ${DEFAULT-VALUE}).")
  Scheme scheme;

  @Option(names = "--json", description = "Print one JSON object on stdout instead of the table.")
  boolean json;

  @Option(names = "--threads", defaultValue = "1", description = "Threads over RNS limbs (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--reps", defaultValue = "31", description = "Timed repetitions per op (default ${DEFAULT-VALUE}).")
  int reps;

  @Option(names = "--warmup-ms", defaultValue = "1500", description = "Warm-up time per op in ms (default ${DEFAULT-VALUE}).")
  long warmupMs;

  @Option(names = "--set", defaultValue = "ALL", description = "CKKS parameter set: A, B or ALL (default ${DEFAULT-VALUE}; ignored with --scheme bfv).")
  ParamSet set;

  @Override
  public Integer call() {
    HeOpsBenchmark bench = new HeOpsBenchmark(new RepeatedTimer(5, warmupMs, reps), threads);
    List<HeOpsBenchmark.Result> results = new ArrayList<>();
    // Progress goes to stderr so that --json keeps stdout to exactly one JSON object.
    HeOpsBenchmark.Progress progress = (name, t) -> System.err.printf(Locale.ROOT,
        "[bench he] set %s  %-20s median %9.3f ms  (%d reps)%n", name, t.op(), t.medianMs(), t.reps());
    if (scheme == Scheme.BFV) {
      BfvOpsBenchmark bfv = new BfvOpsBenchmark(new RepeatedTimer(5, warmupMs, reps), threads);
      results.add(bfv.run(BfvParameters.presetSeal(), progress));
    } else if (set == ParamSet.A || set == ParamSet.ALL) {
      results.add(bench.run("A", CkksParameters.presetA(), progress));
    }
    if (scheme == Scheme.CKKS && (set == ParamSet.B || set == ParamSet.ALL)) {
      results.add(bench.run("B", CkksParameters.presetB(), progress));
    }
    System.out.print(json ? HeBenchReport.json(results) + System.lineSeparator()
        : HeBenchReport.table(results));
    return 0;
  }
}
