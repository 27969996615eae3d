package org.privmed.encode.audit;

import java.util.List;

/**
 * What the attacker concludes: for encoded image {@code i}, the candidate plaintext
 * {@code guess[i]} it believes produced it, and how sure it is.
 *
 * @param guess one candidate index per encoded image (a permutation when counts are equal)
 * @param confidence per encoded image, the margin of the chosen candidate over the runner-up
 * @param rounds the guess after each stage (seed, then each boosting round), for reports that show
 *     how the attack converges
 * @param stageNames one name per entry of {@code rounds}
 */
public record Reidentification(int[] guess, double[] confidence, List<int[]> rounds,
    List<String> stageNames) {

  public Reidentification {
    guess = guess.clone();
    confidence = confidence.clone();
    rounds = rounds.stream().map(int[]::clone).toList();
    stageNames = List.copyOf(stageNames);
    if (guess.length != confidence.length) {
      throw new IllegalArgumentException(guess.length + " guesses but " + confidence.length
          + " confidences");
    }
    if (rounds.size() != stageNames.size()) {
      throw new IllegalArgumentException(rounds.size() + " rounds but " + stageNames.size()
          + " stage names");
    }
  }

  @Override
  public int[] guess() {
    return guess.clone();
  }

  @Override
  public double[] confidence() {
    return confidence.clone();
  }

  /** How many guesses equal {@code truth} (the auditor's answer key). */
  public static int correct(int[] guess, int[] truth) {
    if (guess.length != truth.length) {
      throw new IllegalArgumentException(guess.length + " guesses but " + truth.length
          + " true answers");
    }
    int c = 0;
    for (int i = 0; i < guess.length; i++) {
      if (guess[i] == truth[i]) {
        c++;
      }
    }
    return c;
  }
}
