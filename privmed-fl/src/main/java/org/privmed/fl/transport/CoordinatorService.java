package org.privmed.fl.transport;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.privmed.fl.secagg.proto.ClientMessage;
import org.privmed.fl.transport.proto.Ack;
import org.privmed.fl.transport.proto.FederatedCoordinatorGrpc;
import org.privmed.fl.transport.proto.RegisterReply;
import org.privmed.fl.transport.proto.RegisterRequest;
import org.privmed.fl.transport.proto.SecAggDelivery;
import org.privmed.fl.transport.proto.Task;
import org.privmed.fl.transport.proto.TaskRequest;
import org.privmed.fl.transport.proto.Update;

/**
 * The coordinator's gRPC face: registers hospitals, hands out the tasks the
 * {@link org.privmed.fl.federated.FederatedTrainer} queues through {@link RemoteClient}s, and
 * takes their updates. The round logic itself is the same object the simulation uses.
 */
final class CoordinatorService extends FederatedCoordinatorGrpc.FederatedCoordinatorImplBase {
    /** How long one NextTask call waits before answering "nothing yet" (the client asks again). */
    static final long POLL_MILLIS = 5_000;

    private final Map<Integer, RemoteClient> clients = new ConcurrentHashMap<>();
    private final int expectedClients;
    private final int plannedRounds;
    private final long roundTimeoutMillis;

    CoordinatorService(int expectedClients, int plannedRounds, long roundTimeoutMillis) {
        this.expectedClients = expectedClients;
        this.plannedRounds = plannedRounds;
        this.roundTimeoutMillis = roundTimeoutMillis;
    }

    @Override
    public void register(RegisterRequest req, StreamObserver<RegisterReply> out) {
        int id = req.getClientId();
        if (impersonates(id, out)) return;
        if (id < 0 || id >= expectedClients) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("client id " + id + " outside [0, " + expectedClients + ")").asRuntimeException());
            return;
        }
        if (req.getNumExamples() < 1) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("client " + id + " reports " + req.getNumExamples() + " examples").asRuntimeException());
            return;
        }
        synchronized (this) {
            // A restarted client may register again under its id; its queue survives.
            clients.putIfAbsent(id, new RemoteClient(id, req.getNumExamples(), roundTimeoutMillis));
            notifyAll();
        }
        out.onNext(RegisterReply.newBuilder().setPlannedRounds(plannedRounds).build());
        out.onCompleted();
    }

    @Override
    public void nextTask(TaskRequest req, StreamObserver<Task> out) {
        if (impersonates(req.getClientId(), out)) return;
        RemoteClient c = registered(req.getClientId(), out);
        if (c != null) answerPolling(out, () -> c.poll(POLL_MILLIS), Task.newBuilder().setRound(0).build());
    }

    @Override
    public void submitUpdate(Update u, StreamObserver<Ack> out) {
        if (impersonates(u.getClientId(), out)) return;
        RemoteClient c = clients.get(u.getClientId());
        String refused = c == null ? "client " + u.getClientId() + " is not registered" : c.accept(u);
        out.onNext(Ack.newBuilder().setAccepted(refused == null).setReason(refused == null ? "" : refused).build());
        out.onCompleted();
    }

    @Override
    public void nextSecAggMessage(TaskRequest req, StreamObserver<SecAggDelivery> out) {
        if (impersonates(req.getClientId(), out)) return;
        RemoteClient c = registered(req.getClientId(), out);
        if (c != null) answerPolling(out, () -> c.pollSecAgg(req.getRound(), POLL_MILLIS), SecAggDelivery.getDefaultInstance());
    }

    @Override
    public void submitSecAggMessage(ClientMessage m, StreamObserver<Ack> out) {
        if (impersonates(m.getClientId(), out)) return;
        RemoteClient c = clients.get(m.getClientId());
        String refused = c == null ? "client " + m.getClientId() + " is not registered" : c.acceptSecAgg(m);
        out.onNext(Ack.newBuilder().setAccepted(refused == null).setReason(refused == null ? "" : refused).build());
        out.onCompleted();
    }

    /**
     * Under mutual TLS, whether the call claims an id other than the one its certificate names; if
     * so it is answered with PERMISSION_DENIED and nothing else happens (the round goes on).
     */
    private static boolean impersonates(int claimedId, StreamObserver<?> out) {
        String refusal = CertificateIdentity.refusal(claimedId);
        if (refusal == null) return false;
        out.onError(Status.PERMISSION_DENIED.withDescription(refusal).asRuntimeException());
        return true;
    }

    /** The client with {@code id}, or null after answering the call with FAILED_PRECONDITION. */
    private RemoteClient registered(int id, StreamObserver<?> out) {
        RemoteClient c = clients.get(id);
        if (c == null) out.onError(Status.FAILED_PRECONDITION.withDescription("client " + id + " is not registered").asRuntimeException());
        return c;
    }

    /** A queue poll that may wait. */
    private interface Poll<T> {
        T next() throws InterruptedException;
    }

    /** Answers with the next item, or {@code none} ("ask again") when nothing came within the poll time. */
    private static <T> void answerPolling(StreamObserver<T> out, Poll<T> poll, T none) {
        try {
            T item = poll.next();
            out.onNext(item != null ? item : none);
            out.onCompleted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.onError(Status.CANCELLED.asRuntimeException());
        }
    }

    /** Blocks until all expected clients have registered, or the timeout passes. */
    synchronized List<RemoteClient> awaitClients(long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (clients.size() < expectedClients) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                throw new IllegalStateException("only " + clients.size() + " of " + expectedClients + " clients registered within "
                        + timeoutMillis + " ms");
            }
            wait(left);
        }
        return clients.values().stream().sorted(java.util.Comparator.comparingInt(RemoteClient::clientId)).toList();
    }

    void finish() {
        for (RemoteClient c : clients.values()) c.offerDone();
    }
}
