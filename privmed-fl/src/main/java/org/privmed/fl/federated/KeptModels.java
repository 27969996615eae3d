package org.privmed.fl.federated;

import org.privmed.nn.model.Model;

/**
 * The global models a coordinator keeps besides the latest one, so that a run can report the
 * model chosen the way central training chooses its epoch ({@code EpochSelection}): the round
 * with the best validation accuracy, or the average of the last rounds' weights. Both are
 * post-processing of released aggregates and of the coordinator's own validation set, so neither
 * spends any privacy.
 *
 * @param bestRound the round whose global model scored the best validation accuracy, 0 for none
 * @param best that model, null when {@code bestRound} is 0
 * @param averageFirst the first round in {@code averageSum}, 0 when nothing is summed yet
 * @param averagedRounds how many consecutive rounds from {@code averageFirst} are summed
 * @param averageSum a model whose weights are the float32 sum of those rounds' global weights
 *     (a sum, not a mean, so that a resumed run adds to it bit for bit); null when none
 */
public record KeptModels(int bestRound, Model best, int averageFirst, int averagedRounds, Model averageSum) {
    /** Nothing kept. */
    public static final KeptModels NONE = new KeptModels(0, null, 0, 0, null);

    public KeptModels {
        if (bestRound < 0 || (bestRound == 0) != (best == null)) {
            throw new IllegalArgumentException("best round " + bestRound + " with " + (best == null ? "no" : "a") + " model");
        }
        if (averageFirst < 0 || averagedRounds < 0 || (averagedRounds == 0) != (averageSum == null)
                || (averagedRounds == 0) != (averageFirst == 0)) {
            throw new IllegalArgumentException("average of " + averagedRounds + " rounds from round " + averageFirst + " with "
                    + (averageSum == null ? "no" : "a") + " sum");
        }
    }

    /**
     * The first round of the weight average for a run of {@code rounds}: the last quarter of the
     * rounds, at least one — the window central training averages its epochs over.
     */
    public static int averageFrom(int rounds) {
        return rounds - Math.max(1, rounds / 4) + 1;
    }

    /** The last round the average covers, 0 when none. */
    public int averageLast() {
        return averagedRounds == 0 ? 0 : averageFirst + averagedRounds - 1;
    }

    /** These models with round {@code round}'s global model taken as the best. */
    KeptModels withBest(int round, Model global) {
        return new KeptModels(round, global, averageFirst, averagedRounds, averageSum);
    }

    /** These models with round {@code round}'s global weights added to the sum (the first one starts it). */
    KeptModels plusAveraged(int round, Model global) {
        if (averagedRounds == 0) return new KeptModels(bestRound, best, round, 1, global);
        if (round != averageLast() + 1) {
            throw new IllegalStateException("the average covers rounds " + averageFirst + "-" + averageLast() + ", cannot add round " + round);
        }
        float[] sum = ModelVector.add(ModelVector.flatten(averageSum), ModelVector.flatten(global));
        return new KeptModels(bestRound, best, averageFirst, averagedRounds + 1, ModelVector.unflatten(averageSum, sum));
    }

    /** These models without the average (it restarts from the next round added). */
    KeptModels withoutAverage() {
        return new KeptModels(bestRound, best, 0, 0, null);
    }

    /** The equal-weight average of the summed rounds' weights, or null when none. */
    public Model average() {
        if (averagedRounds == 0) return null;
        float[] sum = ModelVector.flatten(averageSum);
        float[] mean = new float[sum.length];
        for (int i = 0; i < sum.length; i++) mean[i] = sum[i] / averagedRounds;
        return ModelVector.unflatten(averageSum, mean);
    }
}
