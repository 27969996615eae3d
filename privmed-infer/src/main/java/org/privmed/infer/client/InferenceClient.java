package org.privmed.infer.client;

import com.google.protobuf.ByteString;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.privmed.infer.proto.ClassifyRequest;
import org.privmed.infer.proto.ClassifyResponse;
import org.privmed.infer.proto.CloseSessionRequest;
import org.privmed.infer.proto.EncryptedDiagnosisGrpc;
import org.privmed.infer.proto.GetProgramRequest;
import org.privmed.infer.proto.KeyChunk;
import org.privmed.infer.proto.KeyKind;
import org.privmed.infer.proto.ProgramInfo;
import org.privmed.infer.proto.SessionOpened;

/**
 * Transport-level client of the encrypted-diagnosis service: everything it sends and receives is
 * already serialized HE frames, so it can neither leak nor need a secret key. It counts the bytes
 * of every protobuf message it sends and receives (payload only, not HTTP/2 framing).
 *
 * <p>{@link #classify} pipelines requests over one bidirectional stream with a bounded window, so
 * the server evaluates batch i while batch i+1 is on the wire, without the client buffering the
 * whole data set.
 */
public final class InferenceClient implements AutoCloseable {

    /** Size of one key-upload chunk: far below any sensible inbound message limit. */
    public static final int KEY_CHUNK_BYTES = 1 << 20;
    private static final int WINDOW = 4;
    private static final String BFV = "bfv";

    private final ManagedChannel channel;
    private final EncryptedDiagnosisGrpc.EncryptedDiagnosisBlockingStub blocking;
    private final EncryptedDiagnosisGrpc.EncryptedDiagnosisStub async;
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private volatile long partBytes = 16L << 20;

    /** One answered request: the encrypted outputs and the server's evaluation time. */
    public record Result(long requestId, List<ByteString> ciphertexts, long evaluateNanos) {
    }

    private InferenceClient(ManagedChannel channel, int maxMessageBytes) {
        this.channel = channel;
        this.blocking = EncryptedDiagnosisGrpc.newBlockingStub(channel).withMaxInboundMessageSize(maxMessageBytes);
        this.async = EncryptedDiagnosisGrpc.newStub(channel).withMaxInboundMessageSize(maxMessageBytes)
                .withMaxOutboundMessageSize(maxMessageBytes);
    }

    /**
     * Connects to {@code host:port}: plaintext when {@code trustedCert} is null, otherwise TLS
     * trusting that PEM certificate (a self-signed server certificate or its CA).
     */
    public static InferenceClient connect(String target, Path trustedCert) throws IOException {
        if (target == null || !target.contains(":")) {
            throw new IllegalArgumentException("server must be host:port, got '" + target + "'");
        }
        ChannelCredentials creds = trustedCert == null ? InsecureChannelCredentials.create()
                : TlsChannelCredentials.newBuilder().trustManager(trustedCert.toFile()).build();
        ManagedChannel ch = Grpc.newChannelBuilder(target, creds).maxInboundMessageSize(256 << 20).build();
        return new InferenceClient(ch, 256 << 20);
    }

    public ProgramInfo program() {
        GetProgramRequest req = GetProgramRequest.getDefaultInstance();
        bytesUp.addAndGet(req.getSerializedSize());
        ProgramInfo info = blocking.getProgram(req);
        bytesDown.addAndGet(info.getSerializedSize());
        return info;
    }

    /**
     * Uploads the evaluation keys (either may be null when the program needs none) in chunks and
     * returns the session the server opened.
     *
     * @throws StatusRuntimeException with the server's status if it refuses them
     */
    public SessionOpened openSession(long parametersId, byte[] relinearizationKey, byte[] galoisKeys) {
        KeyChunk.Builder head = KeyChunk.newBuilder().setParametersId(parametersId);
        return upload(List.of(head.clone().setKind(KeyKind.RELINEARIZATION_KEY), head.clone().setKind(KeyKind.GALOIS_KEYS)),
                Arrays.asList(relinearizationKey, galoisKeys));
    }

