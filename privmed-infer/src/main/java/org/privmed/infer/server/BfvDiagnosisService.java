package org.privmed.infer.server;

import static org.privmed.infer.server.SessionCache.abbreviate;
import static org.privmed.infer.server.SessionCache.frameError;
import static org.privmed.infer.server.SessionCache.invalid;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import org.privmed.he.bfv.BfvCiphertext;
import org.privmed.he.bfv.BfvContext;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.he.serial.BfvSerializer;
import org.privmed.he.serial.HeFormatException;
import org.privmed.he.serial.HeSerializer;
import org.privmed.infer.bfv.BfvClientProgram;
import org.privmed.infer.bfv.BfvProgram;
import org.privmed.infer.bfv.BfvThroughputEvaluator;
import org.privmed.infer.keys.EvaluationKeyStore;
import org.privmed.infer.proto.BfvPrime;
import org.privmed.infer.proto.ClassifyRequest;
import org.privmed.infer.proto.ClassifyResponse;
import org.privmed.infer.proto.KeyChunk;
import org.privmed.infer.proto.KeyKind;
import org.privmed.infer.proto.ProgramInfo;
import org.privmed.infer.proto.SessionOpened;

/**
 * The encrypted-diagnosis service for an exact BFV program (CryptoNets, Gilad-Bachrach et al.,
 * ICML 2016): the same four calls as {@link EncryptedDiagnosisService}, where every key and
 * ciphertext names one of the k plaintext primes and carries that prime's parameter id. A session
 * holds one relinearization key per prime (stored concatenated under the program id, under the
 * store's size cap and expiry); a request holds one input set per prime, primes in order; the
 * answer one output set per prime. Every message is checked before work is done on it (scheme,
 * prime index, parameter id, object type, level, counts), and a bad one ends only its own call, with
 * the same status codes as the CKKS service. A CKKS message (no scheme) is refused with a status
 * saying this server runs BFV.
 */
final class BfvDiagnosisService extends DiagnosisService<List<BfvThroughputEvaluator>> {

    static final String SCHEME = "bfv";

    private final BfvProgram program;
    private final BfvClientProgram client;
    private final List<BfvContext> contexts = new ArrayList<>();
    private final List<BfvSerializer> serializers = new ArrayList<>();
    private final long[] primeIds;
    private final long programId;
    private final int heThreads;
    private final EvaluationKeyStore store;
    /** Shared by every session's evaluators: the primes of a request run at once on its workers. */
    private final ForkJoinPool pool;

    BfvDiagnosisService(BfvProgram program, String name, EvaluationKeyStore store, int maxMessageBytes,
            int heThreads) {
        this.program = program;
        this.client = BfvClientProgram.of(program);
        this.store = store;
        this.heThreads = heThreads;
        this.pool = heThreads == 1 ? null : new ForkJoinPool(heThreads);
        int k = program.primeCount();
        this.primeIds = new long[k];
        ProgramInfo.Builder b = ProgramInfo.newBuilder().setScheme(SCHEME)
                .setModelName(name == null || name.isBlank() ? program.model().name() : name)
                .setPacking("throughput").setNeedsRelinearizationKey(true)
                .setInputCiphertexts(client.inputSize()).setOutputCiphertexts(client.classes())
                .setInputLevel(client.inputLevel()).setImagesPerBatch(client.imagesPerBatch())
                .setClasses(client.classes()).setMaxKeyBytes(store.maxSessionBytes())
                .setMaxMessageBytes(maxMessageBytes).setBfvClientProgram(ByteString.copyFrom(client.toBytes()));
        for (int p = 0; p < k; p++) {
            BfvContext ctx = new BfvContext(program.parameters(p), heThreads);
            contexts.add(ctx);
            serializers.add(new BfvSerializer(ctx));
            primeIds[p] = ctx.paramsId();
            b.addBfvPrimes(BfvPrime.newBuilder()
                    .setParameters(ByteString.copyFrom(BfvSerializer.writeParameters(program.parameters(p))))
                    .setParametersId(primeIds[p]).setInputLevel(client.inputLevel())
                    .setOutputLevel(client.outputLevel()));
        }
        this.programId = client.programId();
        SessionCache<List<BfvThroughputEvaluator>> sessions = new SessionCache<>(store, programId, "this BFV program",
                st -> bind(st.relinearizationKey()), BfvDiagnosisService::close);
        serve(b.setBfvProgramId(programId).setExplain(explainForClients(b.getModelName())).build(), sessions);
    }

