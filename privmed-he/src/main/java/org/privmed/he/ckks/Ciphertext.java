package org.privmed.he.ckks;

import org.privmed.he.ring.RnsPoly;

/**
 * A CKKS ciphertext: 2 polys (degree 1) or 3 (degree 2, before relinearization), in NTT form over
 * Q_level, with its scale and parameter id. A fresh symmetric encryption also keeps the 32-byte seed
 * its c1 was expanded from, so it can be stored as seed + c0; every other ciphertext has no seed.
 */
public final class Ciphertext {
    private final RnsPoly[] polys;
    private final double scale;
    private final long paramsId;
    private final byte[] seed;

    public Ciphertext(RnsPoly[] polys, double scale, long paramsId) {
        this(polys, scale, paramsId, null);
    }

    public Ciphertext(RnsPoly[] polys, double scale, long paramsId, byte[] seed) {
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
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("ciphertext scale must be finite and positive, got " + scale);
        }
        this.polys = polys.clone();
        this.scale = scale;
        this.paramsId = paramsId;
        this.seed = seed == null ? null : seed.clone();
    }

    /** The polys (c0, c1[, c2]). Do not modify. */
    public RnsPoly[] polys() {
        return polys.clone();
    }

    public RnsPoly poly(int i) {
        return polys[i];
    }

    /** Number of polys: 2, or 3 for an unrelinearized product. */
    public int size() {
        return polys.length;
    }

    public int level() {
        return polys[0].level();
    }

    public double scale() {
        return scale;
    }

    public long paramsId() {
        return paramsId;
    }

    /** Seed of c1 for a fresh symmetric encryption; null otherwise. */
    public byte[] seed() {
        return seed == null ? null : seed.clone();
    }

    public boolean isSeeded() {
        return seed != null;
    }
}
