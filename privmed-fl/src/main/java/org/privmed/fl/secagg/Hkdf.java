package org.privmed.fl.secagg;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with HMAC-SHA256 (RFC 5869): extract a pseudorandom key, then expand it under a context label. */
final class Hkdf {
    private static final int HASH_BYTES = 32;

    private Hkdf() {}

    public static byte[] derive(byte[] inputKeyMaterial, byte[] salt, byte[] info, int length) {
        if (inputKeyMaterial == null || inputKeyMaterial.length == 0) throw new IllegalArgumentException("HKDF input key material is empty");
        if (length < 1 || length > 255 * HASH_BYTES) throw new IllegalArgumentException("HKDF output length out of range: " + length);
        byte[] prk = hmac(salt == null || salt.length == 0 ? new byte[HASH_BYTES] : salt, inputKeyMaterial);
        byte[] out = new byte[length];
        byte[] previous = new byte[0];
        int written = 0;
        for (int counter = 1; written < length; counter++) {
            byte[] block = new byte[previous.length + info.length + 1];
            System.arraycopy(previous, 0, block, 0, previous.length);
            System.arraycopy(info, 0, block, previous.length, info.length);
            block[block.length - 1] = (byte) counter;
            previous = hmac(prk, block);
            int n = Math.min(HASH_BYTES, length - written);
            System.arraycopy(previous, 0, out, written, n);
            written += n;
        }
        return out;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }
}