    /** The plan in words, without the network's scales or value ranges. */
    private String explainForClients(String name) {
        return String.format(Locale.ROOT, "BFV program for %s (throughput packing, exact integers): %d plaintext "
                + "primes %s, N = %d (%d images per batch), inputs at level %d, outputs at level %d; per prime %d "
                + "input and %d output ciphertexts; keys: one relinearization key per prime, no rotations%n",
                name, client.primeCount(),
                Arrays.toString(client.plainPrimes()), client.imagesPerBatch(), client.imagesPerBatch(),
                client.inputLevel(), client.outputLevel(), client.inputSize(), client.classes());
    }



    // ------------------------------------------------------------------ OpenSession

    @Override
    public StreamObserver<KeyChunk> openSession(StreamObserver<SessionOpened> out) {
        return new KeyUpload(out);
    }

    /** One client's chunked upload of k relinearization keys; gRPC delivers a call's messages serially. */
    private final class KeyUpload extends KeyUploadCall {
        private final ChunkedKeyFrame[] frames = new ChunkedKeyFrame[primeIds.length];

        KeyUpload(StreamObserver<SessionOpened> out) {
            super(out);
        }

        @Override
        void accept(KeyChunk c) {
            checkScheme(c.getScheme(), "key chunk");
            int p = checkPrime(c.getPrime(), c.getParametersId(), "key chunk");
            if (c.getKind() != KeyKind.RELINEARIZATION_KEY) {
                throw invalid("a BFV program needs relinearization keys only (no rotations), got " + c.getKind());
            }
            if (frames[p] == null) {
                frames[p] = new ChunkedKeyFrame("prime " + p + "'s relinearization key", c);
                reserve(frames[p].total(), store.maxSessionBytes());
            }
            frames[p].append(c);
        }

        @Override
        void discard() {
            Arrays.fill(frames, null);
        }

