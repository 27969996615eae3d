package org.privmed.fl.transport;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.aggregate.SecAggRelay;
import org.privmed.fl.federated.ClientEndpoint;
import org.privmed.fl.federated.FedAvgStrategy;
import org.privmed.fl.federated.FederatedClient;
import org.privmed.fl.federated.FederatedSettings;
import org.privmed.fl.federated.ModelVector;
import org.privmed.fl.secagg.SecAggProtocolException;
import org.privmed.fl.secagg.SecAggStage;
import org.privmed.fl.secagg.StochasticQuantizer;
import org.privmed.fl.secagg.proto.ClientMessage;
import org.privmed.fl.secagg.proto.ServerMessage;
import org.privmed.fl.transport.proto.SecAggDelivery;
import org.privmed.fl.transport.proto.Task;
import org.privmed.fl.transport.proto.Update;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;

/**
 * The coordinator's stand-in for a hospital connected over gRPC: {@link #fit} queues a task for
 * the client to pull and waits for its update; a client that does not answer within the round
 * timeout counts as dropped for that round. Under SecAgg+ the client keeps its update and this
 * object is its {@link SecAggRelay}: protocol requests wait in a queue the client pulls, and its
 * replies complete the pending request — the coordinator passes messages on and never sees the
 * update itself.
 */
final class RemoteClient implements ClientEndpoint, SecAggRelay {
    private final int clientId;
    private final long numExamples;
    private final long roundTimeoutMillis;
    private final BlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    private final BlockingQueue<SecAggDelivery> secAggInbox = new LinkedBlockingQueue<>();
    private volatile int expectedRound = -1;
    private volatile int expectedLength = -1;
    private volatile boolean expectSecAgg;
    private volatile CompletableFuture<FederatedClient.LocalResult> pending = new CompletableFuture<>();
    private volatile PendingReply pendingReply;
    private volatile int secAggRound = -1;

    /** A SecAgg+ request sent to the client and the future its reply completes. */
    private record PendingReply(ServerMessage request, CompletableFuture<ClientMessage> reply) {}

    RemoteClient(int clientId, long numExamples, long roundTimeoutMillis) {
        this.clientId = clientId;
        this.numExamples = numExamples;
        this.roundTimeoutMillis = roundTimeoutMillis;
    }

    @Override
    public int clientId() { return clientId; }

    @Override
    public long numExamples() { return numExamples; }

