package org.privmed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.privmed.nn.train.Augmentation;
import org.privmed.nn.train.ClassWeighting;
import org.privmed.nn.train.EpochSelection;
import org.privmed.nn.train.LearningRateSchedule;
import org.privmed.nn.train.OptimizerKind;
import org.privmed.nn.train.TrainingConfig;
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

  private static OptimizerOptions parse(String... args) {
    Object sub = cli().parseArgs(args).subcommand().commandSpec().userObject();
    return sub instanceof TrainCommand t ? t.opt : ((CrossValidateCommand) sub).opt;
  }

  @Test
  void recipeFlagsReachTheTrainingConfig() {
    for (String command : new String[] {"train", "crossval"}) {
      TrainingConfig c = parse(command, "--model", "polycnn", "--data", "pneumoniamnist",
          "--class-weights", "balanced", "--select-by", "auroc", "--lr-schedule", "cosine",
          "--augment", "shift-flip").config(16, 3, 7, null, false);
      assertEquals(ClassWeighting.BALANCED, c.classWeighting(), command);
      assertEquals(EpochSelection.AUROC, c.selection(), command);
      assertEquals(LearningRateSchedule.COSINE, c.schedule(), command);
      assertEquals(Augmentation.SHIFT_FLIP, c.augmentation(), command);
      assertEquals(16, c.batchSize(), command);
      assertEquals(7, c.seed(), command);
    }
    TrainingConfig plain = parse("train", "--model", "polycnn", "--data", "mnist")
        .config(64, 10, 42, null, true);
    assertEquals(ClassWeighting.NONE, plain.classWeighting());
    assertEquals(EpochSelection.ACCURACY, plain.selection());
    assertEquals(LearningRateSchedule.CONSTANT, plain.schedule());
    assertEquals(Augmentation.NONE, plain.augmentation());
  }

  @Test
  void unknownAugmentationIsRefusedByName() {
    CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
        () -> parse("train", "--model", "polycnn", "--data", "mnist", "--augment", "tilt"));
    assertEquals(true, e.getMessage().contains("tilt"), e.getMessage());
  }
}
