package org.privmed.infer.client;

import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.rlwe.SecretKey;
import org.privmed.infer.compile.HeProgram;
import org.privmed.infer.runtime.ClientSession;
import org.privmed.infer.service.ClientCodec;

/** The client half of a compiled {@link HeProgram}: its {@link ClientSession} behind {@link ClientCodec}. */
public final class CompiledCodec implements ClientCodec {

    private final ClientSession session;

    public CompiledCodec(HeProgram program, CkksContext ctx, SecretKey secretKey) {
        this.session = new ClientSession(program, ctx, secretKey);
    }

    /** Rebuilds the program from the bytes the server sent ({@code ProgramInfo.program}). */
    public static CompiledCodec fromProgramBytes(byte[] program, CkksContext ctx, SecretKey secretKey) {
        return new CompiledCodec(HeProgram.fromBytes(program), ctx, secretKey);
    }

    @Override
    public Ciphertext[] encrypt(float[][] images) {
        return session.encrypt(images);
    }

    @Override
    public double[][] decrypt(Ciphertext[] outputs, int images) {
        return session.decrypt(outputs, images);
    }
}
