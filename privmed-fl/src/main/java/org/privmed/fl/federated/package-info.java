/**
 * Federated training end to end, independent of transport: {@link org.privmed.fl.federated.FederatedTrainer}
 * (coordinator round loop), {@link org.privmed.fl.federated.Strategy} / {@link org.privmed.fl.federated.FedAvgStrategy}
 * (sampling and aggregation), {@link org.privmed.fl.federated.FederatedClient} (local training through
 * privmed-nn), {@link org.privmed.fl.federated.ClientMods} (clipping, local noise),
 * {@link org.privmed.fl.federated.CoordinatorStore} (durable, atomic checkpoints) and
 * {@link org.privmed.fl.federated.ModelVector} (model ⇄ flat vector).
 */
package org.privmed.fl.federated;
