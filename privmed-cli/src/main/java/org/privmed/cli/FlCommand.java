package org.privmed.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code privmed fl}: federated learning (simulation now; coordinator and client over gRPC to come). */
@Command(name = "fl", mixinStandardHelpOptions = true,
    description = "Federated learning with differential privacy and SecAgg+.",
    subcommands = {FlSimulateCommand.class})
final class FlCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
