package org.privmed.he.rlwe;

import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;

/** Computes c0 + c1·s (+ c2·s² for an unrelinearized product) in NTT form over the ciphertext's level. */
public final class Decryptor {
    private final RlweContext ctx;
    private final SecretKey secretKey;

    public Decryptor(RlweContext ctx, SecretKey secretKey) {
        ctx.checkParams(secretKey.paramsId(), "secret key");
        this.ctx = ctx;
        this.secretKey = secretKey;
    }

    public RnsPoly decrypt(RnsPoly[] c) {
        if (c.length < 2 || c.length > 3) {
            throw new IllegalArgumentException("can only decrypt ciphertexts of 2 or 3 polys, got " + c.length);
        }
        int level = c[0].level();
        RnsBasis q = ctx.qAtLevel(level);
        for (RnsPoly p : c) {
            if (!p.isNtt() || p.limbCount() != level + 1) {
                throw new IllegalArgumentException("ciphertext polys must be NTT form with " + (level + 1) + " limbs");
            }
        }
        RnsPoly s = secretKey.poly();
        RnsPoly m = c[0].copy();
        if (c.length == 3) {
            // Horner: c0 + s·(c1 + s·c2)
            RnsPoly t = q.newPoly(true);
            q.mul(c[2], s, t);
            q.add(t, c[1], t);
            q.mulAdd(t, s, m);
        } else {
            q.mulAdd(c[1], s, m);
        }
        return m;
    }
}
