package org.privmed.nn.train;

import java.util.List;
import org.privmed.nn.model.Model;

/**
 * The outcome of {@link ModelTrainer#train}.
 *
 * @param model the weights of the best epoch (by validation accuracy, ties to lower validation
 *     loss; the last epoch without a validation set), with training metadata
 * @param history one entry per epoch
 * @param bestEpoch 1-based epoch whose weights {@code model} holds
 */
public record TrainingResult(Model model, List<EpochMetrics> history, int bestEpoch) {
  public TrainingResult {
    history = List.copyOf(history);
  }
}
