package org.privmed.fl.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

/** Rounds over TLS and mutual TLS with certificates made in the test; mTLS refuses a client without one. */
class TlsTransportTest {
    @TempDir
    static Path dir;
    private static SelfSignedCertificate server;
    private static SelfSignedCertificate hospital;
    private static Model initial;
    private static ExecutorService pool;

    @BeforeAll
    static void setUp() throws Exception {
        server = SelfSignedCertificate.create(dir, "coordinator");
        hospital = SelfSignedCertificate.create(dir, "hospital");
        initial = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), List.of("a", "b"), new ZooOptions(0, 5));
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void tearDown() {
        pool.shutdownNow();
    }

    /** One SecAgg+ round of three fixed-update hospitals; checks the model against plain FedAvg. */
    private static void secureRound(TlsFiles serverTls, TlsFiles clientTls) throws Exception {
        List<Future<Integer>> hospitals = new ArrayList<>();
        try (FederatedServer s = FederatedServer.start(0, 3, 1, 20_000, serverTls)) {
            String target = "localhost:" + s.port();
            for (int id = 0; id < 3; id++) {
                FixedUpdateClient c = new FixedUpdateClient(id);
                hospitals.add(pool.submit(() -> FederatedClientRunner.run(target, c, clientTls, null)));
            }
            List<ClientEndpoint> endpoints = s.awaitClients(30_000);
            FederatedTrainer.Run r = new FederatedTrainer(FederatedSettings.defaults(1).withSecAgg(true, 3, 2), endpoints, null, null,
                    pool, null).run(initial, 1, false);
            s.finish();
            for (Future<Integer> h : hospitals) assertEquals(1, h.get(30, TimeUnit.SECONDS));
            List<ClientUpdate> updates = new ArrayList<>();
            for (int id = 0; id < 3; id++) updates.add(new FixedUpdateClient(id).update(ModelVector.size(initial), 1));
            assertArrayEquals(ModelVector.add(ModelVector.flatten(initial), new FedAvg(10_000).average(updates)),
                    ModelVector.flatten(r.model()));
        }
    }

    @Test
    void aRoundCompletesOverTls() throws Exception {
        secureRound(new TlsFiles(server.certificate(), server.privateKey(), null), new TlsFiles(null, null, server.certificate()));
    }

    @Test
    void aRoundCompletesOverMutualTls() throws Exception {
        secureRound(new TlsFiles(server.certificate(), server.privateKey(), hospital.certificate()),
                new TlsFiles(hospital.certificate(), hospital.privateKey(), server.certificate()));
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
