package org.privmed.fl.secagg;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for the share ciphertexts the coordinator relays. Every call draws a fresh random
 * 96-bit nonce (each pairwise key encrypts exactly one message per round, so there is no nonce
 * budget to track); the associated data binds the ciphertext to its round, sender and receiver, so
 * the coordinator cannot replay it to another client or into another round.
 * Layout: nonce (12) ‖ ciphertext ‖ tag (16).
 */
final class ShareCipher {
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;

    private ShareCipher() {}

    public static byte[] seal(byte[] key, byte[] associatedData, byte[] plaintext, SecureRandom random) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            c.updateAAD(associatedData);
            byte[] ct = c.doFinal(plaintext);
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + ct.length);
            System.arraycopy(ct, 0, out, NONCE_BYTES, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Decrypts and authenticates; any tampering with nonce, ciphertext, tag or context is rejected. */
    public static byte[] open(byte[] key, byte[] associatedData, byte[] sealed) {
        if (sealed == null || sealed.length < NONCE_BYTES + TAG_BYTES) {
            throw new SecAggProtocolException("share ciphertext too short: " + (sealed == null ? "null" : sealed.length + " bytes"));
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(TAG_BYTES * 8, sealed, 0, NONCE_BYTES));
            c.updateAAD(associatedData);
            return c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SecAggProtocolException("share ciphertext failed authentication (tampered, or wrong sender/receiver/round)", e);
        } catch (GeneralSecurityException e) {
            throw new SecAggProtocolException("share decryption failed: " + e.getMessage(), e);
        }
    }
}
