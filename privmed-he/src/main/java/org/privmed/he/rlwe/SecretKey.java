package org.privmed.he.rlwe;

import org.privmed.he.ring.RnsPoly;

/**
 * A uniform ternary secret s ∈ {-1, 0, 1}^N, held in NTT form over every prime of Q ∪ P so that
 * any level and the key-switching basis can use it without a transform.
 */
public final class SecretKey {
    private final RnsPoly s;
    private final long paramsId;

    public SecretKey(RnsPoly s, long paramsId) {
        if (!s.isNtt()) {
            throw new IllegalArgumentException("secret key must be stored in NTT form");
        }
        this.s = s;
        this.paramsId = paramsId;
    }

    /** NTT form over Q ∪ P (Q primes first). Do not modify. */
    public RnsPoly poly() {
        return s;
    }

    public long paramsId() {
        return paramsId;
    }
}
