/**
 * Aggregation of client updates: FedAvg weighted by (capped) example counts, and the in-process
 * driver that runs a SecAgg+ round with clients on a thread pool — the core of the simulation,
 * using the very same client and coordinator state machines as the networked deployment.
 */
package org.privmed.fl.aggregate;
