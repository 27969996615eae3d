package org.privmed.infer.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.privmed.eval.timing.Phase;
import org.privmed.eval.timing.PhaseTimer;
import org.privmed.he.bfv.BfvCiphertext;
import org.privmed.he.bfv.BfvContext;
import org.privmed.he.bfv.BfvParameters;
import org.privmed.he.rlwe.SecretKey;
import org.privmed.he.serial.BfvSerializer;
import org.privmed.he.serial.HeFormatException;
import org.privmed.he.serial.HeSerializer;
import org.privmed.infer.bfv.BfvClient;
import org.privmed.infer.bfv.BfvClientProgram;
import org.privmed.infer.compile.ProgramFormatException;
import org.privmed.infer.keys.ClientKeyDirectory;
import org.privmed.infer.proto.BfvPrime;
import org.privmed.infer.proto.ProgramInfo;
import org.privmed.infer.proto.SessionOpened;

/**
 * A clinic's keys for a served BFV program: a secret key and a relinearization key per plaintext
 * prime, generated locally from the published {@link BfvClientProgram} (the server never sees a
 * secret key), kept in a {@link ClientKeyDirectory} (each file the k frames of its kind, in prime
 * order), and the client side of a run: quantize, encrypt under every prime, send, decrypt, join
 * the residues by the CRT.
 */
public final class BfvKeyring implements AutoCloseable {

    private final ProgramInfo info;
    private final BfvClientProgram program;
    private final List<BfvContext> contexts;
    private final List<BfvSerializer> serializers = new ArrayList<>();
    private final BfvClient client;
    private final List<byte[]> relinearizationKeys;
    private final long[] primeIds;

    private BfvKeyring(ProgramInfo info, BfvClientProgram program, List<BfvContext> contexts, List<SecretKey> secretKeys,
            List<byte[]> relinearizationKeys) {
        this.info = info;
        this.program = program;
        this.contexts = contexts;
        for (BfvContext c : contexts) {
            serializers.add(new BfvSerializer(c));
        }
        this.client = new BfvClient(program, contexts, secretKeys);
        this.primeIds = program.parameters().stream().mapToLong(BfvParameters::id).toArray();
        if (relinearizationKeys == null) {
            List<byte[]> rk = new ArrayList<>();
            for (int p = 0; p < contexts.size(); p++) {
                rk.add(serializers.get(p).write(client.relinearizationKey(p)));
            }
            relinearizationKeys = rk;
        }
        this.relinearizationKeys = List.copyOf(relinearizationKeys);
    }

    /** The scheme a program description announces ("ckks" for servers that predate the field). */
    public static String scheme(ProgramInfo info) {
        return info.getScheme().isEmpty() ? "ckks" : info.getScheme();
    }

