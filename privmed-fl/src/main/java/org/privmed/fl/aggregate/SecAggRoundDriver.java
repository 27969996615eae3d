package org.privmed.fl.aggregate;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.privmed.fl.secagg.RoundParameters;
import org.privmed.fl.secagg.SecAggPlusClient;
import org.privmed.fl.secagg.SecAggPlusServer;
import org.privmed.fl.secagg.SecAggProtocolException;
import org.privmed.fl.secagg.SecAggStage;
import org.privmed.fl.secagg.proto.ClientMessage;
import org.privmed.fl.secagg.proto.ServerMessage;

/**
 * Runs one SecAgg+ round in-process: the coordinator state machine on the calling thread, each
 * client's state machine on a pool thread, messages passed as the protobuf objects the gRPC
 * transport will carry. A {@code dropouts} entry (client → stage) makes that client go silent from
 * the request of that stage on, which is how tests and the simulation inject failures. A client
 * whose message the coordinator rejects, or that rejects the coordinator's message, counts as
 * dropped, exactly as over the network.
 */
public final class SecAggRoundDriver {
    private SecAggRoundDriver() {}

    /** Bytes each client sent and received, and what each side rejected. */
    public record Outcome(org.privmed.fl.secagg.SecAggResult result, Map<Integer, Long> bytesSent,
                          Map<Integer, Long> bytesReceived, List<String> rejections) {
        /** Mean bytes sent plus received per sampled client. */
        public double meanBytesPerClient() {
            long total = 0;
            for (long b : bytesSent.values()) total += b;
            for (long b : bytesReceived.values()) total += b;
            return total / (double) bytesSent.size();
        }
    }

    public static Outcome run(RoundParameters params, Map<Integer, int[]> quantizedInputs, Map<Integer, SecAggStage> dropouts,
                              ExecutorService pool, SecureRandom random) {
        Map<Integer, SecAggPlusClient> clients = new TreeMap<>();
        for (int id : params.clientIds()) {
            int[] input = quantizedInputs.get(id);
            if (input == null) throw new IllegalArgumentException("no input for client " + id);
            clients.put(id, new SecAggPlusClient(id, input, random));
        }
        Map<Integer, AtomicLong> sent = new TreeMap<>();
        Map<Integer, AtomicLong> received = new TreeMap<>();
        for (int id : clients.keySet()) {
            sent.put(id, new AtomicLong());
            received.put(id, new AtomicLong());
        }
        List<String> rejections = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Boolean> silent = new ConcurrentHashMap<>();
        SecAggPlusServer server = new SecAggPlusServer(params);
        Map<Integer, ServerMessage> outgoing = server.start();
        while (!outgoing.isEmpty()) {
            SecAggStage stage = server.stage();
            List<Future<ClientMessage>> replies = new ArrayList<>();
            for (Map.Entry<Integer, ServerMessage> e : outgoing.entrySet()) {
                int id = e.getKey();
                ServerMessage msg = e.getValue();
                received.get(id).addAndGet(msg.getSerializedSize());
                SecAggStage dropAt = dropouts.get(id);
                if (silent.containsKey(id) || (dropAt != null && dropAt.compareTo(stage) <= 0)) {
                    silent.put(id, Boolean.TRUE);
                    continue;
                }
                replies.add(pool.submit(() -> {
                    try {
                        return clients.get(id).handle(msg);
                    } catch (SecAggProtocolException ex) {
                        rejections.add("client " + id + " at " + stage + ": " + ex.getMessage());
                        silent.put(id, Boolean.TRUE);
                        return null;
                    }
                }));
            }
            for (Future<ClientMessage> f : replies) {
                ClientMessage reply = join(f);
                if (reply == null) continue;
                sent.get(reply.getClientId()).addAndGet(reply.getSerializedSize());
                try {
                    server.receive(reply);
                } catch (SecAggProtocolException ex) {
                    rejections.add("coordinator at " + stage + ": " + ex.getMessage());
                }
            }
            outgoing = server.advance();
        }
        Map<Integer, Long> s = new TreeMap<>();
        Map<Integer, Long> r = new TreeMap<>();
        sent.forEach((k, v) -> s.put(k, v.get()));
        received.forEach((k, v) -> r.put(k, v.get()));
        return new Outcome(server.result(), s, r, List.copyOf(rejections));
    }

    private static ClientMessage join(Future<ClientMessage> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a client", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("client task failed: " + e.getCause(), e.getCause());
        }
    }
}
