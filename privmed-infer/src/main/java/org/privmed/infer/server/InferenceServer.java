package org.privmed.infer.server;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.privmed.he.ckks.CkksContext;
import org.privmed.infer.bfv.BfvProgram;
import org.privmed.infer.keys.EvaluationKeyStore;
import org.privmed.infer.proto.ProgramInfo;
import org.privmed.infer.service.ServedProgram;

/**
 * The encrypted-diagnosis gRPC server for one compiled program. Plaintext on loopback for tests
 * and demos; TLS when given a PEM certificate chain and PKCS#8 private key.
 *
 * <p>The inbound message limit is set on purpose: gRPC's default (4 MiB) is smaller than one
 * throughput-packed request, while an unbounded limit lets one client make the server allocate
 * arbitrary memory. Keys travel in chunks well under the limit, so it bounds only ciphertext
 * requests; the default of 64 MiB fits a latency request many times over.
 */
public final class InferenceServer implements AutoCloseable {

    /** Default gRPC inbound message limit. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 << 20;
    /** Default cap on one session's evaluation keys. */
    public static final long DEFAULT_MAX_KEY_BYTES = 512L << 20;
    /** Default lifetime of uploaded keys. */
    public static final Duration DEFAULT_KEY_TTL = Duration.ofHours(24);

    private final Server server;
    private final ExecutorService executor;
    private final CkksContext ctx; // null when serving BFV
    private final DiagnosisEndpoint service;

    /** Options; build with {@link #builder(ServedProgram)}. */
    public static final class Builder {
        private final ServedProgram program;
        private final BfvProgram bfv;
        private final String bfvName;
        private String host = null;
        private int port = 0;
        private Path keysDir;
        private long maxKeyBytes = DEFAULT_MAX_KEY_BYTES;
        private Duration keyTtl = DEFAULT_KEY_TTL;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private Path certChain;
        private Path privateKey;
        private int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private int heThreads = 1;

        private Builder(ServedProgram program) {
            if (program == null) {
                throw new IllegalArgumentException("program must not be null");
            }
            this.program = program;
            this.bfv = null;
            this.bfvName = null;
        }

        private Builder(BfvProgram bfv, String name) {
            if (bfv == null) {
                throw new IllegalArgumentException("program must not be null");
            }
            this.program = null;
            this.bfv = bfv;
            this.bfvName = name;
        }

        /** TCP port; 0 picks a free one (see {@link InferenceServer#port()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
            }
            this.port = port;
            return this;
        }

        /** Listen on loopback only (127.0.0.1) instead of every interface. */
        public Builder loopbackOnly() {
            this.host = "127.0.0.1";
            return this;
        }

        public Builder keysDir(Path dir) {
            this.keysDir = dir;
            return this;
        }

        public Builder maxKeyBytes(long bytes) {
            if (bytes <= 0 || bytes > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException("max key bytes must be in (0, " + (Integer.MAX_VALUE - 64) + "], got " + bytes);
            }
            this.maxKeyBytes = bytes;
            return this;
        }

        public Builder keyTtl(Duration ttl) {
            this.keyTtl = ttl;
            return this;
        }

        public Builder maxMessageBytes(int bytes) {
            if (bytes < (1 << 20)) {
                throw new IllegalArgumentException("max message bytes must be at least 1 MiB, got " + bytes);
            }
            this.maxMessageBytes = bytes;
            return this;
        }

        /** Serve TLS with this PEM certificate chain and PEM (PKCS#8) private key. */
        public Builder tls(Path certChain, Path privateKey) {
            if ((certChain == null) != (privateKey == null)) {
                throw new IllegalArgumentException("TLS needs both a certificate chain and a private key, got cert="
                        + certChain + " key=" + privateKey);
            }
            this.certChain = certChain;
            this.privateKey = privateKey;
            return this;
        }

        /** Threads serving calls (each evaluation runs on one of them). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Threads inside one HE evaluation (the CKKS context's parallelism; BFV: workers per prime). */
        public Builder heThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("HE threads must be at least 1, got " + threads);
            }
            this.heThreads = threads;
            return this;
        }

        public InferenceServer start() throws IOException {
            if (keysDir == null) {
                keysDir = Path.of(System.getProperty("user.home"), ".privmed", "server-keys");
            }
            return new InferenceServer(this);
        }
    }

    public static Builder builder(ServedProgram program) {
        return new Builder(program);
    }

    /** A server for an exact BFV program (one evaluation per plaintext prime, see {@link BfvDiagnosisService}). */
    public static Builder builder(BfvProgram program, String name) {
        return new Builder(program, name);
    }

    private InferenceServer(Builder b) throws IOException {
        EvaluationKeyStore store = new EvaluationKeyStore(b.keysDir, b.maxKeyBytes, b.keyTtl);
        if (b.bfv != null) {
            this.ctx = null;
            this.service = new BfvDiagnosisService(b.bfv, b.bfvName, store, b.maxMessageBytes, b.heThreads);
        } else {
            this.ctx = new CkksContext(b.program.parameters(), b.heThreads);
            this.service = new EncryptedDiagnosisService(b.program, ctx, store, b.maxMessageBytes);
        }
        ServerCredentials creds = b.certChain == null ? InsecureServerCredentials.create()
                : TlsServerCredentials.create(b.certChain.toFile(), b.privateKey.toFile());
        this.executor = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "privmed-infer-server");
            t.setDaemon(true);
            return t;
        });
        io.grpc.ServerBuilder<?> sb = b.host == null ? Grpc.newServerBuilderForPort(b.port, creds)
                : io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
                        .forAddress(new java.net.InetSocketAddress(b.host, b.port), creds);
        this.server = sb.addService(service).executor(executor).maxInboundMessageSize(b.maxMessageBytes).build();
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            closeContexts();
            throw e;
        }
    }

    /** The port actually bound (useful after {@code port(0)}). */
    public int port() {
        return server.getPort();
    }

    /** What {@code GetProgram} answers. */
    public ProgramInfo programInfo() {
        return service.info();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        service.closeSessions();
        closeContexts();
    }

    private void closeContexts() {
        if (ctx != null) {
            ctx.close();
        } else {
            service.close();
        }
    }
}
