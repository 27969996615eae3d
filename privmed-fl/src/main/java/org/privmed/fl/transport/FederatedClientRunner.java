package org.privmed.fl.transport;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.aggregate.FedAvg;
import org.privmed.fl.federated.ClientEndpoint;
import org.privmed.fl.federated.DpMode;
import org.privmed.fl.federated.FederatedClient;
import org.privmed.fl.federated.FederatedSettings;
import org.privmed.fl.federated.InjectedDropouts;
import org.privmed.fl.prg.AesCtrPrg;
import org.privmed.fl.secagg.SecAggPlusClient;
import org.privmed.fl.secagg.SecAggProtocolException;
import org.privmed.fl.secagg.SecAggStage;
import org.privmed.fl.secagg.StochasticQuantizer;
import org.privmed.fl.secagg.proto.ClientMessage;
import org.privmed.fl.secagg.proto.ServerMessage;
import org.privmed.fl.transport.proto.Ack;
import org.privmed.fl.transport.proto.FederatedCoordinatorGrpc;
import org.privmed.fl.transport.proto.RegisterRequest;
import org.privmed.fl.transport.proto.SecAggDelivery;
import org.privmed.fl.transport.proto.Task;
import org.privmed.fl.transport.proto.TaskRequest;
import org.privmed.fl.transport.proto.Update;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;

/**
 * A hospital's side of the gRPC transport: registers with the coordinator, then pulls tasks,
 * runs {@link ClientEndpoint#fit} — for a {@link FederatedClient}, the same code the simulation
 * runs — and submits the update, until the coordinator says training is over. Under SecAgg+ the
 * update never leaves: it is encoded, quantized and handed to a {@link SecAggPlusClient} (the
 * simulation's state machine), whose replies to the relayed protocol requests are all the
 * coordinator gets.
 */
public final class FederatedClientRunner {
    private final ClientEndpoint client;
    private final PrintStream out;
    private SecAggStage dropOnceAt;
    private int trained;

    private FederatedClientRunner(ClientEndpoint client, PrintStream out, SecAggStage dropOnceAt) {
        this.client = client;
        this.out = out;
        this.dropOnceAt = dropOnceAt;
    }

    /**
     * @param target host:port of the coordinator
     * @param tls the coordinator's CA (and this client's cert/key for mTLS), or null for plaintext
     * @return rounds this client trained in
     */
    public static int run(String target, ClientEndpoint client, TlsFiles tls, PrintStream out) throws IOException, InterruptedException {
        return run(target, client, tls, out, null);
    }

    /**
     * As {@link #run(String, ClientEndpoint, TlsFiles, PrintStream)}, with a fault injected: in the
     * first SecAgg+ round the client goes silent from the request of stage {@code dropOnceAt} on
     * (as if killed there), then takes part normally again from the next task. Null: no fault.
     */
    public static int run(String target, ClientEndpoint client, TlsFiles tls, PrintStream out, SecAggStage dropOnceAt)
            throws IOException, InterruptedException {
        return run(target, client, tls, out, dropOnceAt, 0);
    }

