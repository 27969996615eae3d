package org.privmed.he.bfv;

import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.rlwe.Encryptor;
import org.privmed.he.rlwe.PublicKey;
import org.privmed.he.rlwe.RlweCiphertext;
import org.privmed.he.rlwe.SecretKey;

/**
 * BFV encryption (Fan and Vercauteren, ePrint 2012/144, Sec. 3: c = (Δ·m + e0 + b·u, e1 + a·u) with
 * the public key, or the seeded symmetric form (Δ·m - a·s + e, a)): an RLWE encryption of zero from
 * {@link Encryptor} plus round(Q·m/t) on c0 ({@link PlainScaling}).
 */
public final class BfvEncryptor {
    private final BfvContext ctx;
    private final Encryptor zero;

    public BfvEncryptor(BfvContext ctx, PublicKey publicKey) {
        this.ctx = ctx;
        this.zero = new Encryptor(ctx.rlwe(), publicKey);
    }

    /** Symmetric encryption: the ciphertext carries its seed and can be stored as seed + c0. */
    public BfvEncryptor(BfvContext ctx, SecretKey secretKey) {
        this.ctx = ctx;
        this.zero = new Encryptor(ctx.rlwe(), secretKey);
    }

    public BfvCiphertext encrypt(BfvPlaintext pt) {
        return encrypt(pt, ctx.maxLevel());
    }

    /**
     * An encryption over Q_level = q_0 … q_level only: when a circuit needs fewer primes than the
     * parameter set has, the client encrypts there directly instead of the server switching every
     * input down, and the ciphertext is smaller. The fresh noise is the same as at the top level.
     */
    public BfvCiphertext encrypt(BfvPlaintext pt, int level) {
        pt.check(ctx);
        ctx.rlwe().checkLevel(level);
        RnsBasis q = ctx.rlwe().qAtLevel(level);
        RlweCiphertext z = zero.encryptZero(level);
        RnsPoly[] c = z.polys();
        q.add(c[0], ctx.scaling(level).scaleUp(pt.coefficients()), c[0]);
        return new BfvCiphertext(c, ctx.paramsId(), z.seed());
    }
}
