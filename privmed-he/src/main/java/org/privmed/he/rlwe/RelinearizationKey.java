package org.privmed.he.rlwe;

/** The switching key from s² to s, used to bring a degree-2 ciphertext back to degree 1. */
public record RelinearizationKey(SwitchingKey key) {
    public RelinearizationKey {
        if (key == null) throw new IllegalArgumentException("relinearization key must not be null");
    }

    public long paramsId() {
        return key.paramsId();
    }
}
