/** Federated partitions of a dataset among clients (IID, Dirichlet label skew, per-class shards) and their table. */
package org.privmed.data.partition;
