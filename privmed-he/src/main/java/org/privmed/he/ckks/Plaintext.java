package org.privmed.he.ckks;

import org.privmed.he.ring.RnsPoly;

/** An encoded message: a poly over Q_level in NTT form with its scale and parameter id. */
public final class Plaintext {
    private final RnsPoly poly;
    private final double scale;
    private final long paramsId;

    public Plaintext(RnsPoly poly, double scale, long paramsId) {
        if (!poly.isNtt()) {
            throw new IllegalArgumentException("plaintexts are held in NTT form");
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("plaintext scale must be finite and positive, got " + scale);
        }
        this.poly = poly;
        this.scale = scale;
        this.paramsId = paramsId;
    }

    /** NTT form over Q_level. Do not modify. */
    public RnsPoly poly() {
        return poly;
    }

    public long[][] limbs() {
        return poly.limbs();
    }

    public int level() {
        return poly.level();
    }

    public double scale() {
        return scale;
    }

    public long paramsId() {
        return paramsId;
    }
}
