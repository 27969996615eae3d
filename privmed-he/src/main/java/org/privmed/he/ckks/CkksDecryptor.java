package org.privmed.he.ckks;

import org.privmed.he.rlwe.Decryptor;
import org.privmed.he.rlwe.SecretKey;

/** Decrypts a ciphertext (degree 1 or 2) to a plaintext at the same level and scale. */
public final class CkksDecryptor {
    private final CkksContext ctx;
    private final Decryptor rlwe;

    public CkksDecryptor(CkksContext ctx, SecretKey secretKey) {
        this.ctx = ctx;
        this.rlwe = new Decryptor(ctx.rlwe(), secretKey);
    }

    public Plaintext decrypt(Ciphertext ct) {
        ctx.checkParams(ct.paramsId(), "ciphertext");
        return new Plaintext(rlwe.decrypt(ct.polys()), ct.scale(), ctx.paramsId());
    }
}
