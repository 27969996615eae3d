package org.privmed.infer.server;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.ckks.CkksDecryptor;
import org.privmed.he.ckks.CkksEncoder;
import org.privmed.he.ckks.CkksEncryptor;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.he.ckks.Evaluator;
import org.privmed.he.ckks.Plaintext;
import org.privmed.he.rlwe.GaloisKeys;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.he.rlwe.SecretKey;
import org.privmed.infer.service.ClientCodec;
import org.privmed.infer.service.ServedProgram;

/**
 * A small real CKKS circuit for service tests, independent of the compiler: score_c = Σ_i w_ci x_i² + b_c
 * over one image packed in the slots (a square activation then a dense layer, evaluated by
 * multiply-by-plaintext and rotate-and-sum). It needs a relinearization key and Galois keys for
 * rotations 1, 2, 4, …, so every part of the key upload is exercised.
 */
final class SquareLinearProgram implements ServedProgram {

    static final int FEATURES = 16;
    static final int CLASSES = 2;

    final CkksParameters params;
    final double[][] weights;
    final double[] bias;
    /** Input ciphertexts: input p holds features [p·F/P, (p+1)·F/P) in its first slots. */
    final int parts;

    SquareLinearProgram(CkksParameters params, double[][] weights, double[] bias) {
        this(params, weights, bias, 1);
    }

    SquareLinearProgram(CkksParameters params, double[][] weights, double[] bias, int parts) {
        if (FEATURES % parts != 0) {
            throw new IllegalArgumentException("parts must divide " + FEATURES + ", got " + parts);
        }
        this.params = params;
        this.weights = weights;
        this.bias = bias;
        this.parts = parts;
    }

    /** The same circuit with its input split over {@code p} ciphertexts. */
    SquareLinearProgram splitInto(int p) {
        return new SquareLinearProgram(params, weights, bias, p);
    }

    int width() {
        return FEATURES / parts;
    }

    /** N = 2^12 insecure-for-testing parameters with levels for the square and the dense layer. */
    static CkksParameters testParameters() {
        return CkksParameters.builder().logN(12).qBits(50, 35, 35).pBits(50).scale(Math.pow(2, 35))
                .insecureForTesting().build();
    }

    static SquareLinearProgram random(long seed) {
        Random r = new Random(seed);
        double[][] w = new double[CLASSES][FEATURES];
        double[] b = new double[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            for (int i = 0; i < FEATURES; i++) {
                w[c][i] = r.nextGaussian() * 0.5;
            }
            b[c] = r.nextGaussian();
        }
        return new SquareLinearProgram(testParameters(), w, b);
    }

    double[] plainScores(float[] x) {
        double[] s = new double[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            s[c] = bias[c];
            for (int i = 0; i < FEATURES; i++) {
                s[c] += weights[c][i] * x[i] * x[i];
            }
        }
        return s;
    }

    @Override
    public String modelName() {
        return "square-linear-test";
    }

    @Override
    public String packing() {
        return "latency";
    }

    @Override
    public CkksParameters parameters() {
        return params;
    }

    @Override
    public int[] galoisElements() {
        try (CkksContext ctx = new CkksContext(params)) {
            return ctx.galoisElementsForRotations(Evaluator.rotateAndSumSteps(width()));
        }
    }

    @Override
    public boolean needsRelinearizationKey() {
        return true;
    }

    @Override
    public int inputCiphertexts() {
        return parts;
    }

    @Override
    public int outputCiphertexts() {
        return CLASSES;
    }

    @Override
    public int imagesPerBatch() {
        return 1;
    }

    @Override
    public int classes() {
        return CLASSES;
    }

    /** The client needs only the input split and the output count; the weights stay here. */
    @Override
    public byte[] clientProgramBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FEATURES);
            out.writeInt(parts);
            out.writeInt(CLASSES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public String explain() {
        return "square, then dense " + FEATURES + " -> " + CLASSES + " by rotate-and-sum";
    }

    @Override
    public KeyedEvaluator bind(CkksContext ctx, RelinearizationKey rlk, GaloisKeys gk) {
        Evaluator ev = new Evaluator(ctx, rlk, gk);
        return in -> evaluate(ctx, ev, in);
    }

    private Ciphertext[] evaluate(CkksContext ctx, Evaluator ev, Ciphertext[] in) {
        CkksEncoder enc = new CkksEncoder(ctx);
        int w = width();
        Ciphertext[] sq = new Ciphertext[parts];
        for (int p = 0; p < parts; p++) {
            sq[p] = ev.rescale(ev.relinearize(ev.square(in[p])));
        }
        Ciphertext[] out = new Ciphertext[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            Ciphertext acc = null;
            for (int p = 0; p < parts; p++) {
                double[] wp = new double[ctx.slots()];
                System.arraycopy(weights[c], p * w, wp, 0, w);
                Plaintext pw = enc.encode(wp, sq[p].level(), params.defaultScale());
                Ciphertext term = ev.rotateAndSum(ev.rescale(ev.multiplyPlain(sq[p], pw)), w);
                acc = acc == null ? term : ev.add(acc, term);
            }
            out[c] = ev.addConstant(acc, bias[c]);
        }
        return out;
    }

    /** The client side: encrypts an image into the slots, reads slot 0 of each output. */
    static final class Codec implements ClientCodec {
        private final CkksContext ctx;
        private final CkksEncoder encoder;
        private final CkksEncryptor encryptor;
        private final CkksDecryptor decryptor;

        private final int parts;

        Codec(CkksContext ctx, SecretKey sk) {
            this(ctx, sk, 1);
        }

        Codec(CkksContext ctx, SecretKey sk, int parts) {
            this.ctx = ctx;
            this.encoder = new CkksEncoder(ctx);
            this.encryptor = new CkksEncryptor(ctx, sk);
            this.decryptor = new CkksDecryptor(ctx, sk);
            this.parts = parts;
        }

        @Override
        public Ciphertext[] encrypt(float[][] images) {
            if (images.length != 1) {
                throw new IllegalArgumentException("latency packing takes one image per request, got " + images.length);
            }
            int w = FEATURES / parts;
            Ciphertext[] out = new Ciphertext[parts];
            for (int p = 0; p < parts; p++) {
                double[] slots = new double[ctx.slots()];
                for (int i = 0; i < w; i++) {
                    slots[i] = images[0][p * w + i];
                }
                out[p] = encryptor.encrypt(encoder.encode(slots, ctx.maxLevel(), ctx.params().defaultScale()));
            }
            return out;
        }

        @Override
        public double[][] decrypt(Ciphertext[] outputs, int images) {
            double[] scores = new double[outputs.length];
            for (int c = 0; c < outputs.length; c++) {
                scores[c] = encoder.decodeReal(decryptor.decrypt(outputs[c]))[0];
            }
            return new double[][] {scores};
        }
    }
}
