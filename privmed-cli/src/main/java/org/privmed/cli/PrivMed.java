package org.privmed.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code privmed} command: parses arguments and hands each subcommand to its module. */
@Command(
    name = "privmed",
    mixinStandardHelpOptions = true,
    version = "privmed 0.1.0",
    description = "Machine learning on patient data without exposing it.",
    subcommands = {BenchCommand.class, TrainCommand.class, EvaluateCommand.class, CrossValidateCommand.class, CompileCommand.class, DataCommand.class, EncodeCommand.class, ServeCommand.class, KeygenCommand.class, PredictCommand.class, DemoCommand.class, ReportInferCommand.class, FlCommand.class, CommandLine.HelpCommand.class})
public final class PrivMed implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    int code = new CommandLine(new PrivMed()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.exit(code);
  }
}
