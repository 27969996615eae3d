package org.privmed.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code privmed bench …}: the benchmark runners whose figures docs/performance.md quotes. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run benchmarks (medians over repeated runs).",
    subcommands = {BenchHeCommand.class, BenchInferCommand.class, BenchSecAggCommand.class})
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