    /**
     * Uploads a BFV program's relinearization keys, one per plaintext prime (each chunk names its
     * prime and that prime's parameter id), and returns the session the server opened.
     *
     * @throws StatusRuntimeException with the server's status if it refuses them
     */
    public SessionOpened openBfvSession(long[] primeParameterIds, List<byte[]> relinearizationKeys) {
        if (primeParameterIds.length != relinearizationKeys.size()) {
            throw new IllegalArgumentException(relinearizationKeys.size() + " keys for " + primeParameterIds.length + " primes");
        }
        List<KeyChunk.Builder> heads = new ArrayList<>();
        for (int p = 0; p < primeParameterIds.length; p++) {
            heads.add(KeyChunk.newBuilder().setScheme(BFV).setPrime(p).setParametersId(primeParameterIds[p])
                    .setKind(KeyKind.RELINEARIZATION_KEY));
        }
        return upload(heads, relinearizationKeys);
    }

    private SessionOpened upload(List<KeyChunk.Builder> heads, List<byte[]> frames) {
        CompletableFuture<SessionOpened> done = new CompletableFuture<>();
        StreamObserver<KeyChunk> up = async.openSession(new StreamObserver<>() {
            @Override
            public void onNext(SessionOpened value) {
                bytesDown.addAndGet(value.getSerializedSize());
                done.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        try {
            for (int i = 0; i < heads.size(); i++) {
                sendKey(up, heads.get(i), frames.get(i), done);
            }
            up.onCompleted();
        } catch (RuntimeException e) {
            up.onError(e);
            throw e;
        }
        SessionOpened opened = await(done);
        if (opened == null) {
            throw Status.INTERNAL.withDescription("the server closed OpenSession without a session").asRuntimeException();
        }
        return opened;
    }

    private void sendKey(StreamObserver<KeyChunk> up, KeyChunk.Builder head, byte[] frame,
            CompletableFuture<SessionOpened> done) {
        if (frame == null) {
            return;
        }
        for (int off = 0; off < frame.length && !done.isDone(); off += KEY_CHUNK_BYTES) {
            int len = Math.min(KEY_CHUNK_BYTES, frame.length - off);
            KeyChunk c = head.clone().setTotalBytes(frame.length).setOffset(off)
                    .setData(ByteString.copyFrom(frame, off, len)).build();
            bytesUp.addAndGet(c.getSerializedSize());
            up.onNext(c);
        }
    }

    /**
     * Sends each batch of serialized input ciphertexts as one request over one stream and returns
     * the answers in order.
     *
     * @throws StatusRuntimeException with the server's status if it refuses a request
     */
    public List<Result> classify(String sessionId, long parametersId, List<List<ByteString>> batches) {
        List<List<Group>> grouped = new ArrayList<>(batches.size());
        for (List<ByteString> b : batches) {
            grouped.add(List.of(new Group("", 0, parametersId, b)));
        }
        return classifyGroups(sessionId, grouped);
    }

    /** The ciphertexts of one request under one parameter set: a CKKS request is one group, a BFV one a group per prime. */
    public record Group(String scheme, int prime, long parametersId, List<ByteString> ciphertexts) {
    }

    /**
     * Sends a BFV program's batches: each batch holds one ciphertext set per plaintext prime, in
     * prime order, {@code primeParameterIds[p]} the parameter id of prime p. Answers hold the
     * output sets of every prime, prime 0's first.
     */
    public List<Result> classifyBfv(String sessionId, long[] primeParameterIds, List<List<List<ByteString>>> batches) {
        List<List<Group>> grouped = new ArrayList<>(batches.size());
        for (List<List<ByteString>> b : batches) {
            if (b.size() != primeParameterIds.length) {
                throw new IllegalArgumentException("a batch holds " + b.size() + " ciphertext sets for "
                        + primeParameterIds.length + " primes");
            }
            List<Group> g = new ArrayList<>();
            for (int p = 0; p < b.size(); p++) {
                g.add(new Group(BFV, p, primeParameterIds[p], b.get(p)));
            }
            grouped.add(g);
        }
        return classifyGroups(sessionId, grouped);
    }

    private List<Result> classifyGroups(String sessionId, List<List<Group>> batches) {
        List<Result> results = new ArrayList<>(batches.size());
        Semaphore window = new Semaphore(WINDOW);
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        StreamObserver<ClassifyRequest> up = async.classify(new StreamObserver<>() {
            @Override
            public void onNext(ClassifyResponse r) {
                bytesDown.addAndGet(r.getSerializedSize());
                synchronized (results) {
                    results.add(new Result(r.getRequestId(), r.getCiphertextsList(), r.getEvaluateNanos()));
                }
                window.release();
            }

            @Override
            public void onError(Throwable t) {
                error.set(t);
                done.completeExceptionally(t);
                window.release(WINDOW * 2);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        try {
            for (int i = 0; i < batches.size(); i++) {
                window.acquire();
                if (error.get() != null) {
                    break;
                }
                List<Group> groups = batches.get(i);
                for (int g = 0; g < groups.size() && error.get() == null; g++) {
                    sendParts(up, sessionId, i, groups.get(g), g == groups.size() - 1, error);
                }
            }
            if (error.get() == null) {
                up.onCompleted();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            up.onError(Status.CANCELLED.withDescription("interrupted").asRuntimeException());
            throw Status.CANCELLED.withDescription("interrupted while classifying").asRuntimeException();
        }
        await(done);
        if (results.size() != batches.size()) {
            throw Status.INTERNAL.withDescription("sent " + batches.size() + " requests, got " + results.size() + " answers")
                    .asRuntimeException();
        }
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).requestId() != i) {
                throw Status.INTERNAL.withDescription("answer " + i + " carries request id " + results.get(i).requestId())
                        .asRuntimeException();
            }
        }
        return results;
    }

    /** One group's ciphertexts in parts below the part size; one frame always fits alone. */
    private void sendParts(StreamObserver<ClassifyRequest> up, String sessionId, long requestId, Group group,
            boolean lastGroup, AtomicReference<Throwable> error) {
        List<ByteString> cts = group.ciphertexts();
        int from = 0;
        do {
            int to = from;
            long size = 0;
            while (to < cts.size() && (to == from || size + cts.get(to).size() <= partBytes)) {
                size += cts.get(to).size();
                to++;
            }
            ClassifyRequest req = ClassifyRequest.newBuilder().setSessionId(sessionId).setScheme(group.scheme())
                    .setPrime(group.prime()).setParametersId(group.parametersId()).setRequestId(requestId)
                    .addAllCiphertexts(cts.subList(from, to)).setMore(to < cts.size() || !lastGroup).build();
            bytesUp.addAndGet(req.getSerializedSize());
            up.onNext(req);
            from = to;
        } while (from < cts.size() && error.get() == null);
    }

    /**
     * Largest ciphertext payload per Classify message; larger requests are sent in parts. Set it
     * below the server's {@code max_message_bytes} (the default, 16 MiB, is a quarter of the
     * server's default limit).
     */
    public void partBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("part size must be positive, got " + bytes);
        }
        this.partBytes = bytes;
    }

    /** Asks the server to delete the session's keys; true if it held them on disk. */
    public boolean closeSession(String sessionId) {
        CloseSessionRequest req = CloseSessionRequest.newBuilder().setSessionId(sessionId).build();
        bytesUp.addAndGet(req.getSerializedSize());
        boolean deleted = blocking.closeSession(req).getDeleted();
        bytesDown.addAndGet(2);
        return deleted;
    }

    /** Protobuf bytes sent so far. */
    public long bytesUp() {
        return bytesUp.get();
    }

    /** Protobuf bytes received so far. */
    public long bytesDown() {
        return bytesDown.get();
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof StatusRuntimeException s) {
                throw s;
            }
            throw Status.fromThrowable(c).asRuntimeException();
        }
    }
}
