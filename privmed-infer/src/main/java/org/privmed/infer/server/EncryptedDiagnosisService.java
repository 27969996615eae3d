package org.privmed.infer.server;

import static org.privmed.infer.server.SessionCache.abbreviate;
import static org.privmed.infer.server.SessionCache.frameError;
import static org.privmed.infer.server.SessionCache.invalid;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.Arrays;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.rlwe.GaloisKeys;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.he.serial.HeFormatException;
import org.privmed.he.serial.HeSerializer;
import org.privmed.infer.keys.EvaluationKeyStore;
import org.privmed.infer.proto.ClassifyRequest;
import org.privmed.infer.proto.ClassifyResponse;
import org.privmed.infer.proto.KeyChunk;
import org.privmed.infer.proto.KeyKind;
import org.privmed.infer.proto.ProgramInfo;
import org.privmed.infer.proto.SessionOpened;
import org.privmed.infer.service.ServedProgram;

/**
 * The gRPC service: hands out the program description, accepts evaluation keys, evaluates
 * encrypted batches. Every message is checked before any work is done on it, and a bad one ends
 * only its own call with a status that says what was wrong:
 * <ul>
 *   <li>INVALID_ARGUMENT: malformed or inconsistent data (corrupt or truncated frames, wrong object
 *       type — a secret key above all —, wrong level or ciphertext count, missing Galois keys);</li>
 *   <li>FAILED_PRECONDITION: objects made for another parameter set than the server's;</li>
 *   <li>NOT_FOUND: unknown, closed or expired session;</li>
 *   <li>RESOURCE_EXHAUSTED: key uploads over the per-session cap.</li>
 * </ul>
 * The validation order follows SEAL's habit of checking the parameter id of every object on
 * load ({@code is_valid_for}) before touching its payload.
 */
final class EncryptedDiagnosisService extends DiagnosisService<ServedProgram.KeyedEvaluator> {


    private final ServedProgram program;
    private final CkksContext ctx;
    private final HeSerializer serializer;
    private final EvaluationKeyStore store;

    /** Parsed and checked keys, before they are bound to the program. */
    private record ParsedKeys(RelinearizationKey relinearizationKey, GaloisKeys galoisKeys) {
    }

    EncryptedDiagnosisService(ServedProgram program, CkksContext ctx, EvaluationKeyStore store, int maxMessageBytes) {
        this.program = program;
        this.ctx = ctx;
        this.serializer = new HeSerializer(ctx);
        this.store = store;
        SessionCache<ServedProgram.KeyedEvaluator> sessions = new SessionCache<>(store, program.parameters().id(), "this server",
                st -> bind(parse(st.relinearizationKey(), st.galoisKeys())), ServedProgram.KeyedEvaluator::close);
        ProgramInfo.Builder b = ProgramInfo.newBuilder()
                .setScheme("ckks")
                .setModelName(program.modelName())
                .setPacking(program.packing())
                .setParameters(ByteString.copyFrom(HeSerializer.writeParameters(program.parameters())))
                .setParametersId(program.parameters().id())
                .setNeedsRelinearizationKey(program.needsRelinearizationKey())
                .setInputCiphertexts(program.inputCiphertexts())
                .setOutputCiphertexts(program.outputCiphertexts())
                .setInputLevel(program.inputLevel())
                .setImagesPerBatch(program.imagesPerBatch())
                .setClasses(program.classes())
                .setClientProgram(ByteString.copyFrom(program.clientProgramBytes()))
                .setMaxKeyBytes(store.maxSessionBytes())
                .setMaxMessageBytes(maxMessageBytes)
                .setExplain(program.explain());
        for (int g : program.galoisElements()) {
            b.addGaloisElements(g);
        }
        serve(b.build(), sessions);
    }



    // ------------------------------------------------------------------ OpenSession

    @Override
    public StreamObserver<KeyChunk> openSession(StreamObserver<SessionOpened> out) {
        return new KeyUpload(out);
    }

    /** One client's chunked key upload; gRPC delivers a call's messages serially. */
    private final class KeyUpload extends KeyUploadCall {
        private final ChunkedKeyFrame[] frames = new ChunkedKeyFrame[KeyKind.values().length];

        KeyUpload(StreamObserver<SessionOpened> out) {
            super(out);
        }

        @Override
        void accept(KeyChunk c) {
            checkScheme(c.getScheme(), "key chunk");
            checkParametersId(c.getParametersId(), "key chunk");
            KeyKind kind = c.getKind();
            if (kind != KeyKind.RELINEARIZATION_KEY && kind != KeyKind.GALOIS_KEYS) {
                throw invalid("key chunk kind must be RELINEARIZATION_KEY or GALOIS_KEYS, got " + c.getKindValue());
            }
            if (kind == KeyKind.RELINEARIZATION_KEY && !program.needsRelinearizationKey()) {
                throw invalid("this program needs no relinearization key; do not upload one");
            }
            if (kind == KeyKind.GALOIS_KEYS && program.galoisElements().length == 0) {
                throw invalid("this program needs no Galois keys; do not upload any");
            }
            int k = kind.getNumber();
            if (frames[k] == null) {
                frames[k] = new ChunkedKeyFrame("the " + kind, c);
                reserve(frames[k].total(), store.maxSessionBytes());
            }
            frames[k].append(c);
        }

        @Override
        void discard() {
            Arrays.fill(frames, null);
        }

