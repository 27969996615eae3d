package org.privmed.fl.secagg;

import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * The plaintext one client encrypts for one neighbour in stage 1: the neighbour's shares of the
 * sender's self-mask seed and of its masking secret key, with the sender, receiver and round
 * repeated inside the ciphertext (defence in depth beside the associated data).
 */
record ShareBundle(int sender, int receiver, long roundId, BigInteger seedShare, BigInteger keyShare) {
    static final int BYTES = 4 + 4 + 8 + 2 * ShamirSecretSharing.SHARE_BYTES;
    static final int CIPHERTEXT_BYTES = ShareCipher.NONCE_BYTES + BYTES + ShareCipher.TAG_BYTES;

    byte[] encode() {
        return ByteBuffer.allocate(BYTES).putInt(sender).putInt(receiver).putLong(roundId)
                .put(ShamirSecretSharing.encodeValue(seedShare)).put(ShamirSecretSharing.encodeValue(keyShare)).array();
    }

    static ShareBundle decode(byte[] plain) {
        if (plain.length != BYTES) throw new SecAggProtocolException("share bundle must be " + BYTES + " bytes, got " + plain.length);
        ByteBuffer b = ByteBuffer.wrap(plain);
        int sender = b.getInt();
        int receiver = b.getInt();
        long round = b.getLong();
        byte[] s = new byte[ShamirSecretSharing.SHARE_BYTES];
        byte[] k = new byte[ShamirSecretSharing.SHARE_BYTES];
        b.get(s).get(k);
        try {
            return new ShareBundle(sender, receiver, round, ShamirSecretSharing.decodeValue(s), ShamirSecretSharing.decodeValue(k));
        } catch (IllegalArgumentException e) {
            throw new SecAggProtocolException("share bundle holds an invalid field element: " + e.getMessage(), e);
        }
    }
}
