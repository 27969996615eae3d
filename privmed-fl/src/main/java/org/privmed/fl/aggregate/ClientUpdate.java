package org.privmed.fl.aggregate;

/**
 * One client's contribution to a round: its model update (new − old parameters, flattened) and
 * the number of training examples behind it.
 */
public record ClientUpdate(int clientId, float[] delta, long numExamples) {
    public ClientUpdate {
        if (delta == null) throw new IllegalArgumentException("client " + clientId + ": delta must be non-null");
        if (numExamples < 1) throw new IllegalArgumentException("client " + clientId + ": numExamples must be >= 1, got " + numExamples);
    }
}