        @Override
        SessionOpened finish() {
            byte[] rlk = complete(KeyKind.RELINEARIZATION_KEY, program.needsRelinearizationKey());
            byte[] gk = complete(KeyKind.GALOIS_KEYS, program.galoisElements().length > 0);
            ServedProgram.KeyedEvaluator evaluator = bind(parse(rlk, gk));
            EvaluationKeyStore.StoredSession stored = sessions().open(rlk, gk, evaluator);
            return SessionOpened.newBuilder().setSessionId(stored.sessionId())
                    .setExpiresAtEpochMs(stored.expiresAtEpochMs()).setStoredKeyBytes(stored.bytes()).build();
        }

        private byte[] complete(KeyKind kind, boolean needed) {
            ChunkedKeyFrame f = frames[kind.getNumber()];
            if (f == null) {
                if (needed) {
                    throw invalid("the program needs a " + kind + " but none was uploaded");
                }
                return null;
            }
            return f.complete();
        }
    }

    /** Parses and checks uploaded (or stored) key frames against the program. */
    private ParsedKeys parse(byte[] rlk, byte[] gk) {
        RelinearizationKey relin = null;
        GaloisKeys galois = null;
        try {
            if (rlk != null) {
                relin = serializer.readRelinearizationKey(rlk);
            }
            if (gk != null) {
                galois = serializer.readGaloisKeys(gk);
            }
        } catch (HeFormatException e) {
            throw frameError(e, "evaluation key");
        }
        if (galois != null) {
            StringBuilder missing = new StringBuilder();
            for (int g : program.galoisElements()) {
                if (!galois.has(g)) {
                    missing.append(missing.length() == 0 ? "" : ", ").append(g);
                }
            }
            if (missing.length() > 0) {
                throw invalid("the Galois keys lack elements the program rotates by: " + missing);
            }
        }
        return new ParsedKeys(relin, galois);
    }

    private ServedProgram.KeyedEvaluator bind(ParsedKeys k) {
        try {
            return program.bind(ctx, k.relinearizationKey(), k.galoisKeys());
        } catch (IllegalArgumentException e) {
            throw invalid("the keys do not fit the program: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ Classify

    @Override
    public StreamObserver<ClassifyRequest> classify(StreamObserver<ClassifyResponse> out) {
        return new ClassifyCall<>(out, new ClassifyCall.Handler<Ciphertext>() {
            @Override
            public void accept(ClassifyRequest part, java.util.List<Ciphertext> pending) {
                EncryptedDiagnosisService.this.accept(part, pending);
            }

            @Override
            public ClassifyResponse evaluate(ClassifyRequest head, java.util.List<Ciphertext> inputs) {
                return EncryptedDiagnosisService.this.evaluate(head, inputs.toArray(new Ciphertext[0]));
            }
        });
    }

    /** Checks one message's ciphertexts and adds them to the request being assembled. */
    private void accept(ClassifyRequest r, java.util.List<Ciphertext> pending) {
        checkScheme(r.getScheme(), "classify request");
        sessions().get(r.getSessionId());
        checkParametersId(r.getParametersId(), "classify request");
        int expected = program.inputCiphertexts();
        if (pending.size() + r.getCiphertextsCount() > expected) {
            throw invalid("the program takes " + expected + " input ciphertexts per request, got "
                    + (pending.size() + r.getCiphertextsCount()) + (r.getMore() ? " and more announced" : ""));
        }
        for (int k = 0; k < r.getCiphertextsCount(); k++) {
            int i = pending.size();
            Ciphertext c;
            try {
                c = serializer.readCiphertext(r.getCiphertexts(k).toByteArray());
            } catch (HeFormatException e) {
                throw frameError(e, "input ciphertext " + i);
            }
            if (c.level() != program.inputLevel()) {
                throw invalid("input ciphertext " + i + " is at level " + c.level() + "; the program takes inputs at level "
                        + program.inputLevel());
            }
            if (c.size() != 2) {
                throw invalid("input ciphertext " + i + " has " + c.size() + " polys; inputs must be 2-poly fresh encryptions");
            }
            pending.add(c);
        }
        if (!r.getMore() && pending.size() != expected) {
            throw invalid("the program takes " + expected + " input ciphertexts per request, got " + pending.size());
        }
    }

    private ClassifyResponse evaluate(ClassifyRequest r, Ciphertext[] in) {
        ServedProgram.KeyedEvaluator evaluator = sessions().get(r.getSessionId());
        long t0 = System.nanoTime();
        Ciphertext[] outCts;
        try {
            outCts = evaluator.evaluate(in);
        } catch (IllegalArgumentException e) {
            throw invalid("the inputs cannot be evaluated: " + e.getMessage());
        }
        long nanos = System.nanoTime() - t0;
        ClassifyResponse.Builder b = ClassifyResponse.newBuilder().setRequestId(r.getRequestId()).setEvaluateNanos(nanos);
        for (Ciphertext c : outCts) {
            b.addCiphertexts(ByteString.copyFrom(serializer.write(c)));
        }
        return b.build();
    }

    // ------------------------------------------------------------------ CloseSession



    // ------------------------------------------------------------------ checks

    /** A message of another scheme (a BFV client) gets a status naming both schemes. */
    private static void checkScheme(String scheme, String what) {
        if (!scheme.isEmpty() && !scheme.equals("ckks")) {
            throw Status.FAILED_PRECONDITION.withDescription("this server runs a CKKS program, but the " + what
                    + " is for '" + abbreviate(scheme) + "' (run privmed keygen against this server; it picks the"
                    + " scheme from the program)").asRuntimeException();
        }
    }

    private void checkParametersId(long got, String what) {
        long want = program.parameters().id();
        if (got != want) {
            throw Status.FAILED_PRECONDITION.withDescription("the " + what + " names parameter set " + Long.toHexString(got)
                    + " but this server runs " + Long.toHexString(want) + " (fetch the program and run keygen again)")
                    .asRuntimeException();
        }
    }
}