    @Override
    public FederatedClient.LocalResult fit(Model global, int round, FederatedSettings s, double noiseMultiplier) throws Exception {
        CompletableFuture<FederatedClient.LocalResult> f = new CompletableFuture<>();
        pending = f;
        expectedRound = round;
        expectedLength = ModelVector.size(global);
        expectSecAgg = s.secAgg();
        secAggInbox.clear(); // leftovers of a round this client missed
        secAggRound = s.secAgg() ? round : -1;
        Task.Builder task = Task.newBuilder().setRound(round).setModel(com.google.protobuf.ByteString.copyFrom(ModelFile.toBytes(global)))
                .setLocalEpochs(s.localEpochs()).setBatchSize(s.batchSize()).setLearningRate(s.learningRate())
                .setDp(s.dp().name()).setClipNorm(s.clipNorm()).setNoiseMultiplier(noiseMultiplier).setSeed(s.seed());
        if (s.secAgg()) {
            StochasticQuantizer q = FedAvgStrategy.quantizer(s);
            task.setSecagg(true).setQuantizationRange(q.clippingRange()).setQuantizationBits(q.bits()).setExampleCap(s.effectiveExampleCap());
        }
        tasks.put(task.build());
        try {
            return f.get(roundTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            tasks.clear();
            throw new TimeoutException("client " + clientId + " sent no update for round " + round + " within " + roundTimeoutMillis + " ms");
        } finally {
            expectedRound = -1;
        }
    }

    /** The next task, waiting up to {@code millis}; null when none came. */
    Task poll(long millis) throws InterruptedException {
        return tasks.poll(millis, TimeUnit.MILLISECONDS);
    }

    void offerDone() {
        tasks.add(Task.newBuilder().setDone(true).build());
    }

    /** Accepts the update for the round in progress; returns the reason when it is refused. */
    String accept(Update u) {
        if (u.getRound() != expectedRound) return "update for round " + u.getRound() + ", but round " + expectedRound + " is open for client " + clientId;
        if (expectSecAgg) {
            if (!u.getSecaggReady() || !u.getDelta().isEmpty()) {
                return "round " + u.getRound() + " aggregates through SecAgg+: client " + clientId + " must not send its update in the clear";
            }
            pending.complete(new FederatedClient.LocalResult(null, u.getTrainLoss(), this, sampleEpsilon(u)));
            return null;
        }
        if (u.getSecaggReady()) return "round " + u.getRound() + " is a plain round, but client " + clientId + " answered for SecAgg+";
        float[] delta;
        try {
            delta = FloatVectors.decode(u.getDelta(), "update of client " + clientId);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (delta.length != expectedLength) return "update of client " + clientId + " has " + delta.length + " values, expected " + expectedLength;
        for (int i = 0; i < delta.length; i++) {
            if (!Float.isFinite(delta[i])) return "update of client " + clientId + " has " + delta[i] + " at " + i;
        }
        // The weight is the count the client registered with, not one it can inflate per round.
        pending.complete(new FederatedClient.LocalResult(new ClientUpdate(clientId, delta, numExamples), u.getTrainLoss(), null,
                sampleEpsilon(u)));
        return null;
    }

    /** The hospital's reported DP-SGD ε (its own claim, shown as such), NaN when absent or not a valid ε. */
    private static double sampleEpsilon(Update u) {
        return u.hasSampleEpsilon() && u.getSampleEpsilon() >= 0 ? u.getSampleEpsilon() : Double.NaN;
    }

    @Override
    public CompletableFuture<ClientMessage> deliver(ServerMessage request) {
        PendingReply p = new PendingReply(request, new CompletableFuture<>());
        pendingReply = p; // before the client can see the request, so its reply always finds it
        secAggInbox.add(SecAggDelivery.newBuilder().setRequest(request).build());
        return p.reply();
    }

    @Override
    public long replyTimeoutMillis() { return roundTimeoutMillis; }

    @Override
    public void end(String outcome) {
        pendingReply = null;
        secAggInbox.add(SecAggDelivery.newBuilder().setEnded(true).setOutcome(outcome).build());
    }

    /**
     * The next SecAgg+ delivery for a client in {@code round}'s protocol, waiting up to {@code
     * millis}; null when none came. A client asking about a round that is no longer open is told
     * it ended, even if it missed the end notice (a new round's task clears the inbox).
     */
    SecAggDelivery pollSecAgg(int round, long millis) throws InterruptedException {
        if (round != secAggRound) return SecAggDelivery.newBuilder().setEnded(true).setOutcome("over (round " + round + " is not open)").build();
        return secAggInbox.poll(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Passes the client's reply on to the waiting protocol stage; returns why it is refused. A
     * reply without a body is the client refusing the request (its state machine rejected it).
     */
    String acceptSecAgg(ClientMessage m) {
        PendingReply p = pendingReply;
        if (p == null || p.reply().isDone()) return "no SecAgg+ request is waiting for a reply from client " + clientId;
        if (m.getRoundId() != p.request().getRoundId()) {
            return "SecAgg+ reply for round " + m.getRoundId() + ", but client " + clientId + " was asked in round " + p.request().getRoundId();
        }
        SecAggStage stage = SecAggStage.of(p.request());
        if (m.getBodyCase() == ClientMessage.BodyCase.BODY_NOT_SET) {
            p.reply().completeExceptionally(new SecAggProtocolException("client " + clientId + " refused the " + stage + " request"));
            return null;
        }
        if (m.getBodyCase() != stage.replyBody()) {
            return "client " + clientId + " answered a " + stage + " request with " + m.getBodyCase() + ", expected " + stage.replyBody();
        }
        p.reply().complete(m);
        return null;
    }
}
