package org.privmed.fl.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.aggregate.FedAvg;
import org.privmed.fl.federated.ClientEndpoint;
import org.privmed.fl.federated.FederatedSettings;
import org.privmed.fl.federated.FederatedTrainer;
import org.privmed.fl.federated.ModelVector;
import org.privmed.fl.federated.RoundRecord;
import org.privmed.fl.secagg.SecAggPlusClient;
import org.privmed.fl.secagg.SecAggStage;
import org.privmed.fl.secagg.proto.ClientMessage;
import org.privmed.fl.secagg.proto.UnmaskResponse;
import org.privmed.fl.transport.proto.Ack;
import org.privmed.fl.transport.proto.FederatedCoordinatorGrpc;
import org.privmed.fl.transport.proto.RegisterRequest;
import org.privmed.fl.transport.proto.SecAggDelivery;
import org.privmed.fl.transport.proto.Task;
import org.privmed.fl.transport.proto.TaskRequest;
import org.privmed.fl.transport.proto.Update;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

/**
 * SecAgg+ between a coordinator and client processes' code over real loopback gRPC: the
 * coordinator only relays protocol messages, yet its unmasked mean equals plain FedAvg exactly,
 * with and without clients vanishing mid-protocol; too many vanishing aborts the round cleanly and
 * the next round still runs; foreign or malformed messages are refused with a reason.
 */
class SecAggTransportTest {
    private static final int CLIENTS = 5;
    private static final long TIMEOUT_MS = 5_000;
    private static Model initial;
    private static ExecutorService pool;

