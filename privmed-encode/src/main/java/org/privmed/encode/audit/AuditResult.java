package org.privmed.encode.audit;

import java.util.List;
import org.privmed.encode.neuracrypt.EncoderConfig;

/**
 * One audit: how many of {@code candidates} encoded images the attack re-identified (top-1).
 *
 * @param config the encoder attacked
 * @param candidates size of the candidate set (= number of encoded images)
 * @param reidentified encoded images whose guess was the true plaintext
 * @param positionsRecovered for shuffled encoders, the fraction of encoded patches the attack put
 *     back in a consistent position class (1 when there is no shuffle to undo)
 * @param stages the attack's stages, in order
 * @param correctAfterStage re-identifications after each stage (the boosting curve)
 */
public record AuditResult(EncoderConfig config, int candidates, int reidentified,
    double positionsRecovered, List<String> stages, List<Integer> correctAfterStage) {

  public AuditResult {
    stages = List.copyOf(stages);
    correctAfterStage = List.copyOf(correctAfterStage);
    if (candidates <= 0 || reidentified < 0 || reidentified > candidates) {
      throw new IllegalArgumentException("reidentified " + reidentified + " of " + candidates
          + " candidates is impossible");
    }
  }

  /** Top-1 re-identification accuracy, reidentified / candidates. */
  public double accuracy() {
    return (double) reidentified / candidates;
  }
}
