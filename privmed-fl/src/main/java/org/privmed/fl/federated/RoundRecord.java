package org.privmed.fl.federated;

/**
 * What one completed round produced, as printed and checkpointed.
 *
 * @param round 1-based round number
 * @param sampled clients asked to train
 * @param finished clients whose update is in the aggregate
 * @param dropped sampled clients that failed or whose update was left out
 * @param trainLoss mean local training loss of the finished clients (last local epoch)
 * @param validationLoss cross-entropy of the new global model on the validation set
 * @param validationAccuracy accuracy of the new global model on the validation set
 * @param epsilon ε spent after this round at the run's δ (0 without DP)
 * @param millis wall time of the round
 * @param bytesPerClient aggregation bytes per sampled client
 * @param sampleEpsilon for each hospital that trained by DP-SGD this round, its sample-level ε after
 *     the round as it reported it (empty without DP-SGD; null in checkpoints written before it existed)
 * @param secAgg who answered each SecAgg+ stage and who was silenced on purpose (null without SecAgg+,
 *     and in checkpoints written before it existed)
 */
public record RoundRecord(int round, int sampled, int finished, int dropped, double trainLoss, double validationLoss,
                          double validationAccuracy, double epsilon, long millis, double bytesPerClient,
                          java.util.SortedMap<Integer, Double> sampleEpsilon, org.privmed.fl.aggregate.SecAggTally secAgg) {
    /** {@link #sampleEpsilon}, empty instead of null. */
    public java.util.SortedMap<Integer, Double> hospitalEpsilon() {
        return sampleEpsilon == null ? new java.util.TreeMap<>() : sampleEpsilon;
    }
}
