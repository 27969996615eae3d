package org.privmed.he.rlwe;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Switching keys from σ_g(s) to s for exactly the Galois elements g they were generated for
 * (rotations by k slots use g = 5^k mod 2N; conjugation uses g = 2N - 1).
 */
public final class GaloisKeys {
    private final Map<Integer, SwitchingKey> keys;
    private final long paramsId;

    public GaloisKeys(Map<Integer, SwitchingKey> keys, long paramsId) {
        for (Map.Entry<Integer, SwitchingKey> e : keys.entrySet()) {
            if (e.getValue().paramsId() != paramsId) {
                throw new IllegalArgumentException("Galois key for element " + e.getKey() + " belongs to parameter set "
                        + Long.toHexString(e.getValue().paramsId()) + ", not " + Long.toHexString(paramsId));
            }
        }
        this.keys = Collections.unmodifiableMap(new TreeMap<>(keys));
        this.paramsId = paramsId;
    }

    public long paramsId() {
        return paramsId;
    }

    /** Galois element → key, in ascending order of elements. */
    public Map<Integer, SwitchingKey> keys() {
        return keys;
    }

    public boolean has(int galoisElement) {
        return keys.containsKey(galoisElement);
    }

    public SwitchingKey get(int galoisElement) {
        SwitchingKey k = keys.get(galoisElement);
        if (k == null) {
            throw new IllegalArgumentException("no Galois key for element " + galoisElement + "; generated for "
                    + keys.keySet());
        }
        return k;
    }
}
