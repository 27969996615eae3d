package org.privmed.he.security;

/** Classical (non-quantum) security levels tabulated by the HomomorphicEncryption.org standard. */
public enum SecurityLevel {
    CLASSICAL_128(128),
    CLASSICAL_192(192),
    CLASSICAL_256(256);

    private final int bits;

    SecurityLevel(int bits) {
        this.bits = bits;
    }

    /** Estimated cost of the best known attack, log2 of the operation count. */
    public int bits() {
        return bits;
    }
}