    /**
     * As {@link #run(String, ClientEndpoint, TlsFiles, PrintStream, SecAggStage)}; once registered,
     * a coordinator that becomes unreachable (restarted, say) is waited for up to {@code
     * reconnectMillis} (0: give up at once): the client registers again and takes the next task,
     * so a coordinator resuming from its checkpoint finds its hospitals back. A round in flight at
     * the restart is repeated by the coordinator, so nothing of it is kept here.
     */
    public static int run(String target, ClientEndpoint client, TlsFiles tls, PrintStream out, SecAggStage dropOnceAt, long reconnectMillis)
            throws IOException, InterruptedException {
        if (reconnectMillis < 0) throw new IllegalArgumentException("reconnect time must be >= 0 ms, got " + reconnectMillis);
        ManagedChannel channel = Grpc.newChannelBuilder(target, channelCredentials(tls)).maxInboundMessageSize(256 << 20).build();
        try {
            FederatedClientRunner runner = new FederatedClientRunner(client, out, dropOnceAt);
            FederatedCoordinatorGrpc.FederatedCoordinatorBlockingStub stub = FederatedCoordinatorGrpc.newBlockingStub(channel);
            boolean registered = false;
            long unreachableSince = -1;
            while (true) {
                try {
                    return runner.loop(stub, target);
                } catch (StatusRuntimeException e) {
                    // UNAVAILABLE: nobody listens; CANCELLED: a coordinator shutting down ends the calls in
                    // flight; DEADLINE_EXCEEDED: a call hung on a connection that went away silently;
                    // FAILED_PRECONDITION: a restarted coordinator does not know us yet (a poll sent
                    // while it came up reached it before our registration) — register again.
                    Status.Code code = e.getStatus().getCode();
                    boolean gone = code == Status.Code.UNAVAILABLE || code == Status.Code.CANCELLED || code == Status.Code.DEADLINE_EXCEEDED
                            || code == Status.Code.FAILED_PRECONDITION;
                    if (!gone || !runner.registeredOnce) throw e;
                    long now = System.currentTimeMillis();
                    if (unreachableSince < 0 || runner.reachedSince(unreachableSince)) unreachableSince = now;
                    if (now - unreachableSince >= reconnectMillis) throw e;
                    runner.say("client %d: coordinator %s unreachable (%s); trying again", client.clientId(), target, e.getStatus().getCode());
                    Thread.sleep(RECONNECT_PAUSE_MILLIS);
                    channel.resetConnectBackoff();
                }
            }
        } finally {
            channel.shutdown();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static ChannelCredentials channelCredentials(TlsFiles tls) throws IOException {
        if (tls == null) return InsecureChannelCredentials.create();
        TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
        if (tls.trustedCa() != null) b.trustManager(tls.trustedCa().toFile());
        if (tls.certChain() != null) b.keyManager(tls.certChain().toFile(), tls.privateKey().toFile());
        return b.build();
    }

    /**
     * Deadline of every call: the coordinator answers a poll within its poll time (5 s), so a call
     * still open after this long sits on a dead connection.
     */
    static final long CALL_DEADLINE_MILLIS = 120_000;

    private static FederatedCoordinatorGrpc.FederatedCoordinatorBlockingStub call(FederatedCoordinatorGrpc.FederatedCoordinatorBlockingStub stub) {
        return stub.withDeadlineAfter(CALL_DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Pause between attempts to reach a coordinator that went away. */
    static final long RECONNECT_PAUSE_MILLIS = 500;

    private boolean registeredOnce;
    private long lastRegistered;

    /** Whether the coordinator answered a registration after {@code millis}. */
    private boolean reachedSince(long millis) {
        return lastRegistered > millis;
    }

    private int loop(FederatedCoordinatorGrpc.FederatedCoordinatorBlockingStub stub, String target) throws IOException {
        int id = client.clientId();
        int planned = call(stub).register(RegisterRequest.newBuilder().setClientId(id).setNumExamples(client.numExamples()).build())
                .getPlannedRounds();
        registeredOnce = true;
        lastRegistered = System.currentTimeMillis();
        say("client %d registered with %s (%d examples, %d rounds planned)", id, target, client.numExamples(), planned);
        while (true) {
            Task t = call(stub).nextTask(TaskRequest.newBuilder().setClientId(id).build());
            if (t.getDone()) break;
            if (t.getRound() == 0) continue; // nothing for us yet
            Model global = ModelFile.fromBytes(t.getModel().toByteArray(), "round " + t.getRound() + " model from " + target);
            FederatedClient.LocalResult r;
            try {
                r = client.fit(global, t.getRound(), settingsOf(t, planned), t.getNoiseMultiplier());
            } catch (Exception e) {
                say("client %d: round %d local work failed: %s", id, t.getRound(), e.getMessage());
                continue;
            }
            Update.Builder u = Update.newBuilder().setClientId(id).setRound(t.getRound()).setNumExamples(client.numExamples())
                    .setTrainLoss(r.trainLoss());
            if (!Double.isNaN(r.sampleEpsilon())) u.setSampleEpsilon(r.sampleEpsilon());
            SecAggPlusClient secure = null;
            if (t.getSecagg()) {
                secure = new SecAggPlusClient(id, encode(t, r.update()), new SecureRandom());
                u.setSecaggReady(true);
            } else {
                u.setDelta(FloatVectors.encode(r.update().delta()));
            }
            Ack ack = call(stub).submitUpdate(u.build());
            if (!ack.getAccepted()) {
                say("client %d: round %d update refused: %s", id, t.getRound(), ack.getReason());
                continue;
            }
            if (secure != null) secureAggregation(stub, secure, t.getRound());
            trained++;
            say("client %d: round %d done, loss %.4f%s", id, t.getRound(), r.trainLoss(),
                    Double.isNaN(r.sampleEpsilon()) ? "" : String.format(Locale.ROOT, ", DP-SGD epsilon %.4f", r.sampleEpsilon()));
        }
        return trained;
    }

    /** (w/cap)·Δ ‖ w/cap, stochastically quantized with a SecureRandom-seeded generator. */
    static int[] encode(Task t, ClientUpdate update) {
        if (t.getExampleCap() < 1) throw new IllegalArgumentException("round " + t.getRound() + " task has example cap " + t.getExampleCap());
        StochasticQuantizer q = new StochasticQuantizer(t.getQuantizationRange(), t.getQuantizationBits());
        return q.quantize(new FedAvg(t.getExampleCap()).encodeForSecureSum(update), AesCtrPrg.secure());
    }

    /** Answers the relayed SecAgg+ requests until the coordinator ends the round. */
    private void secureAggregation(FederatedCoordinatorGrpc.FederatedCoordinatorBlockingStub stub, SecAggPlusClient secure, int round) {
        int id = client.clientId();
        boolean silent = false;
        while (true) {
            SecAggDelivery d = call(stub).nextSecAggMessage(TaskRequest.newBuilder().setClientId(id).setRound(round).build());
            if (d.getEnded()) {
                say("client %d: SecAgg+ round %d %s", id, round, d.getOutcome());
                dropOnceAt = silent ? null : dropOnceAt;
                return;
            }
            if (!d.hasRequest() || silent) continue;
            ServerMessage request = d.getRequest();
            if (dropOnceAt != null && request.getBodyCase() != ServerMessage.BodyCase.BODY_NOT_SET
                    && dropOnceAt.compareTo(SecAggStage.of(request)) <= 0) {
                say("client %d: dropping out of SecAgg+ round %d at %s (injected fault)", id, round, dropOnceAt);
                silent = true;
                continue;
            }
            ClientMessage reply;
            try {
                reply = secure.handle(request);
            } catch (SecAggProtocolException e) {
                say("client %d: refusing a SecAgg+ request: %s", id, e.getMessage());
                reply = ClientMessage.newBuilder().setRoundId(request.getRoundId()).setClientId(id).build();
            }
            Ack ack = call(stub).submitSecAggMessage(reply);
            if (!ack.getAccepted()) say("client %d: SecAgg+ reply refused: %s", id, ack.getReason());
        }
    }

    /** The settings a task implies for local work; fields the client does not use get neutral values. */
    private static FederatedSettings settingsOf(Task t, int planned) {
        DpMode dp;
        try {
            dp = DpMode.valueOf(t.getDp());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task for round " + t.getRound() + " names an unknown DP mode '" + t.getDp() + "'", e);
        }
        double z = dp == DpMode.NONE ? 0 : t.getNoiseMultiplier();
        return new FederatedSettings(Math.max(1, planned), 1.0, t.getLocalEpochs(), t.getBatchSize(), t.getLearningRate(), 1, dp,
                t.getClipNorm(), z, Double.NaN, 1e-5, false, 0, 0, t.getSeed(), 1, 0, InjectedDropouts.NONE);
    }

    private void say(String fmt, Object... args) {
        if (out != null) out.println(String.format(Locale.ROOT, fmt, args));
    }
}