    /**
     * The BFV client program a server published, checked against everything else it announces
     * (each prime's parameters, id and levels, the program id, the counts).
     *
     * @throws ProgramFormatException naming what is wrong (a CKKS program among others)
     */
    public static BfvClientProgram published(ProgramInfo info) {
        if (!"bfv".equals(scheme(info))) {
            throw new ProgramFormatException("the server runs a " + scheme(info).toUpperCase(java.util.Locale.ROOT)
                    + " program, not a BFV one");
        }
        BfvClientProgram p = BfvClientProgram.fromBytes(info.getBfvClientProgram().toByteArray());
        require(info.getBfvPrimesCount() == p.primeCount(), "the server announces " + info.getBfvPrimesCount()
                + " primes but its client program has " + p.primeCount());
        for (int i = 0; i < p.primeCount(); i++) {
            BfvPrime bp = info.getBfvPrimes(i);
            BfvParameters announced;
            try {
                announced = BfvSerializer.readParameters(bp.getParameters().toByteArray());
            } catch (HeFormatException e) {
                throw new ProgramFormatException("prime " + i + ": " + e.getMessage());
            }
            long id = p.parameters().get(i).id();
            require(announced.id() == id && bp.getParametersId() == id, String.format("prime %d: the server announces "
                    + "parameters %016x (frame %016x) but its client program uses %016x", i, bp.getParametersId(),
                    announced.id(), id));
            require(bp.getInputLevel() == p.inputLevel() && bp.getOutputLevel() == p.outputLevel(),
                    "prime " + i + ": levels disagree with the client program");
        }
        require(info.getBfvProgramId() == p.programId(), "program id disagrees with the primes' parameter ids");
        require(info.getInputCiphertexts() == p.inputSize() && info.getOutputCiphertexts() == p.classes()
                && info.getImagesPerBatch() == p.imagesPerBatch() && info.getInputLevel() == p.inputLevel(),
                "ciphertext counts, batch size or input level disagree with the client program");
        return p;
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new ProgramFormatException("BFV program description: " + what);
        }
    }

    /** Fresh keys for a published program (SecureRandom-seeded inside the key generator). */
    public static BfvKeyring generate(ProgramInfo info, int threads) {
        BfvClientProgram p = published(info);
        return new BfvKeyring(info, p, contexts(p, threads), null, null);
    }

    private static List<BfvContext> contexts(BfvClientProgram p, int threads) {
        List<BfvContext> ctx = new ArrayList<>();
        for (BfvParameters params : p.parameters()) {
            ctx.add(new BfvContext(params, threads));
        }
        return ctx;
    }

    /** Writes program, parameters, secret keys (0600) and relinearization keys. */
    public void save(ClientKeyDirectory dir, boolean overwrite) throws IOException {
        ByteArrayOutputStream params = new ByteArrayOutputStream();
        ByteArrayOutputStream secret = new ByteArrayOutputStream();
        ByteArrayOutputStream relin = new ByteArrayOutputStream();
        for (int p = 0; p < contexts.size(); p++) {
            params.writeBytes(BfvSerializer.writeParameters(program.parameters().get(p)));
            secret.writeBytes(serializers.get(p).write(client.secretKey(p)));
            relin.writeBytes(relinearizationKeys.get(p));
        }
        dir.write(info.toByteArray(), params.toByteArray(), secret.toByteArray(), relin.toByteArray(), null, overwrite);
    }

    /** True if the key directory was written for a BFV program. */
    public static boolean isBfv(ClientKeyDirectory dir) throws IOException {
        return "bfv".equals(scheme(programOf(dir)));
    }

    private static ProgramInfo programOf(ClientKeyDirectory dir) throws IOException {
        try {
            return ProgramInfo.parseFrom(dir.program());
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("corrupt " + ClientKeyDirectory.PROGRAM + " in " + dir.directory() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Loads keys written by {@link #save}; every frame is parsed and checked against its prime. */
    public static BfvKeyring load(ClientKeyDirectory dir, int threads) throws IOException {
        ProgramInfo info = programOf(dir);
        BfvClientProgram p;
        try {
            p = published(info);
        } catch (ProgramFormatException e) {
            throw new IOException(dir.directory() + ": " + e.getMessage(), e);
        }
        List<BfvContext> ctx = contexts(p, threads);
        try {
            List<byte[]> params = frames(dir.parameters(), p.primeCount(), ClientKeyDirectory.PARAMETERS);
            List<byte[]> secret = frames(dir.secretKey(), p.primeCount(), ClientKeyDirectory.SECRET_KEY);
            byte[] rk = dir.relinearizationKey();
            if (rk == null) {
                throw new IOException("missing " + ClientKeyDirectory.RELINEARIZATION_KEY + " in " + dir.directory());
            }
            List<byte[]> relin = frames(rk, p.primeCount(), ClientKeyDirectory.RELINEARIZATION_KEY);
            List<SecretKey> sks = new ArrayList<>();
            for (int i = 0; i < p.primeCount(); i++) {
                if (BfvSerializer.readParameters(params.get(i)).id() != p.parameters().get(i).id()) {
                    throw new IOException("the key directory's parameters of prime " + i + " do not match its program");
                }
                BfvSerializer ser = new BfvSerializer(ctx.get(i));
                sks.add(ser.readSecretKey(secret.get(i)));
                ser.readRelinearizationKey(relin.get(i)); // a damaged file is reported here, not by the server
            }
            return new BfvKeyring(info, p, ctx, sks, relin);
        } catch (IOException | RuntimeException e) {
            ctx.forEach(BfvContext::close);
            throw e;
        }
    }

    private static List<byte[]> frames(byte[] data, int count, String file) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(data)) {
            for (int i = 0; i < count; i++) {
                out.add(HeSerializer.readFrame(in));
            }
            if (in.available() != 0) {
                throw new IOException(file + ": " + in.available() + " bytes after its " + count + " frames");
            }
        }
        return out;
    }

    public ProgramInfo info() {
        return info;
    }

    public BfvClientProgram program() {
        return program;
    }

    public BfvClient client() {
        return client;
    }

    /** The serialized relinearization key of every prime, in prime order (what a session uploads). */
    public List<byte[]> relinearizationKeyFrames() {
        return relinearizationKeys.stream().map(byte[]::clone).toList();
    }

    public long evaluationKeyBytes() {
        return relinearizationKeys.stream().mapToLong(k -> k.length).sum();
    }

    /** Opens a session with the relinearization keys of every prime. */
    public SessionOpened openSession(InferenceClient transport) {
        return transport.openBfvSession(primeIds, relinearizationKeys);
    }

    /** Every prime's input ciphertexts of one batch, serialized, [prime][value]. */
    public List<List<ByteString>> encrypt(float[][] images, int threads) {
        BfvCiphertext[][] cts = client.encrypt(images, threads);
        List<List<ByteString>> out = new ArrayList<>();
        for (int p = 0; p < cts.length; p++) {
            List<ByteString> row = new ArrayList<>(cts[p].length);
            for (BfvCiphertext c : cts[p]) {
                row.add(ByteString.copyFrom(serializers.get(p).write(c)));
            }
            out.add(row);
        }
        return out;
    }

    /** Parses one answer (every prime's outputs, prime 0 first), decrypts and joins: [image][class]. */
    public BigInteger[][] decrypt(List<ByteString> answer, int images) {
        int classes = program.classes();
        int k = program.primeCount();
        if (answer.size() != k * classes) {
            throw new IllegalStateException("the answer has " + answer.size() + " ciphertexts; the program promises "
                    + classes + " for each of " + k + " primes");
        }
        BfvCiphertext[][] outs = new BfvCiphertext[k][classes];
        for (int p = 0; p < k; p++) {
            for (int c = 0; c < classes; c++) {
                try {
                    outs[p][c] = serializers.get(p).readCiphertext(answer.get(p * classes + c).toByteArray());
                } catch (HeFormatException e) {
                    throw new IllegalStateException("the server's answer for prime " + p + ", class " + c
                            + ", is malformed: " + e.getMessage(), e);
                }
            }
        }
        return client.decrypt(outs, images);
    }

    /** Classifies every image over the session, batch by batch: one row of integer logits per image. */
    public BigInteger[][] classify(InferenceClient transport, String sessionId, float[][] images, int threads, PhaseTimer timer) {
        int perBatch = program.imagesPerBatch();
        BigInteger[][] logits = new BigInteger[images.length][];
        for (int from = 0; from < images.length; from += perBatch) {
            float[][] batch = Arrays.copyOfRange(images, from, Math.min(images.length, from + perBatch));
            List<List<ByteString>> in;
            try (PhaseTimer.Lap lap = timer.start(Phase.ENCRYPT)) {
                in = encrypt(batch, threads);
            }
            List<InferenceClient.Result> answers;
            try (PhaseTimer.Lap lap = timer.start("round trip")) {
                answers = transport.classifyBfv(sessionId, primeIds, List.of(in));
            }
            timer.add(Phase.EVALUATE, answers.get(0).evaluateNanos());
            try (PhaseTimer.Lap lap = timer.start(Phase.DECRYPT)) {
                BigInteger[][] rows = decrypt(answers.get(0).ciphertexts(), batch.length);
                System.arraycopy(rows, 0, logits, from, rows.length);
            }
        }
        return logits;
    }

    @Override
    public void close() {
        contexts.forEach(BfvContext::close);
    }
}
