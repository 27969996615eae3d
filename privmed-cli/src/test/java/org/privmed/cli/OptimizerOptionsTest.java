package org.privmed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.privmed.nn.train.OptimizerKind;
import picocli.CommandLine;

/** The shared optimiser flags parse the same way in every training command. */
class OptimizerOptionsTest {

  private static CommandLine cli() {
    return new CommandLine(new PrivMed()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Test
  void trainAndCrossvalReadTheSameFlags() {
    for (String command : new String[] {"train", "crossval"}) {
      CommandLine.ParseResult parsed = cli().parseArgs(command, "--model", "polycnn", "--data",
          "breastmnist", "--optimizer", "SGD", "--lr", "0.05", "--weight-decay", "1e-4",
          "--threads", "2", "--width", "8");
      Object sub = parsed.subcommand().commandSpec().userObject();
      OptimizerOptions opt = sub instanceof TrainCommand t ? t.opt : ((CrossValidateCommand) sub).opt;
      assertEquals(OptimizerKind.SGD, opt.optimizer, command);
      assertEquals(0.05, opt.learningRate, command);
      assertEquals(1e-4, opt.weightDecay, command);
      assertEquals(2, opt.threads, command);
      assertEquals(8, opt.width, command);
      assertEquals(0.9, opt.momentum, command);
    }
  }

  @Test
  void unknownOptimizerIsRefusedByName() {
    CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
        () -> cli().parseArgs("train", "--model", "polycnn", "--data", "mnist", "--optimizer", "lion"));
    assertEquals(true, e.getMessage().contains("lion"), e.getMessage());
  }
}
