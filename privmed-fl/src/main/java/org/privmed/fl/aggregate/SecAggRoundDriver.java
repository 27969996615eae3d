package org.privmed.fl.aggregate;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.privmed.fl.secagg.RoundParameters;
import org.privmed.fl.secagg.SecAggPlusClient;
import org.privmed.fl.secagg.SecAggPlusServer;
import org.privmed.fl.secagg.SecAggProtocolException;
import org.privmed.fl.secagg.SecAggResult;
import org.privmed.fl.secagg.SecAggStage;
import org.privmed.fl.secagg.proto.ClientMessage;
import org.privmed.fl.secagg.proto.ServerMessage;

/**
 * Runs one SecAgg+ round: the coordinator state machine on the calling thread, each client's state
 * machine behind a {@link SecAggRelay} — a pool task in the simulation, a gRPC peer in {@code fl
 * server}. Each stage sends every request, then waits for replies until the stage deadline; a
 * client that has not answered by then, that refused the request, or whose reply the coordinator
 * rejects, is left out of the following stages, exactly the dropout model of Bell et al. 2020.
 * Whatever the outcome, every relay is told that the round ended.
 */
public final class SecAggRoundDriver {
    private SecAggRoundDriver() {}

    /**
     * Bytes each client sent and received, what each side rejected, and the CPU time of each
     * coordinator's unmasking threads ({@link SecAggPlusServer#unmaskPoolCpu()}).
     */
    public record Outcome(SecAggResult result, Map<Integer, Long> bytesSent, Map<Integer, Long> bytesReceived, List<String> rejections,
                          SecAggPlusServer.PoolCpu unmaskPoolCpu) {
        /** Mean bytes sent plus received per sampled client. */
        public double meanBytesPerClient() {
            long total = 0;
            for (long b : bytesSent.values()) total += b;
            for (long b : bytesReceived.values()) total += b;
            return total / (double) bytesSent.size();
        }
    }

    /**
     * In process: one {@link SecAggPlusClient} per input on the pool. A {@code dropouts} entry
     * (client → stage) makes that client go silent from that stage's request on, which is how tests
     * and benchmarks inject failures.
     */
    public static Outcome run(RoundParameters params, Map<Integer, int[]> quantizedInputs, Map<Integer, SecAggStage> dropouts,
                              ExecutorService pool, SecureRandom random) {
        return run(params, quantizedInputs, dropouts, pool, random, Runtime.getRuntime().availableProcessors());
    }

    /** As {@link #run(RoundParameters, Map, Map, ExecutorService, SecureRandom)}, unmasking on {@code unmaskThreads} threads. */
    public static Outcome run(RoundParameters params, Map<Integer, int[]> quantizedInputs, Map<Integer, SecAggStage> dropouts,
                              ExecutorService pool, SecureRandom random, int unmaskThreads) {
        Map<Integer, SecAggRelay> relays = new TreeMap<>();
        for (int id : params.clientIds()) {
            int[] input = quantizedInputs.get(id);
            if (input == null) throw new IllegalArgumentException("no input for client " + id);
            relays.put(id, new InProcessRelay(new SecAggPlusClient(id, input, random), dropouts.get(id), pool));
        }
        return run(params, relays, Long.MAX_VALUE, unmaskThreads);
    }

    /**
     * Over any relays, one per sampled client.
     *
     * @param stageTimeoutMillis how long each stage waits for replies
     * @throws org.privmed.fl.secagg.SecAggAbortedException when too few clients remain at a stage
     */
    public static Outcome run(RoundParameters params, Map<Integer, ? extends SecAggRelay> relays, long stageTimeoutMillis) {
        return run(params, relays, stageTimeoutMillis, Runtime.getRuntime().availableProcessors());
    }

