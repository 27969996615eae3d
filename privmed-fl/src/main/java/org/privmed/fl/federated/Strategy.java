package org.privmed.fl.federated;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.Map;
import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.aggregate.SecAggRelay;
import org.privmed.fl.aggregate.SecAggTally;

/**
 * The coordinator's policy, kept apart from transport and from the secure-aggregation workflow
 * (Flower's Strategy: configure_fit / aggregate_fit): which clients take part in a round, and
 * how their updates become one global update.
 */
public interface Strategy {

    /** The clients sampled for {@code round} out of {@code available} (sorted ids). */
    int[] configure(int round, int[] available);

    /** The global update from the clients that finished; throws if the round must be abandoned. */
    Aggregate aggregate(int round, List<ClientUpdate> updates, ExecutorService pool);

    /**
     * The global update through SecAgg+ from clients that keep their updates to themselves and
     * answer the protocol through {@code peers}; {@code dimension} is the update length.
     *
     * @throws org.privmed.fl.secagg.SecAggAbortedException when too few clients remain: no aggregate
     */
    Aggregate aggregateSecurely(int round, Map<Integer, ? extends SecAggRelay> peers, int dimension);

    /** The aggregated update, who is in it, aggregation bytes per client, and the SecAgg+ stage counts (null for plain). */
    record Aggregate(float[] delta, int[] contributors, double bytesPerClient, SecAggTally secAgg) {}
}
