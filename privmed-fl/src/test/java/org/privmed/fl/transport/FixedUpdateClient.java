package org.privmed.fl.transport;

import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.federated.ClientEndpoint;
import org.privmed.fl.federated.FederatedClient;
import org.privmed.fl.federated.FederatedSettings;
import org.privmed.fl.federated.ModelVector;
import org.privmed.nn.model.Model;

/**
 * A hospital whose local work yields a fixed update of ±1 entries instead of training. ±1 lies
 * exactly on the SecAgg+ quantizer's grid ends (range 1), so the securely aggregated mean must
 * equal the plain FedAvg mean bit for bit: any masking or unmasking error shows.
 */
public final class FixedUpdateClient implements ClientEndpoint {
    /** At or above the default example cap, so every client's FedAvg weight is exactly 1 after scaling. */
    public static final long EXAMPLES = 10_000;

    private final int clientId;

    public FixedUpdateClient(int clientId) {
        this.clientId = clientId;
    }

    @Override
    public int clientId() { return clientId; }

    @Override
    public long numExamples() { return EXAMPLES; }

    @Override
    public FederatedClient.LocalResult fit(Model global, int round, FederatedSettings s, double noiseMultiplier) {
        return new FederatedClient.LocalResult(update(ModelVector.size(global), round), 0.5);
    }

    public ClientUpdate update(int dimension, int round) {
        float[] delta = new float[dimension];
        for (int i = 0; i < dimension; i++) delta[i] = ((i * 7 + clientId * 3 + round) % 5) < 2 ? 1f : -1f;
        return new ClientUpdate(clientId, delta, EXAMPLES);
    }
}
