package org.privmed.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code privmed fl}: federated learning (simulation, coordinator and hospital client over gRPC). */
@Command(name = "fl", mixinStandardHelpOptions = true,
    description = "Federated learning with differential privacy and SecAgg+.",
    subcommands = {FlSimulateCommand.class, FlServerCommand.class, FlClientCommand.class})
final class FlCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
