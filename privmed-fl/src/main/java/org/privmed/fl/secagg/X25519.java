package org.privmed.fl.secagg;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * X25519 Diffie–Hellman (RFC 7748) through the JDK's "XDH" provider, with keys as raw 32-byte
 * strings: the u-coordinate little-endian for public keys, the scalar for private keys. Raw bytes
 * are what SecAgg+ secret-shares (a dropped client's masking key is rebuilt from shares) and what
 * goes on the wire.
 */
final class X25519 {
    public static final int KEY_BYTES = 32;
    private static final byte[] BASE_POINT = new byte[KEY_BYTES];

    static {
        BASE_POINT[0] = 9; // u = 9, RFC 7748 Sec. 4.1
    }

    private X25519() {}

    /** A raw key pair. */
    public record KeyPairBytes(byte[] publicKey, byte[] privateKey) {}

    public static KeyPairBytes generate(SecureRandom random) {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("XDH");
            kpg.initialize(NamedParameterSpec.X25519, random);
            KeyPair kp = kpg.generateKeyPair();
            byte[] scalar = ((XECPrivateKey) kp.getPrivate()).getScalar()
                    .orElseThrow(() -> new IllegalStateException("X25519 private key has no exportable scalar"));
            return new KeyPairBytes(encodeU(((XECPublicKey) kp.getPublic()).getU()), scalar);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available in this JDK", e);
        }
    }

    /** The public key of a raw private scalar (scalar multiplication of the base point). */
    public static byte[] publicKeyOf(byte[] privateKey) {
        return agree(privateKey, BASE_POINT);
    }

    /**
     * The shared secret X25519(private, peer). Rejects the all-zero output, which a small-order
     * peer key would force (RFC 7748 Sec. 6.1).
     */
    public static byte[] agree(byte[] privateKey, byte[] peerPublicKey) {
        checkLength("private key", privateKey);
        checkLength("peer public key", peerPublicKey);
        try {
            KeyFactory kf = KeyFactory.getInstance("XDH");
            PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
            PublicKey pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, decodeU(peerPublicKey)));
            KeyAgreement ka = KeyAgreement.getInstance("XDH");
            ka.init(priv);
            ka.doPhase(pub, true);
            byte[] secret = ka.generateSecret();
            boolean allZero = true;
            for (byte b : secret) allZero &= b == 0;
            if (allZero) throw new SecAggProtocolException("X25519 produced the all-zero secret: the peer key has small order");
            return secret;
        } catch (GeneralSecurityException e) {
            throw new SecAggProtocolException("X25519 agreement failed: " + e.getMessage(), e);
        }
    }

    static void checkLength(String what, byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new SecAggProtocolException(what + " must be " + KEY_BYTES + " bytes, got " + (key == null ? "null" : key.length));
        }
    }

    private static byte[] encodeU(BigInteger u) {
        byte[] be = u.toByteArray();
        byte[] le = new byte[KEY_BYTES];
        for (int i = 0; i < KEY_BYTES && i < be.length; i++) le[i] = be[be.length - 1 - i];
        return le;
    }

    private static BigInteger decodeU(byte[] le) {
        byte[] be = new byte[KEY_BYTES];
        for (int i = 0; i < KEY_BYTES; i++) be[i] = le[KEY_BYTES - 1 - i];
        be[0] &= 0x7f; // RFC 7748: the top bit of the last byte is ignored
        return new BigInteger(1, be);
    }
}
