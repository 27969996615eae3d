package org.privmed.he.bfv;

import org.privmed.he.ring.RnsPoly;

/**
 * A BFV ciphertext: 2 polys (degree 1) or 3 (a product before relinearization), in NTT form over
 * all primes of Q, with its parameter id. A fresh symmetric encryption also keeps the 32-byte seed
 * its c1 was expanded from, so it can be stored as seed + c0; every other ciphertext has none.
 *
 * <p>Ciphertexts stay in NTT form, as in the CKKS core: addition, plain multiplication and the
 * Galois permutations are then point-wise, and key switching and decryption take it as it is; only
 * the tensor product leaves it (see {@link HpsMultiplier}).
 */
public final class BfvCiphertext {
    private final RnsPoly[] polys;
    private final long paramsId;
    private final byte[] seed;

    public BfvCiphertext(RnsPoly[] polys, long paramsId) {
        this(polys, paramsId, null);
    }

    public BfvCiphertext(RnsPoly[] polys, long paramsId, byte[] seed) {
        if (polys.length < 2 || polys.length > 3) {
            throw new IllegalArgumentException("a ciphertext has 2 or 3 polys, got " + polys.length);
        }
        int limbs = polys[0].limbCount();
        for (int i = 0; i < polys.length; i++) {
            if (!polys[i].isNtt()) {
                throw new IllegalArgumentException("ciphertext poly " + i + " is not in NTT form");
            }
            if (polys[i].limbCount() != limbs) {
                throw new IllegalArgumentException("ciphertext poly " + i + " has " + polys[i].limbCount()
                        + " limbs, poly 0 has " + limbs);
            }
        }
        this.polys = polys.clone();
        this.paramsId = paramsId;
        this.seed = seed == null ? null : seed.clone();
    }

    /** The polys (c0, c1[, c2]). Do not modify them. */
    public RnsPoly[] polys() {
        return polys.clone();
    }

    public RnsPoly poly(int i) {
        return polys[i];
    }

    /** Number of primes of Q it still has, minus one (L when fresh, lower after modulus switching). */
    public int level() {
        return polys[0].limbCount() - 1;
    }

    /** 2, or 3 before relinearization. */
    public int size() {
        return polys.length;
    }

    public long paramsId() {
        return paramsId;
    }

    /** The seed of a fresh symmetric encryption, or null. */
    public byte[] seed() {
        return seed == null ? null : seed.clone();
    }

    public boolean isSeeded() {
        return seed != null;
    }

    /** Checks parameter set and shape against a context before the ciphertext is used there. */
    void check(BfvContext ctx, String what) {
        ctx.checkParams(paramsId, what);
        int limbs = ctx.rlwe().q().size();
        int n = ctx.ringDegree();
        for (RnsPoly p : polys) {
            if (p.limbCount() > limbs || p.ringDegree() != n) {
                throw new IllegalArgumentException(what + " has polys with " + p.limbCount() + " limbs of N = "
                        + p.ringDegree() + ", this context allows at most " + limbs + " limbs of N = " + n);
            }
        }
    }
}
