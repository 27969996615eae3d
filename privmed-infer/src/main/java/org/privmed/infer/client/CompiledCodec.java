package org.privmed.infer.client;

import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.rlwe.SecretKey;
import org.privmed.infer.compile.ClientProgram;
import org.privmed.infer.compile.ProgramFormatException;
import org.privmed.infer.proto.ProgramInfo;
import org.privmed.infer.runtime.ClientSession;
import org.privmed.infer.service.ClientCodec;

/**
 * The client half of a compiled program, from the {@link ClientProgram} the server published: its
 * {@link ClientSession} behind {@link ClientCodec}.
 */
public final class CompiledCodec implements ClientCodec {

    private final ClientSession session;

    public CompiledCodec(ClientProgram program, CkksContext ctx, SecretKey secretKey) {
        this.session = new ClientSession(program, ctx, secretKey);
    }

    /**
     * The client program a server published, checked: well formed (see {@link ClientProgram#fromBytes})
     * and on the parameter set the server announces.
     *
     * @throws org.privmed.infer.compile.ProgramFormatException naming what is wrong
     */
    public static ClientProgram published(ProgramInfo info, boolean allowInsecureParameters) {
        if (!BfvKeyring.scheme(info).equals("ckks")) {
            throw new ProgramFormatException("the server runs a " + BfvKeyring.scheme(info).toUpperCase(java.util.Locale.ROOT)
                    + " program, not a CKKS one (privmed keygen picks the scheme from the program; in code: BfvKeyring)");
        }
        ClientProgram p = ClientProgram.fromBytes(info.getClientProgram().toByteArray(), allowInsecureParameters);
        if (p.parameters().id() != info.getParametersId()) {
            throw new ProgramFormatException(String.format("the server announces parameters %016x but its client "
                    + "program uses %016x", info.getParametersId(), p.parameters().id()));
        }
        return p;
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
