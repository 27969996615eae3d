package org.privmed.infer.client;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.privmed.eval.timing.Phase;
import org.privmed.eval.timing.PhaseTimer;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.serial.HeFormatException;
import org.privmed.he.serial.HeSerializer;
import org.privmed.infer.proto.ProgramInfo;
import org.privmed.infer.service.ClientCodec;

/**
 * The clinic's side of one encrypted diagnosis run: encrypt images batch by batch, send them over
 * an open session, decrypt the scores. Phases are timed as the common report counts them:
 * "encrypt" (encode + encrypt + serialize), "evaluate" (the server's own evaluation time, as it
 * reports it), "decrypt" (parse + decrypt + decode), and "round trip" (wall time from the first
 * request to the last answer, which includes evaluation and transfer).
 */
public final class EncryptedDiagnosis {

    /**
     * Latency requests encrypted ahead per chunk: bounds client memory on large test sets. A
     * throughput batch (hundreds of ciphertexts, GBs in memory) goes one per chunk.
     */
    private static final int CHUNK_REQUESTS = 16;

    private final InferenceClient transport;
    private final ProgramInfo program;
    private final CkksContext ctx;
    private final ClientCodec codec;
    private final HeSerializer serializer;

    public EncryptedDiagnosis(InferenceClient transport, ProgramInfo program, CkksContext ctx, ClientCodec codec) {
        if (ctx.paramsId() != program.getParametersId()) {
            throw new IllegalArgumentException("client context has parameter set " + Long.toHexString(ctx.paramsId())
                    + " but the server's program uses " + Long.toHexString(program.getParametersId()));
        }
        this.transport = transport;
        this.program = program;
        this.ctx = ctx;
        this.codec = codec;
        this.serializer = new HeSerializer(ctx);
    }

    /**
     * Classifies every image over the session and returns one row of decrypted scores (logits) per
     * image, in order.
     */
    public double[][] classify(String sessionId, float[][] images, PhaseTimer timer) {
        int perBatch = Math.max(1, program.getImagesPerBatch());
        int batches = (images.length + perBatch - 1) / perBatch;
        double[][] scores = new double[images.length][];
        int chunk = program.getInputCiphertexts() > 1 ? 1 : CHUNK_REQUESTS;
        for (int first = 0; first < batches; first += chunk) {
            int last = Math.min(batches, first + chunk);
            List<List<ByteString>> requests = new ArrayList<>(last - first);
            int[] counts = new int[last - first];
            try (PhaseTimer.Lap lap = timer.start(Phase.ENCRYPT)) {
                for (int b = first; b < last; b++) {
                    int from = b * perBatch;
                    int to = Math.min(images.length, from + perBatch);
                    counts[b - first] = to - from;
                    Ciphertext[] cts = codec.encrypt(Arrays.copyOfRange(images, from, to));
                    if (cts.length != program.getInputCiphertexts()) {
                        throw new IllegalStateException("the codec produced " + cts.length
                                + " ciphertexts; the server's program takes " + program.getInputCiphertexts());
                    }
                    List<ByteString> frames = new ArrayList<>(cts.length);
                    for (Ciphertext c : cts) {
                        frames.add(ByteString.copyFrom(serializer.write(c)));
                    }
                    requests.add(frames);
                }
            }
            List<InferenceClient.Result> answers;
            try (PhaseTimer.Lap lap = timer.start("round trip")) {
                answers = transport.classify(sessionId, program.getParametersId(), requests);
            }
            for (InferenceClient.Result r : answers) {
                timer.add(Phase.EVALUATE, r.evaluateNanos());
            }
            try (PhaseTimer.Lap lap = timer.start(Phase.DECRYPT)) {
                for (int i = 0; i < answers.size(); i++) {
                    InferenceClient.Result r = answers.get(i);
                    if (r.ciphertexts().size() != program.getOutputCiphertexts()) {
                        throw new IllegalStateException("answer " + (first + i) + " has " + r.ciphertexts().size()
                                + " ciphertexts; the program promises " + program.getOutputCiphertexts());
                    }
                    Ciphertext[] out = new Ciphertext[r.ciphertexts().size()];
                    for (int k = 0; k < out.length; k++) {
                        try {
                            out[k] = serializer.readCiphertext(r.ciphertexts().get(k).toByteArray());
                        } catch (HeFormatException e) {
                            throw new IllegalStateException("the server's answer " + (first + i) + ", ciphertext " + k
                                    + ", is malformed: " + e.getMessage(), e);
                        }
                    }
                    double[][] rows = codec.decrypt(out, counts[i]);
                    int from = (first + i) * perBatch;
                    for (int j = 0; j < counts[i]; j++) {
                        scores[from + j] = rows[j];
                    }
                }
            }
        }
        return scores;
    }

    public CkksContext context() {
        return ctx;
    }
}