    @BeforeAll
    static void setUp() {
        initial = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), List.of("a", "b"), new ZooOptions(0, 5));
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void tearDown() {
        pool.shutdownNow();
    }

    /** k = 5 neighbours, threshold 3. */
    private static FederatedSettings settings(int rounds) {
        return FederatedSettings.defaults(rounds).withSecAgg(true, 5, 3);
    }

    /** The plain FedAvg model after one round of the given clients' fixed updates. */
    private static float[] plainModel(int round, int... ids) {
        int d = ModelVector.size(initial);
        List<ClientUpdate> updates = new ArrayList<>();
        for (int id : ids) updates.add(new FixedUpdateClient(id).update(d, round));
        return ModelVector.add(ModelVector.flatten(initial), new FedAvg(10_000).average(updates));
    }

    /** Runs the coordinator with {@code rounds} rounds and the given clients' faults. */
    private static FederatedTrainer.Run run(int rounds, Map<Integer, SecAggStage> faults, boolean rogueClient4) throws Exception {
        return run(CLIENTS, settings(rounds), faults, rogueClient4 ? 4 : -1, target -> {
            List<String> refusals = rogueClient(target);
            assertEquals(1, refusals.size(), refusals.toString());
            assertTrue(refusals.get(0).contains("answered a ADVERTISE_KEYS request with UNMASK"), refusals.get(0));
            return refusals;
        });
    }

    /** A hand-driven client's work against the coordinator at {@code target}; returns the refusals it got. */
    private interface HandClient {
        List<String> run(String target) throws Exception;
    }

    /**
     * Runs the coordinator over {@code n} hospitals with the given settings and silent-from-stage
     * faults; hospital {@code handId} (if ≥ 0) is driven by {@code hand} instead of the runner.
     */
    private static FederatedTrainer.Run run(int n, FederatedSettings settings, Map<Integer, SecAggStage> faults, int handId, HandClient hand)
            throws Exception {
        int rounds = settings.rounds();
        List<Future<Integer>> hospitals = new ArrayList<>();
        try (FederatedServer server = FederatedServer.start(0, n, rounds, TIMEOUT_MS, null)) {
            String target = "localhost:" + server.port();
            for (int id = 0; id < n; id++) {
                if (id == handId) continue;
                FixedUpdateClient c = new FixedUpdateClient(id);
                SecAggStage fault = faults.get(id);
                hospitals.add(pool.submit(() -> FederatedClientRunner.run(target, c, null, null, fault)));
            }
            Future<List<String>> rogue = handId >= 0 ? pool.submit(() -> hand.run(target)) : null;
            List<ClientEndpoint> endpoints = server.awaitClients(30_000);
            FederatedTrainer.Run r = new FederatedTrainer(settings, endpoints, null, null, pool, null).run(initial, rounds, false);
            server.finish();
            for (Future<Integer> h : hospitals) h.get(30, TimeUnit.SECONDS);
            if (rogue != null) rogue.get(30, TimeUnit.SECONDS);
            return r;
        }
    }

    @Test
    void secureMeanOverGrpcEqualsThePlainMeanExactly() throws Exception {
        FederatedTrainer.Run r = run(1, Map.of(), false);
        assertArrayEquals(plainModel(1, 0, 1, 2, 3, 4), ModelVector.flatten(r.model()));
        RoundRecord rec = r.rounds().get(0);
        assertEquals(CLIENTS, rec.finished());
        assertTrue(rec.bytesPerClient() > 4.0 * ModelVector.size(initial), "masked upload counted: " + rec.bytesPerClient());
    }

    @Test
    void clientsVanishingAfterSharingKeysAndDuringUnmaskingLeaveAnExactSumOfTheRest() throws Exception {
        // Client 1 goes silent before sending its masked input (its pairwise masks are rebuilt from
        // its key shares); client 3 sends its masked input but never answers the unmask request.
        FederatedTrainer.Run r = run(1, Map.of(1, SecAggStage.COLLECT_MASKED_INPUTS, 3, SecAggStage.UNMASK), false);
        RoundRecord rec = r.rounds().get(0);
        assertEquals(4, rec.finished());
        assertEquals(1, rec.dropped());
        assertArrayEquals(plainModel(1, 0, 2, 3, 4), ModelVector.flatten(r.model()));
    }

    @Test
    void tooManyDropoutsAbortTheRoundAndTheNextRoundRuns() throws Exception {
        // Three of five go silent before masking in round 1: 2 masked inputs < threshold 3.
        FederatedTrainer.Run r = run(2, Map.of(0, SecAggStage.COLLECT_MASKED_INPUTS, 2, SecAggStage.COLLECT_MASKED_INPUTS,
                4, SecAggStage.COLLECT_MASKED_INPUTS), false);
        assertEquals(2, r.rounds().size());
        assertEquals(0, r.rounds().get(0).finished());
        assertEquals(CLIENTS, r.rounds().get(1).finished());
        // Round 1 left the model untouched, so the result is round 2's plain mean from the start model.
        assertArrayEquals(plainModel(2, 0, 1, 2, 3, 4), ModelVector.flatten(r.model()));
    }

    @Test
    void thirtyPercentDroppingDuringUnmaskingLeaveTheExactMeanOfAll() throws Exception {
        // 10 hospitals (k = 9, t = 5); 3 of them send their masked inputs and then never answer the
        // unmask request. Their inputs are in the sum, so the mean is that of all 10.
        FederatedTrainer.Run r = run(10, FederatedSettings.defaults(1).withSecAgg(true, 0, 0),
                Map.of(2, SecAggStage.UNMASK, 5, SecAggStage.UNMASK, 9, SecAggStage.UNMASK), -1, null);
        RoundRecord rec = r.rounds().get(0);
        assertEquals(10, rec.finished());
        assertArrayEquals(plainModel(1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9), ModelVector.flatten(r.model()));
    }

    /**
     * A hospital process killed mid-round: it answers the protocol honestly until the request of
     * {@code killedAt} arrives, then its connection is torn down and it never returns. The round
     * must complete from the others with the exact plain mean of the inputs that made it into the sum.
     */
    @ParameterizedTest
    @EnumSource(value = SecAggStage.class, names = {"SHARE_KEYS", "COLLECT_MASKED_INPUTS", "UNMASK"})
    void aHospitalKilledMidRoundLeavesTheExactMeanOfTheRest(SecAggStage killedAt) throws Exception {
        FederatedTrainer.Run r = run(CLIENTS, settings(1), Map.of(), 2, target -> {
            killedAt(target, 2, killedAt);
            return List.of();
        });
        RoundRecord rec = r.rounds().get(0);
        boolean inSum = killedAt == SecAggStage.UNMASK; // its masked input had arrived
        assertEquals(inSum ? 5 : 4, rec.finished());
        int[] contributors = inSum ? new int[] {0, 1, 2, 3, 4} : new int[] {0, 1, 3, 4};
        assertArrayEquals(plainModel(1, contributors), ModelVector.flatten(r.model()));
    }

    /** Hospital {@code id} over its own channel, running the real client state machine until {@code stage}'s request, then gone. */
    private static void killedAt(String target, int id, SecAggStage stage) throws Exception {
        ManagedChannel ch = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).maxInboundMessageSize(256 << 20).build();
        try {
            var stub = FederatedCoordinatorGrpc.newBlockingStub(ch);
            stub.register(RegisterRequest.newBuilder().setClientId(id).setNumExamples(FixedUpdateClient.EXAMPLES).build());
            Task t;
            do {
                t = stub.nextTask(TaskRequest.newBuilder().setClientId(id).build());
            } while (t.getRound() == 0 && !t.getDone());
            ClientUpdate u = new FixedUpdateClient(id).update(ModelVector.size(initial), t.getRound());
            SecAggPlusClient secure = new SecAggPlusClient(id, FederatedClientRunner.encode(t, u), new SecureRandom());
            assertTrue(stub.submitUpdate(Update.newBuilder().setClientId(id).setRound(t.getRound()).setSecaggReady(true).build()).getAccepted());
            while (true) {
                SecAggDelivery d = stub.nextSecAggMessage(TaskRequest.newBuilder().setClientId(id).setRound(t.getRound()).build());
                assertFalse(d.getEnded(), "the round ended before hospital " + id + " reached " + stage);
                if (!d.hasRequest()) continue;
                if (SecAggStage.of(d.getRequest()) == stage) return; // killed: the finally block drops the connection
                assertTrue(stub.submitSecAggMessage(secure.handle(d.getRequest())).getAccepted());
            }
        } finally {
            ch.shutdownNow();
        }
    }

    @Test
    void aMalformedReplyIsRefusedWithAReasonAndTheRoundCompletesWithoutIt() throws Exception {
        FederatedTrainer.Run r = run(1, Map.of(), true);
        assertEquals(4, r.rounds().get(0).finished());
        assertArrayEquals(plainModel(1, 0, 1, 2, 3), ModelVector.flatten(r.model()));
    }

    @Test
    void foreignMessagesAreRefusedAndTheServerKeepsServing() throws Exception {
        try (FederatedServer server = FederatedServer.start(0, 3, 1, TIMEOUT_MS, null)) {
            ManagedChannel ch = Grpc.newChannelBuilder("localhost:" + server.port(), InsecureChannelCredentials.create()).build();
            try {
                var stub = FederatedCoordinatorGrpc.newBlockingStub(ch);
                Ack a = stub.submitSecAggMessage(ClientMessage.newBuilder().setClientId(99).setRoundId(1)
                        .setUnmask(UnmaskResponse.getDefaultInstance()).build());
                assertFalse(a.getAccepted());
                assertEquals("client 99 is not registered", a.getReason());
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                        () -> stub.nextSecAggMessage(TaskRequest.newBuilder().setClientId(99).setRound(1).build()));
                assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
                stub.register(RegisterRequest.newBuilder().setClientId(0).setNumExamples(5).build());
                Ack b = stub.submitSecAggMessage(ClientMessage.newBuilder().setClientId(0).setRoundId(1)
                        .setUnmask(UnmaskResponse.getDefaultInstance()).build());
                assertFalse(b.getAccepted());
                assertEquals("no SecAgg+ request is waiting for a reply from client 0", b.getReason());
                // Still serving: registration goes on normally.
                assertEquals(1, stub.register(RegisterRequest.newBuilder().setClientId(1).setNumExamples(5).build()).getPlannedRounds());
            } finally {
                ch.shutdownNow();
            }
        }
    }

    /**
     * Client 4 by hand: takes its task, says it is ready for SecAgg+, then answers the key
     * advertisement request with an unmask response. Returns the coordinator's refusals.
     */
    private static List<String> rogueClient(String target) throws InterruptedException {
        ManagedChannel ch = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
        List<String> refusals = new ArrayList<>();
        try {
            var stub = FederatedCoordinatorGrpc.newBlockingStub(ch);
            stub.register(RegisterRequest.newBuilder().setClientId(4).setNumExamples(FixedUpdateClient.EXAMPLES).build());
            Task t;
            do {
                t = stub.nextTask(TaskRequest.newBuilder().setClientId(4).build());
            } while (t.getRound() == 0 && !t.getDone());
            assertTrue(t.getSecagg(), "the task announces SecAgg+");
            assertTrue(stub.submitUpdate(Update.newBuilder().setClientId(4).setRound(t.getRound()).setSecaggReady(true).build()).getAccepted());
            while (true) {
                SecAggDelivery d = stub.nextSecAggMessage(TaskRequest.newBuilder().setClientId(4).setRound(t.getRound()).build());
                if (d.getEnded()) break;
                if (!d.hasRequest()) continue;
                Ack a = stub.submitSecAggMessage(ClientMessage.newBuilder().setClientId(4).setRoundId(d.getRequest().getRoundId())
                        .setUnmask(UnmaskResponse.getDefaultInstance()).build());
                if (!a.getAccepted()) refusals.add(a.getReason());
            }
            while (!stub.nextTask(TaskRequest.newBuilder().setClientId(4).build()).getDone()) {
                // waiting for the coordinator to finish
            }
            return refusals;
        } finally {
            ch.shutdownNow();
            ch.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

}
