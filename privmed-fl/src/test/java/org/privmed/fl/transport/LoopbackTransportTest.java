package org.privmed.fl.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.data.partition.Partition;
import org.privmed.data.partition.Partitions;
import org.privmed.fl.federated.ClientEndpoint;
import org.privmed.fl.federated.CoordinatorStore;
import org.privmed.fl.federated.FederatedClient;
import org.privmed.fl.federated.FederatedSettings;
import org.privmed.fl.federated.FederatedTrainer;
import org.privmed.fl.federated.ModelVector;
import org.privmed.fl.federated.RoundRecord;
import org.privmed.fl.transport.proto.FederatedCoordinatorGrpc;
import org.privmed.fl.transport.proto.RegisterRequest;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

/** Coordinator and hospitals over gRPC on loopback (plaintext), against the in-process simulation. */
class LoopbackTransportTest {
    private static List<FederatedClient> clients;
    private static ImageDataset validation;
    private static Model initial;
    private static ExecutorService pool;

    @BeforeAll
    static void setUp() {
        ImageDataset train = Datasets.load("pneumoniamnist", Split.TRAIN);
        int[] rows = new int[180];
        for (int i = 0; i < rows.length; i++) rows[i] = i;
        train = train.subset("train-180", rows);
        int[] vrows = new int[60];
        for (int i = 0; i < vrows.length; i++) vrows[i] = i;
        validation = Datasets.load("pneumoniamnist", Split.VAL).subset("val-60", vrows);
        Partition p = Partitions.iid(train.size(), 3, 5);
        clients = new ArrayList<>();
        for (int c = 0; c < 3; c++) clients.add(new FederatedClient(c, train.subset("client-" + c, p.client(c))));
        initial = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), train.classNames(), new ZooOptions(0, 5));
        pool = Executors.newFixedThreadPool(8);
    }

    @AfterAll
    static void tearDown() {
        pool.shutdownNow();
    }

    private static FederatedSettings settings() {
        return FederatedSettings.defaults(2).withTraining(1.0, 1, 16, 2e-3, 9);
    }

    @Test
    void grpcRoundsGiveTheSameModelAsTheSimulation() throws Exception {
        FederatedTrainer.Run simulated = new FederatedTrainer(settings(), clients, validation, null, pool, null).run(initial, 2, false);
        FederatedTrainer.Run remote;
        List<Future<Integer>> hospitals = new ArrayList<>();
        try (FederatedServer server = FederatedServer.start(0, 3, 2, 60_000, null)) {
            String target = "localhost:" + server.port();
            for (FederatedClient c : clients) hospitals.add(pool.submit(() -> FederatedClientRunner.run(target, c, null, null)));
            List<ClientEndpoint> endpoints = server.awaitClients(60_000);
            remote = new FederatedTrainer(settings(), endpoints, validation, null, pool, null).run(initial, 2, false);
            server.finish();
            for (Future<Integer> h : hospitals) assertEquals(2, h.get(60, TimeUnit.SECONDS), "rounds trained by a hospital");
        }
        // Same seeds, same local code, float32 on the wire both ways: the weights agree exactly.
        assertArrayEquals(ModelVector.flatten(simulated.model()), ModelVector.flatten(remote.model()));
        for (RoundRecord r : remote.rounds()) assertEquals(3, r.finished());
    }

    /**
     * The coordinator process goes down after round 2 of 3 and a new one starts on the same port
     * from its checkpoint; the hospitals (still running) reconnect, register again and train
     * round 3. The final weights equal an uninterrupted in-process run's bit for bit.
     */
    @Test
    void aRestartedCoordinatorResumesAndItsHospitalsReconnect(@TempDir Path dir) throws Exception {
        FederatedSettings s = FederatedSettings.defaults(3).withTraining(1.0, 1, 16, 2e-3, 9);
        FederatedTrainer.Run uninterrupted = new FederatedTrainer(s, clients, validation, null, pool, null).run(initial, 3, false);
        CoordinatorStore store = new CoordinatorStore(dir);
        List<Future<Integer>> hospitals = new ArrayList<>();
        int port;
        try (FederatedServer first = FederatedServer.start(0, 3, 3, 60_000, null)) {
            port = first.port();
            String target = "localhost:" + port;
            for (FederatedClient c : clients) hospitals.add(pool.submit(() -> FederatedClientRunner.run(target, c, null, System.err, null, 120_000)));
            new FederatedTrainer(s, first.awaitClients(60_000), validation, store, pool, null).run(initial, 2, true);
        } // gone without telling anyone training is over
        assertEquals(2, store.load().completedRounds());
        FederatedTrainer.Run resumed;
        try (FederatedServer second = FederatedServer.start(port, 3, 3, 60_000, null)) {
            resumed = new FederatedTrainer(s, second.awaitClients(60_000), validation, store, pool, null).run(initial, 3, true);
            second.finish();
            for (Future<Integer> h : hospitals) assertEquals(3, h.get(60, TimeUnit.SECONDS), "rounds trained by a hospital across the restart");
        }
        assertEquals(2, resumed.resumedFrom());
        assertEquals(3, resumed.rounds().size());
        assertEquals(3, resumed.rounds().get(2).finished());
        assertArrayEquals(ModelVector.flatten(uninterrupted.model()), ModelVector.flatten(resumed.model()));
    }

    /**
     * A coordinator finishes a 2-round run; a new one planned for 3 rounds extends it from the
     * checkpoint, with the hospitals joining afresh, and trains only round 3. The weights equal an
     * uninterrupted 3-round run's.
     */
    @Test
    void aFinishedRunIsExtendedByACoordinatorPlannedForMoreRounds(@TempDir Path dir) throws Exception {
        FederatedTrainer.Run uninterrupted = new FederatedTrainer(settings().withRounds(3), clients, validation, null, pool, null)
                .run(initial, 3, false);
        CoordinatorStore store = new CoordinatorStore(dir);
        assertEquals(List.of(2, 2, 2), coordinate(settings(), store).hospitalRounds());
        Coordinated extended = coordinate(settings().withRounds(3), store);
        assertEquals(List.of(1, 1, 1), extended.hospitalRounds(), "rounds trained by each hospital in the extension");
        assertEquals(2, extended.run().resumedFrom());
        assertEquals(List.of(1, 2, 3), extended.run().rounds().stream().map(RoundRecord::round).toList());
        assertArrayEquals(ModelVector.flatten(uninterrupted.model()), ModelVector.flatten(extended.run().model()));
        assertEquals(3, store.load().plannedRounds());
    }

    private record Coordinated(FederatedTrainer.Run run, List<Integer> hospitalRounds) {}

    /** A coordinator on a free port running {@code s.rounds()} rounds (resuming from {@code store}) with the three hospitals. */
    private static Coordinated coordinate(FederatedSettings s, CoordinatorStore store) throws Exception {
        List<Future<Integer>> hospitals = new ArrayList<>();
        try (FederatedServer server = FederatedServer.start(0, 3, s.rounds(), 60_000, null)) {
            String target = "localhost:" + server.port();
            for (FederatedClient c : clients) hospitals.add(pool.submit(() -> FederatedClientRunner.run(target, c, null, null)));
            FederatedTrainer.Run run = new FederatedTrainer(s, server.awaitClients(60_000), validation, store, pool, null)
                    .run(initial, s.rounds(), true);
            server.finish();
            List<Integer> trained = new ArrayList<>();
            for (Future<Integer> h : hospitals) trained.add(h.get(60, TimeUnit.SECONDS));
            return new Coordinated(run, trained);
        }
    }

    @Test
    void aSilentClientIsDroppedAndTheRoundCompletes() throws Exception {
        List<Future<Integer>> hospitals = new ArrayList<>();
        try (FederatedServer server = FederatedServer.start(0, 3, 1, 5_000, null)) {
            String target = "localhost:" + server.port();
            // Clients 0 and 1 answer at once (fixed updates, no training), so the 5 s timeout only
            // ever catches the silent one, however busy the machine is.
            for (int id = 0; id < 2; id++) {
                FixedUpdateClient c = new FixedUpdateClient(id);
                hospitals.add(pool.submit(() -> FederatedClientRunner.run(target, c, null, null)));
            }
            // Client 2 registers and then never asks for work (a hospital that crashed mid-round).
            ManagedChannel ch = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
            try {
                FederatedCoordinatorGrpc.newBlockingStub(ch).register(RegisterRequest.newBuilder().setClientId(2).setNumExamples(60).build());
                List<ClientEndpoint> endpoints = server.awaitClients(60_000);
                FederatedTrainer.Run run = new FederatedTrainer(FederatedSettings.defaults(1).withTraining(1.0, 1, 16, 2e-3, 9),
                        endpoints, validation, null, pool, null).run(initial, 1, false);
                server.finish();
                RoundRecord r = run.rounds().get(0);
                assertEquals(3, r.sampled());
                assertEquals(2, r.finished());
                assertEquals(1, r.dropped());
                assertFalse(java.util.Arrays.equals(ModelVector.flatten(initial), ModelVector.flatten(run.model())));
            } finally {
                ch.shutdownNow();
            }
            for (Future<Integer> h : hospitals) assertEquals(1, h.get(60, TimeUnit.SECONDS));
        }
    }
}
