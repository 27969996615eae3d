package org.privmed.fl.transport;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.federated.ClientEndpoint;
import org.privmed.fl.federated.FederatedClient;
import org.privmed.fl.federated.FederatedSettings;
import org.privmed.fl.transport.proto.Task;
import org.privmed.fl.transport.proto.Update;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;

/**
 * The coordinator's stand-in for a hospital connected over gRPC: {@link #fit} queues a task for
 * the client to pull and waits for its update; a client that does not answer within the round
 * timeout counts as dropped for that round.
 */
final class RemoteClient implements ClientEndpoint {
    private final int clientId;
    private final long numExamples;
    private final long roundTimeoutMillis;
    private final BlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    private volatile int expectedRound = -1;
    private volatile int expectedLength = -1;
    private volatile CompletableFuture<FederatedClient.LocalResult> pending = new CompletableFuture<>();

    RemoteClient(int clientId, long numExamples, long roundTimeoutMillis) {
        this.clientId = clientId;
        this.numExamples = numExamples;
        this.roundTimeoutMillis = roundTimeoutMillis;
    }

    @Override
    public int clientId() { return clientId; }

    long numExamples() { return numExamples; }

    @Override
    public FederatedClient.LocalResult fit(Model global, int round, FederatedSettings s, double noiseMultiplier) throws Exception {
        CompletableFuture<FederatedClient.LocalResult> f = new CompletableFuture<>();
        pending = f;
        expectedRound = round;
        expectedLength = org.privmed.fl.federated.ModelVector.size(global);
        tasks.put(Task.newBuilder().setRound(round).setModel(com.google.protobuf.ByteString.copyFrom(ModelFile.toBytes(global)))
                .setLocalEpochs(s.localEpochs()).setBatchSize(s.batchSize()).setLearningRate(s.learningRate())
                .setDp(s.dp().name()).setClipNorm(s.clipNorm()).setNoiseMultiplier(noiseMultiplier).setSeed(s.seed()).build());
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
        pending.complete(new FederatedClient.LocalResult(new ClientUpdate(clientId, delta, numExamples), u.getTrainLoss()));
        return null;
    }
}
