package org.privmed.fl.transport;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.privmed.fl.federated.ClientEndpoint;

/**
 * The coordinator's gRPC server. Start it, wait for the hospitals to register, pass the returned
 * endpoints to {@link org.privmed.fl.federated.FederatedTrainer} — the same round loop as the
 * simulation — and call {@link #finish()} when it returns. Plain FedAvg with optional DP (clipping
 * and local noise at the clients, central noise at the coordinator) and SecAgg+. Under mutual TLS
 * each call may speak only for the hospital its certificate names ({@link CertificateIdentity}).
 */
public final class FederatedServer implements AutoCloseable {
    private final Server server;
    private final CoordinatorService service;

    private FederatedServer(Server server, CoordinatorService service) {
        this.server = server;
        this.service = service;
    }

    /**
     * @param port TCP port, 0 for any free one
     * @param tls certificate and key (and the client CA for mutual TLS), or null for plaintext
     *     (loopback tests only: updates would travel unprotected)
     * @param roundTimeoutMillis how long a sampled client may take before it counts as dropped
     */
    public static FederatedServer start(int port, int expectedClients, int plannedRounds, long roundTimeoutMillis, TlsFiles tls)
            throws IOException {
        if (expectedClients < 1) throw new IllegalArgumentException("expected clients must be >= 1, got " + expectedClients);
        if (roundTimeoutMillis < 1) throw new IllegalArgumentException("round timeout must be >= 1 ms, got " + roundTimeoutMillis);
        ServerCredentials creds;
        boolean mutual = tls != null && tls.trustedCa() != null;
        if (tls == null) {
            creds = InsecureServerCredentials.create();
        } else {
            if (tls.certChain() == null) throw new IllegalArgumentException("the coordinator needs --tls-cert and --tls-key for TLS");
            TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder()
                    .keyManager(tls.certChain().toFile(), tls.privateKey().toFile());
            if (tls.trustedCa() != null) {
                b.trustManager(tls.trustedCa().toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
            }
            creds = b.build();
        }
        CoordinatorService service = new CoordinatorService(expectedClients, plannedRounds, roundTimeoutMillis);
        // Models travel whole in each task; allow messages well above gRPC's 4 MiB default.
        ServerServiceDefinition api = mutual ? ServerInterceptors.intercept(service, new CertificateIdentity()) : service.bindService();
        Server s = Grpc.newServerBuilderForPort(port, creds).addService(api).maxInboundMessageSize(256 << 20).build().start();
        return new FederatedServer(s, service);
    }

    public int port() {
        return server.getPort();
    }

    /** Waits until every expected client has registered; their endpoints sorted by id. */
    public List<ClientEndpoint> awaitClients(long timeoutMillis) throws InterruptedException {
        return List.copyOf(service.awaitClients(timeoutMillis));
    }

    /** Tells every client that training is over. */
    public void finish() {
        service.finish();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(CoordinatorService.POLL_MILLIS + 5_000, TimeUnit.MILLISECONDS)) server.shutdownNow();
    }
}