    /**
     * As {@link #run(RoundParameters, Map, long)}, the coordinator unmasking on {@code unmaskThreads}
     * threads (the sum does not depend on it).
     */
    public static Outcome run(RoundParameters params, Map<Integer, ? extends SecAggRelay> relays, long stageTimeoutMillis,
                              int unmaskThreads) {
        Map<Integer, Long> sent = new TreeMap<>();
        Map<Integer, Long> received = new TreeMap<>();
        for (int id : params.clientIds()) {
            if (!relays.containsKey(id)) throw new IllegalArgumentException("no relay for client " + id);
            sent.put(id, 0L);
            received.put(id, 0L);
        }
        List<String> rejections = new ArrayList<>();
        SecAggPlusServer server = new SecAggPlusServer(params, unmaskThreads);
        String outcome = "aborted";
        try {
            Map<Integer, ServerMessage> outgoing = server.start();
            while (!outgoing.isEmpty()) {
                SecAggStage stage = server.stage();
                Map<Integer, CompletableFuture<ClientMessage>> replies = new LinkedHashMap<>();
                for (Map.Entry<Integer, ServerMessage> e : outgoing.entrySet()) {
                    received.merge(e.getKey(), (long) e.getValue().getSerializedSize(), Long::sum);
                    replies.put(e.getKey(), relays.get(e.getKey()).deliver(e.getValue()));
                }
                long deadline = stageTimeoutMillis == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() / 1_000_000 + stageTimeoutMillis;
                for (var it = replies.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<Integer, CompletableFuture<ClientMessage>> e = it.next();
                    ClientMessage reply = await(e.getKey(), stage, e.getValue(), deadline, rejections);
                    // Masked inputs are vector-sized: let each go once it is in the running sum.
                    it.remove();
                    if (reply == null) continue;
                    sent.merge(e.getKey(), (long) reply.getSerializedSize(), Long::sum);
                    try {
                        if (reply.getClientId() != e.getKey()) {
                            throw new SecAggProtocolException("reply relayed for client " + e.getKey() + " claims sender " + reply.getClientId());
                        }
                        server.receive(reply);
                    } catch (SecAggProtocolException ex) {
                        rejections.add("coordinator at " + stage + ": " + ex.getMessage());
                    }
                }
                outgoing = server.advance();
            }
            outcome = "completed";
            return new Outcome(server.result(), sent, received, List.copyOf(rejections), server.unmaskPoolCpu());
        } finally {
            for (SecAggRelay r : relays.values()) r.end(outcome);
        }
    }

    /** The reply, or null when the client refused or stayed silent past the deadline. */
    private static ClientMessage await(int id, SecAggStage stage, CompletableFuture<ClientMessage> f, long deadlineMillis, List<String> rejections) {
        try {
            if (deadlineMillis == Long.MAX_VALUE) return f.get();
            return f.get(Math.max(0, deadlineMillis - System.nanoTime() / 1_000_000), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(false);
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Silent) return null;
            rejections.add("client " + id + " at " + stage + ": " + e.getCause().getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for client " + id, e);
        }
    }

    /** An injected dropout: the client says nothing, which is not a rejection. */
    private static final class Silent extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Silent() {
            super(null, null, false, false);
        }
    }

    /** A client state machine in this process; silent from {@code dropAt} on (null: never). */
    private static final class InProcessRelay implements SecAggRelay {
        private final SecAggPlusClient client;
        private final SecAggStage dropAt;
        private final ExecutorService pool;

        InProcessRelay(SecAggPlusClient client, SecAggStage dropAt, ExecutorService pool) {
            this.client = client;
            this.dropAt = dropAt;
            this.pool = pool;
        }

        @Override
        public int clientId() { return client.clientId(); }

        @Override
        public CompletableFuture<ClientMessage> deliver(ServerMessage request) {
            if (dropAt != null && dropAt.compareTo(SecAggStage.of(request)) <= 0) {
                // Silent: fail at once rather than make the driver sit out a deadline in process.
                return CompletableFuture.failedFuture(new Silent());
            }
            return CompletableFuture.supplyAsync(() -> client.handle(request), pool);
        }
    }
}
