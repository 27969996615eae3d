package org.privmed.he.rlwe;

import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.sampling.Prng;

/**
 * An RLWE public key (b, a) over Q with b = -a·s + e (Lyubashevsky, Peikert, Regev, EUROCRYPT 2010),
 * stored as the 32-byte seed of a plus b, both in NTT form.
 */
public final class PublicKey {
    private final byte[] seed;
    private final RnsPoly b;
    private final long paramsId;
    private volatile RnsPoly a;

    public PublicKey(byte[] seed, RnsPoly b, long paramsId) {
        if (seed.length != Prng.SEED_BYTES) {
            throw new IllegalArgumentException("public key seed must be " + Prng.SEED_BYTES + " bytes, got " + seed.length);
        }
        if (!b.isNtt()) {
            throw new IllegalArgumentException("public key b must be in NTT form");
        }
        this.seed = seed.clone();
        this.b = b;
        this.paramsId = paramsId;
    }

    public byte[] seed() {
        return seed.clone();
    }

    /** b over all primes of Q, NTT form. Do not modify. */
    public RnsPoly b() {
        return b;
    }

    public long paramsId() {
        return paramsId;
    }

    /** a, expanded from the seed on first use. */
    RnsPoly a(RnsBasis q) {
        RnsPoly x = a;
        if (x == null) {
            x = UniformPolys.next(new Prng(seed), q, b.limbCount());
            a = x;
        }
        return x;
    }
}
