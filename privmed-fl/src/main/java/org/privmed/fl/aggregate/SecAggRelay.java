package org.privmed.fl.aggregate;

import java.util.concurrent.CompletableFuture;
import org.privmed.fl.secagg.proto.ClientMessage;
import org.privmed.fl.secagg.proto.ServerMessage;

/**
 * How the coordinator's SecAgg+ state machine reaches one client's state machine: in the same
 * process (a pool task) or over gRPC (a message the client pulls). {@link SecAggRoundDriver}
 * drives either the same way, so the simulation and the networked coordinator run one protocol
 * code path.
 */
public interface SecAggRelay {
    int clientId();

    /**
     * Hands {@code request} to the client. The future completes with its reply; exceptionally when
     * the client refused the request; never when the client vanished (the driver's stage deadline
     * then counts it as dropped).
     */
    CompletableFuture<ClientMessage> deliver(ServerMessage request);

    /** How long the driver waits for this client's reply to one request. */
    default long replyTimeoutMillis() { return Long.MAX_VALUE; }

    /** The round is over for this client (completed or aborted); {@code outcome} says which. */
    default void end(String outcome) {}
}
