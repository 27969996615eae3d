package org.privmed.fl.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.aggregate.FedAvg;
import org.privmed.fl.federated.ClientEndpoint;
import org.privmed.fl.federated.FederatedSettings;
import org.privmed.fl.federated.FederatedTrainer;
import org.privmed.fl.federated.ModelVector;
import org.privmed.fl.secagg.proto.ClientMessage;
import org.privmed.fl.transport.proto.FederatedCoordinatorGrpc;
import org.privmed.fl.transport.proto.RegisterRequest;
import org.privmed.fl.transport.proto.TaskRequest;
import org.privmed.fl.transport.proto.Update;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

/**
 * Rounds over TLS and mutual TLS with certificates made in the test; mTLS refuses a client without
 * one, and binds each call to the hospital its certificate names (CN=hospital-&lt;id&gt;).
 */
class TlsTransportTest {
    @TempDir
    static Path dir;
    private static SelfSignedCertificate server;
    private static SelfSignedCertificate hospital;
    private static SelfSignedCertificate[] hospitals;
    private static Path hospitalCas;
    private static Model initial;
    private static ExecutorService pool;

    @BeforeAll
    static void setUp() throws Exception {
        server = SelfSignedCertificate.create(dir, "coordinator");
        hospital = SelfSignedCertificate.create(dir, "hospital");
        hospitals = new SelfSignedCertificate[3];
        StringBuilder bundle = new StringBuilder();
        for (int id = 0; id < 3; id++) {
            hospitals[id] = SelfSignedCertificate.create(dir, "hospital-" + id);
            bundle.append(Files.readString(hospitals[id].certificate()));
        }
        // Self-signed: each hospital's certificate is its own CA; the coordinator trusts all three.
        hospitalCas = Files.writeString(dir.resolve("hospital-cas.pem"), bundle);
        initial = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), List.of("a", "b"), new ZooOptions(0, 5));
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void tearDown() {
        pool.shutdownNow();
    }

    /** One SecAgg+ round of three fixed-update hospitals; checks the model against plain FedAvg. */
    private static void secureRound(TlsFiles serverTls, IntFunction<TlsFiles> clientTls) throws Exception {
        secureRound(serverTls, clientTls, target -> { });
    }

    /** As above; {@code meanwhile} runs against the server once the hospitals have registered. */
    private static void secureRound(TlsFiles serverTls, IntFunction<TlsFiles> clientTls, ThrowingConsumer<String> meanwhile) throws Exception {
        List<Future<Integer>> running = new ArrayList<>();
        try (FederatedServer s = FederatedServer.start(0, 3, 1, 20_000, serverTls)) {
            String target = "localhost:" + s.port();
            for (int id = 0; id < 3; id++) {
                FixedUpdateClient c = new FixedUpdateClient(id);
                TlsFiles files = clientTls.apply(id);
                running.add(pool.submit(() -> FederatedClientRunner.run(target, c, files, null)));
            }
            List<ClientEndpoint> endpoints = s.awaitClients(30_000);
            meanwhile.accept(target);
            FederatedTrainer.Run r = new FederatedTrainer(FederatedSettings.defaults(1).withSecAgg(true, 3, 2), endpoints, null, null,
                    pool, null).run(initial, 1, false);
            s.finish();
            for (Future<Integer> h : running) assertEquals(1, h.get(30, TimeUnit.SECONDS));
            List<ClientUpdate> updates = new ArrayList<>();
            for (int id = 0; id < 3; id++) updates.add(new FixedUpdateClient(id).update(ModelVector.size(initial), 1));
            assertArrayEquals(ModelVector.add(ModelVector.flatten(initial), new FedAvg(10_000).average(updates)),
                    ModelVector.flatten(r.model()));
        }
    }

    @Test
    void aRoundCompletesOverTls() throws Exception {
        secureRound(new TlsFiles(server.certificate(), server.privateKey(), null), id -> new TlsFiles(null, null, server.certificate()));
    }

    @Test
    void aRoundCompletesOverMutualTls() throws Exception {
        secureRound(new TlsFiles(server.certificate(), server.privateKey(), hospitalCas), TlsTransportTest::ownCertificate);
    }

    private static TlsFiles ownCertificate(int id) {
        return new TlsFiles(hospitals[id].certificate(), hospitals[id].privateKey(), server.certificate());
    }

    @Test
    void aHospitalCannotSpeakForAnotherUnderMutualTls() throws Exception {
        List<Status> refused = new ArrayList<>();
        secureRound(new TlsFiles(server.certificate(), server.privateKey(), hospitalCas), TlsTransportTest::ownCertificate, target -> {
            // Hospital 1's certificate, claiming id 2, on every call that carries an id.
            ManagedChannel ch = Grpc.newChannelBuilder(target, FederatedClientRunner.channelCredentials(ownCertificate(1))).build();
            try {
                FederatedCoordinatorGrpc.FederatedCoordinatorBlockingStub stub = FederatedCoordinatorGrpc.newBlockingStub(ch);
                List<Runnable> calls = List.of(
                        () -> stub.register(RegisterRequest.newBuilder().setClientId(2).setNumExamples(5).build()),
                        () -> stub.nextTask(TaskRequest.newBuilder().setClientId(2).build()),
                        () -> stub.submitUpdate(Update.newBuilder().setClientId(2).setRound(1).setSecaggReady(true).build()),
                        () -> stub.nextSecAggMessage(TaskRequest.newBuilder().setClientId(2).setRound(1).build()),
                        () -> stub.submitSecAggMessage(ClientMessage.newBuilder().setClientId(2).setRoundId(1).build()));
                for (Runnable call : calls) refused.add(assertThrows(StatusRuntimeException.class, call::run).getStatus());
            } finally {
                ch.shutdownNow();
            }
        });
        // The round above completed with all three genuine hospitals and the plain FedAvg result.
        assertEquals(5, refused.size());
        for (Status st : refused) {
            assertEquals(Status.Code.PERMISSION_DENIED, st.getCode(), st.toString());
            assertEquals("the certificate of hospital-1 may only speak as client 1, not as client 2", st.getDescription());
        }
    }

    @Test
    void mutualTlsRefusesACertificateThatNamesNoHospital() throws Exception {
        try (FederatedServer s = FederatedServer.start(0, 1, 1, 5_000, new TlsFiles(server.certificate(), server.privateKey(),
                hospital.certificate()))) {
            FixedUpdateClient c = new FixedUpdateClient(0);
            TlsFiles unnamed = new TlsFiles(hospital.certificate(), hospital.privateKey(), server.certificate());
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> FederatedClientRunner.run("localhost:" + s.port(), c, unnamed, null));
            assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), e.toString());
            assertTrue(e.getStatus().getDescription().contains("names no hospital (expected CN=hospital-<id>)"), e.toString());
        }
    }

    /** A consumer whose body may throw. */
    private interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }

    @Test
    void mutualTlsRefusesAClientWithoutACertificate() throws Exception {
        try (FederatedServer s = FederatedServer.start(0, 1, 1, 5_000, new TlsFiles(server.certificate(), server.privateKey(),
                hospital.certificate()))) {
            String target = "localhost:" + s.port();
            FixedUpdateClient c = new FixedUpdateClient(0);
            Future<Integer> f = pool.submit(() -> FederatedClientRunner.run(target, c, new TlsFiles(null, null, server.certificate()), null));
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
            StatusRuntimeException cause = (StatusRuntimeException) e.getCause();
            assertEquals(Status.Code.UNAVAILABLE, cause.getStatus().getCode(), cause.toString());
        }
    }
}
