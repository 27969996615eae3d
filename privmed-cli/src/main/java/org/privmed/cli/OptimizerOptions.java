package org.privmed.cli;

import org.privmed.nn.train.OptimizerKind;
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
}
