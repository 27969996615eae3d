package org.privmed.fl.secagg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The labels and contexts under which SecAgg+ derives its symmetric keys from X25519 secrets.
 * Keys depend on the round and on the unordered pair {i, j}, so both ends derive the same key and
 * no key is reused across rounds, pairs or purposes.
 */
final class KeyDerivation {
    private static final byte[] SHARE_KEY_LABEL = "privmed secagg+ v1 share encryption".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PAIR_MASK_LABEL = "privmed secagg+ v1 pairwise mask".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHARE_AAD_LABEL = "privmed secagg+ v1 share".getBytes(StandardCharsets.US_ASCII);

    private KeyDerivation() {}

    static byte[] shareEncryptionKey(byte[] dhSecret, long roundId, int a, int b) {
        return Hkdf.derive(dhSecret, roundSalt(roundId), pairInfo(SHARE_KEY_LABEL, a, b), 32);
    }

    static byte[] pairwiseMaskSeed(byte[] dhSecret, long roundId, int a, int b) {
        return Hkdf.derive(dhSecret, roundSalt(roundId), pairInfo(PAIR_MASK_LABEL, a, b), 32);
    }

    /** Associated data for a share ciphertext: direction matters here, unlike the key. */
    static byte[] shareAssociatedData(long roundId, int sender, int receiver) {
        return ByteBuffer.allocate(SHARE_AAD_LABEL.length + 16).put(SHARE_AAD_LABEL)
                .putLong(roundId).putInt(sender).putInt(receiver).array();
    }

    private static byte[] roundSalt(long roundId) {
        return ByteBuffer.allocate(8).putLong(roundId).array();
    }

    private static byte[] pairInfo(byte[] label, int a, int b) {
        return ByteBuffer.allocate(label.length + 8).put(label).putInt(Math.min(a, b)).putInt(Math.max(a, b)).array();
    }
}
