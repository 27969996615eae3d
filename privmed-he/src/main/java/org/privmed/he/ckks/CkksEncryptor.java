package org.privmed.he.ckks;

import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.rlwe.Encryptor;
import org.privmed.he.rlwe.PublicKey;
import org.privmed.he.rlwe.RlweCiphertext;
import org.privmed.he.rlwe.SecretKey;

/**
 * Encrypts plaintexts at their own level and scale: an RLWE encryption of zero plus the message.
 * Holds a random generator: not thread-safe, use one instance per thread.
 */
public final class CkksEncryptor {
    private final CkksContext ctx;
    private final Encryptor rlwe;
    private CkksEncoder encoder;

    public CkksEncryptor(CkksContext ctx, PublicKey publicKey) {
        this.ctx = ctx;
        this.rlwe = new Encryptor(ctx.rlwe(), publicKey);
    }

    /** Symmetric encryption; its fresh ciphertexts carry the seed of c1 (stored half size). */
    public CkksEncryptor(CkksContext ctx, SecretKey secretKey) {
        this.ctx = ctx;
        this.rlwe = new Encryptor(ctx.rlwe(), secretKey);
    }

    /**
     * Encodes real slot values and encrypts them in one step: the rounded coefficients join the
     * encryption error before its NTT ({@link Encryptor#encrypt(long[], int)}), so a fresh ciphertext
     * costs one transform per limb instead of two. Decrypts to the same values as
     * {@code encrypt(encoder.encode(values, level, scale))}.
     */
    public Ciphertext encrypt(double[] values, int level, double scale) {
        if (encoder == null) {
            encoder = new CkksEncoder(ctx);
        }
        long[] ints = encoder.roundedCoefficients(values, level, scale);
        if (ints == null) {
            return encrypt(encoder.encode(values, level, scale));
        }
        RlweCiphertext ct = rlwe.encrypt(ints, level);
        return new Ciphertext(ct.polys(), scale, ctx.paramsId(), ct.seed());
    }

    public Ciphertext encrypt(Plaintext pt) {
        ctx.checkParams(pt.paramsId(), "plaintext");
        int level = pt.level();
        RlweCiphertext zero = rlwe.encryptZero(level);
        RnsPoly[] c = zero.polys();
        RnsBasis q = ctx.rlwe().qAtLevel(level);
        q.add(c[0], pt.poly(), c[0]);
        return new Ciphertext(c, pt.scale(), ctx.paramsId(), zero.seed());
    }
}
