/** Federated learning: FedAvg, differential privacy, SecAgg+, gRPC transport, simulation. */
package org.privmed.fl;
