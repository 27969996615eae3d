package org.privmed.cli;

import java.util.Locale;
import org.privmed.nn.train.Augmentation;
import org.privmed.nn.train.ClassWeighting;
import org.privmed.nn.train.EpochSelection;
import org.privmed.nn.train.LearningRateSchedule;
import org.privmed.nn.train.NoiseAwareOptions;
import org.privmed.nn.train.OptimizerKind;
import org.privmed.nn.train.TrainingConfig;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The optimiser options every training command shares ({@code train}, {@code crossval}), mixed in
 * with picocli's {@code @Mixin} so that one flag means the same thing, with the same default,
 * everywhere. Epochs and batch size stay with each command: their sensible defaults differ.
 */
final class OptimizerOptions {

  @Option(names = "--optimizer", defaultValue = "adam",
      description = "adam or sgd (default: ${DEFAULT-VALUE}).")
  OptimizerKind optimizer;

  @Option(names = "--lr", defaultValue = "0.001",
      description = "Learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--momentum", defaultValue = "0.9",
      description = "SGD momentum (default: ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--weight-decay", defaultValue = "0",
      description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--threads", defaultValue = "1",
      description = "PyTorch threads; results are reproducible for a fixed seed and thread count"
          + " (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--width", defaultValue = "0",
      description = "Base channel count of the zoo model (dpresnet, reacthe-*, cryptonets-all,"
          + " polycnn; 0 = model default).")
  int width;

  @Option(names = "--class-weights", defaultValue = "none",
      description = "none or balanced: weight each class's loss by n / (classes x n_class)"
          + " (default: ${DEFAULT-VALUE}).")
  ClassWeighting classWeights;

  @Option(names = "--select-by", defaultValue = "accuracy",
      description = "Validation figure that picks the kept epoch (accuracy, auroc or loss), or average:"
          + " keep the mean of the weights of the last quarter of the epochs (SWA; no BatchNorm)"
          + " (default: ${DEFAULT-VALUE}).")
  EpochSelection selectBy;

  @Option(names = "--lr-schedule", defaultValue = "constant",
      description = "constant, cosine (annealed to 0 over all steps) or step (x0.1 at 50%% and again at 75%%"
          + " of the steps, the MedMNIST v2 protocol) (default: ${DEFAULT-VALUE}).")
  LearningRateSchedule schedule;

  @Option(names = "--augment", defaultValue = "none", converter = AugmentationConverter.class,
      description = "Random training-image changes: none, shift (up to 2 pixels) or shift-flip"
          + " (plus left-right mirroring) (default: ${DEFAULT-VALUE}).")
  Augmentation augment;

  /** The training settings these flags give, with the command's own batch size, epochs and seed. */
  TrainingConfig config(int batchSize, int epochs, long seed, NoiseAwareOptions noiseAware,
      boolean progress) {
    return new TrainingConfig(optimizer, learningRate, momentum, weightDecay, batchSize, epochs,
        seed, threads, noiseAware, true, progress, classWeights, selectBy, schedule, augment);
  }

  /** Accepts the flag's spelling with a hyphen ({@code shift-flip}) for the enum's underscore. */
  static final class AugmentationConverter implements ITypeConverter<Augmentation> {
    @Override
    public Augmentation convert(String value) {
      try {
        return Augmentation.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException("unknown augmentation '" + value
            + "' (expected none, shift or shift-flip)");
      }
    }
  }
}