        @Override
        SessionOpened finish() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int p = 0; p < frames.length; p++) {
                if (frames[p] == null) {
                    throw invalid("the program needs a relinearization key for each of its " + frames.length
                            + " plaintext primes; none was uploaded for prime " + p);
                }
                all.writeBytes(frames[p].complete());
            }
            byte[] joined = all.toByteArray();
            EvaluationKeyStore.StoredSession stored = sessions().open(joined, null, bind(joined));
            return SessionOpened.newBuilder().setSessionId(stored.sessionId())
                    .setExpiresAtEpochMs(stored.expiresAtEpochMs()).setStoredKeyBytes(stored.bytes()).build();
        }
    }

    /** Parses k concatenated relinearization-key frames, each under its prime, and binds evaluators. */
    private List<BfvThroughputEvaluator> bind(byte[] joined) {
        if (joined == null) {
            throw Status.FAILED_PRECONDITION.withDescription("the session holds no relinearization keys")
                    .asRuntimeException();
        }
        List<BfvThroughputEvaluator> evs = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(joined)) {
            for (int p = 0; p < primeIds.length; p++) {
                RelinearizationKey rk = serializers.get(p).readRelinearizationKey(HeSerializer.readFrame(in));
                evs.add(pool == null ? new BfvThroughputEvaluator(program, p, contexts.get(p), rk, 1)
                        : new BfvThroughputEvaluator(program, p, contexts.get(p), rk, pool));
            }
            if (in.available() != 0) {
                throw invalid(in.available() + " bytes after the " + primeIds.length + " relinearization keys");
            }
        } catch (HeFormatException e) {
            evs.forEach(BfvThroughputEvaluator::close);
            throw frameError(e, "relinearization key " + evs.size());
        } catch (IOException e) {
            evs.forEach(BfvThroughputEvaluator::close);
            throw invalid("relinearization key " + evs.size() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            evs.forEach(BfvThroughputEvaluator::close);
            throw invalid("the keys do not fit the program: " + e.getMessage());
        }
        return evs;
    }

    private static void close(List<BfvThroughputEvaluator> evaluators) {
        evaluators.forEach(BfvThroughputEvaluator::close);
    }

    // ------------------------------------------------------------------ Classify

    @Override
    public StreamObserver<ClassifyRequest> classify(StreamObserver<ClassifyResponse> out) {
        return new ClassifyCall<>(out, new ClassifyCall.Handler<List<BfvCiphertext>>() {
            @Override
            public void accept(ClassifyRequest part, List<List<BfvCiphertext>> pending) {
                BfvDiagnosisService.this.accept(part, pending);
            }

            @Override
            public ClassifyResponse evaluate(ClassifyRequest head, List<List<BfvCiphertext>> inputs) {
                return BfvDiagnosisService.this.evaluate(head, inputs);
            }
        });
    }

    /** Checks one part's ciphertexts and adds them to its prime's set of the request being assembled. */
    private void accept(ClassifyRequest r, List<List<BfvCiphertext>> pending) {
        checkScheme(r.getScheme(), "classify request");
        sessions().get(r.getSessionId());
        int p = checkPrime(r.getPrime(), r.getParametersId(), "classify request");
        int expected = client.inputSize();
        // the prime being filled: the last one started, or the next when it is full
        int current = pending.isEmpty() ? 0
                : pending.get(pending.size() - 1).size() < expected ? pending.size() - 1 : pending.size();
        if (p != current) {
            throw invalid("this part carries ciphertexts of prime " + p + " where prime " + current + "'s are due"
                    + " (a request holds " + expected + " ciphertexts per prime, prime 0 first)");
        }
        if (current == pending.size()) {
            pending.add(new ArrayList<>(expected));
        }
        List<BfvCiphertext> set = pending.get(p);
        if (set.size() + r.getCiphertextsCount() > expected) {
            throw invalid("the program takes " + expected + " input ciphertexts per prime, prime " + p + " got "
                    + (set.size() + r.getCiphertextsCount()));
        }
        for (int k = 0; k < r.getCiphertextsCount(); k++) {
            int i = set.size();
            BfvCiphertext c;
            try {
                c = serializers.get(p).readCiphertext(r.getCiphertexts(k).toByteArray());
            } catch (HeFormatException e) {
                throw frameError(e, "prime " + p + " input ciphertext " + i);
            }
            if (c.level() != client.inputLevel()) {
                throw invalid("prime " + p + " input ciphertext " + i + " is at level " + c.level()
                        + "; the program takes inputs at level " + client.inputLevel());
            }
            if (c.size() != 2) {
                throw invalid("prime " + p + " input ciphertext " + i + " has " + c.size()
                        + " polys; inputs must be 2-poly fresh encryptions");
            }
            set.add(c);
        }
        if (!r.getMore() && (pending.size() != primeIds.length || set.size() != expected)) {
            throw invalid("the request ended after " + ((pending.size() - 1) * (long) expected + set.size())
                    + " ciphertexts; the program takes " + expected + " per prime for each of its " + primeIds.length
                    + " primes");
        }
    }

    private ClassifyResponse evaluate(ClassifyRequest r, List<List<BfvCiphertext>> in) {
        List<BfvThroughputEvaluator> evaluators = sessions().get(r.getSessionId());
        long t0 = System.nanoTime();
        BfvCiphertext[][] inputs = new BfvCiphertext[in.size()][];
        for (int p = 0; p < inputs.length; p++) {
            inputs[p] = in.get(p).toArray(new BfvCiphertext[0]);
        }
        BfvCiphertext[][] outs;
        try {
            outs = BfvThroughputEvaluator.evaluateAll(evaluators, inputs, pool);
        } catch (IllegalArgumentException e) {
            throw invalid("the inputs cannot be evaluated: " + e.getMessage());
        }
        long nanos = System.nanoTime() - t0;
        ClassifyResponse.Builder b = ClassifyResponse.newBuilder().setRequestId(r.getRequestId()).setEvaluateNanos(nanos);
        for (int p = 0; p < outs.length; p++) {
            for (BfvCiphertext c : outs[p]) {
                b.addCiphertexts(ByteString.copyFrom(serializers.get(p).write(c)));
            }
        }
        return b.build();
    }

    // ------------------------------------------------------------------ CloseSession



    @Override
    public void close() {
        closeSessions();
        if (pool != null) {
            pool.shutdown();
        }
        contexts.forEach(BfvContext::close);
    }

    // ------------------------------------------------------------------ checks

    private static void checkScheme(String scheme, String what) {
        if (!SCHEME.equals(scheme)) {
            throw Status.FAILED_PRECONDITION.withDescription("this server runs a BFV program, but the " + what
                    + " is for " + (scheme.isEmpty() ? "CKKS" : "'" + abbreviate(scheme) + "'")
                    + " (run privmed keygen against this server; it picks the scheme from the program)")
                    .asRuntimeException();
        }
    }

    /** The prime index, checked, with the parameter id it must carry. */
    private int checkPrime(int prime, long parametersId, String what) {
        if (prime < 0 || prime >= primeIds.length) {
            throw invalid("the " + what + " names plaintext prime " + prime + "; this program has primes 0 to "
                    + (primeIds.length - 1));
        }
        if (parametersId != primeIds[prime]) {
            throw Status.FAILED_PRECONDITION.withDescription("the " + what + " for prime " + prime
                    + " names parameter set " + Long.toHexString(parametersId) + " but prime " + prime
                    + " (t = " + program.parameters(prime).plainModulus() + ") runs "
                    + Long.toHexString(primeIds[prime]) + " (fetch the program and run keygen again)")
                    .asRuntimeException();
        }
        return prime;
    }
}
