package org.privmed.nn.train;

import java.util.List;
import org.privmed.nn.model.Model;

/**
 * The outcome of {@link ModelTrainer#train}.
 *
 * @param model the kept weights (those of the best epoch by the configured validation figure, the
 *     last epoch without a validation set, or the tail average of {@link EpochSelection#AVERAGE}),
 *     with training metadata
 * @param history one entry per epoch
 * @param bestEpoch 1-based epoch whose weights {@code model} holds; for an average, its last epoch
 * @param averagedFrom first epoch of the average, or 0 when one epoch's weights are kept
 * @param kept validation figures of {@code model} (for one epoch, that epoch's history entry)
 */
public record TrainingResult(Model model, List<EpochMetrics> history, int bestEpoch,
    int averagedFrom, EpochMetrics kept) {
  public TrainingResult {
    history = List.copyOf(history);
  }

  /** The weights of one epoch. */
  public TrainingResult(Model model, List<EpochMetrics> history, int bestEpoch) {
    this(model, history, bestEpoch, 0, history.get(bestEpoch - 1));
  }

  /** How the kept weights were chosen, for a log line: "epoch 12" or "average of epochs 46-60". */
  public String keptDescription() {
    return averagedFrom == 0 ? "best epoch " + bestEpoch
        : "average of the weights of epochs " + averagedFrom + "-" + bestEpoch;
  }
}
