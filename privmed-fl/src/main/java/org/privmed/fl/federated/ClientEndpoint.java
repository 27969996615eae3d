package org.privmed.fl.federated;

import org.privmed.nn.model.Model;

/**
 * How the coordinator reaches one client for a round: in process ({@link FederatedClient}) or
 * over the network (a stub that hands the task to a remote {@code FederatedClient} and waits for
 * its update). Either way the update returned is already clipped and, in LOCAL mode, noised.
 */
public interface ClientEndpoint {
    int clientId();

    /** Training examples behind this client's updates (its FedAvg weight before the cap). */
    long numExamples();

    /** Local training from {@code global} for {@code round}, then the client's privacy mods. */
    FederatedClient.LocalResult fit(Model global, int round, FederatedSettings settings, double noiseMultiplier) throws Exception;
}
