/**
 * Cost measurements of aggregation rounds (SecAgg+ against plain FedAvg), run by {@code privmed
 * bench secagg}: client and coordinator compute, bytes per client, and round time.
 */
package org.privmed.fl.bench;
