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
 */
public record RoundRecord(int round, int sampled, int finished, int dropped, double trainLoss, double validationLoss,
                          double validationAccuracy, double epsilon, long millis, double bytesPerClient) {}
