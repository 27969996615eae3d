package org.privmed.infer.client;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.he.rlwe.KeyGenerator;
import org.privmed.he.rlwe.SecretKey;
import org.privmed.he.serial.HeFormatException;
import org.privmed.he.serial.HeSerializer;
import org.privmed.infer.keys.ClientKeyDirectory;
import org.privmed.infer.proto.ProgramInfo;

/**
 * A clinic's keys for one server program: generated locally from the program description the
 * server published (the server never takes part, so it never sees the secret key), saved to a
 * {@link ClientKeyDirectory}, and loaded back for predictions.
 *
 * <p>The evaluation keys are exactly those the program lists: a relinearization key if it
 * multiplies ciphertexts, and one Galois key per listed element (SEAL's habit of generating keys
 * only for the steps used, which keeps the upload to what the program needs).
 */
public final class ClientKeyring implements AutoCloseable {

    private final ProgramInfo program;
    private final CkksContext ctx;
    private final SecretKey secretKey;
    private final byte[] relinearizationKey;
    private final byte[] galoisKeys;

    private ClientKeyring(ProgramInfo program, CkksContext ctx, SecretKey secretKey, byte[] relinearizationKey,
            byte[] galoisKeys) {
        this.program = program;
        this.ctx = ctx;
        this.secretKey = secretKey;
        this.relinearizationKey = relinearizationKey;
        this.galoisKeys = galoisKeys;
    }

    /**
     * Generates fresh keys for the program (SecureRandom-seeded inside {@link KeyGenerator}).
     *
     * @param allowInsecureParameters accept a parameter set marked insecure-for-testing (tests only)
     * @throws HeFormatException if the program's parameters are malformed or refused
     */
    public static ClientKeyring generate(ProgramInfo program, boolean allowInsecureParameters, int threads)
            throws HeFormatException {
        if (!BfvKeyring.scheme(program).equals("ckks")) {
            throw new HeFormatException("the server runs a " + BfvKeyring.scheme(program).toUpperCase(java.util.Locale.ROOT)
                    + " program, not a CKKS one: generate its keys with BfvKeyring (privmed keygen picks the scheme)");
        }
        CkksParameters params = HeSerializer.readParameters(program.getParameters().toByteArray(), allowInsecureParameters);
        if (params.id() != program.getParametersId()) {
            throw new HeFormatException("the program announces parameter id " + Long.toHexString(program.getParametersId())
                    + " but its parameters hash to " + Long.toHexString(params.id()));
        }
        CkksContext ctx = new CkksContext(params, threads);
        KeyGenerator kg = new KeyGenerator(ctx.rlwe());
        HeSerializer ser = new HeSerializer(ctx);
        byte[] rlk = program.getNeedsRelinearizationKey() ? ser.write(kg.relinearizationKey()) : null;
        int[] elements = program.getGaloisElementsList().stream().mapToInt(Integer::intValue).toArray();
        byte[] gk = elements.length == 0 ? null : ser.write(kg.galoisKeys(elements));
        return new ClientKeyring(program, ctx, kg.secretKey(), rlk, gk);
    }

    /** Writes everything; the secret key file is created owner-only (0600). */
    public void save(ClientKeyDirectory dir, boolean overwrite) throws IOException {
        dir.write(program.toByteArray(), HeSerializer.writeParameters(ctx.params()), new HeSerializer(ctx).write(secretKey),
                relinearizationKey, galoisKeys, overwrite);
    }

    /** Loads keys written by {@link #save}; checks that every file belongs to the same parameter set. */
    public static ClientKeyring load(ClientKeyDirectory dir, boolean allowInsecureParameters, int threads)
            throws IOException {
        ProgramInfo program;
        try {
            program = ProgramInfo.parseFrom(dir.program());
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("corrupt " + ClientKeyDirectory.PROGRAM + " in " + dir.directory() + ": " + e.getMessage(), e);
        }
        CkksParameters params = HeSerializer.readParameters(dir.parameters(), allowInsecureParameters);
        if (params.id() != program.getParametersId()) {
            throw new IOException("the key directory's parameters (" + Long.toHexString(params.id())
                    + ") do not match its program (" + Long.toHexString(program.getParametersId()) + ")");
        }
        CkksContext ctx = new CkksContext(params, threads);
        try {
            HeSerializer ser = new HeSerializer(ctx);
            SecretKey sk = ser.readSecretKey(dir.secretKey());
            byte[] rlk = dir.relinearizationKey();
            byte[] gk = dir.galoisKeys();
            // parse once so a damaged file is reported here, not by the server
            if (rlk != null) {
                ser.readRelinearizationKey(rlk);
            }
            if (gk != null) {
                ser.readGaloisKeys(gk);
            }
            return new ClientKeyring(program, ctx, sk, rlk, gk);
        } catch (IOException | RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    public ProgramInfo program() {
        return program;
    }

    public CkksContext context() {
        return ctx;
    }

    public SecretKey secretKey() {
        return secretKey;
    }

    /** Serialized relinearization key, or null if the program needs none. */
    public byte[] relinearizationKey() {
        return relinearizationKey == null ? null : relinearizationKey.clone();
    }

    /** Serialized Galois keys, or null if the program needs none. */
    public byte[] galoisKeys() {
        return galoisKeys == null ? null : galoisKeys.clone();
    }

    public long evaluationKeyBytes() {
        return (relinearizationKey == null ? 0 : relinearizationKey.length) + (galoisKeys == null ? 0 : galoisKeys.length);
    }

    /** Opens a session on the server with these evaluation keys. */
    public org.privmed.infer.proto.SessionOpened openSession(InferenceClient client) {
        return client.openSession(program.getParametersId(), relinearizationKey, galoisKeys);
    }

    @Override
    public void close() {
        ctx.close();
    }
}
