package org.privmed.encode.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The 32-byte secret that seeds every random weight of a NeuraCrypt encoder and every per-image
 * patch permutation. Holding it is holding the encoder; it must never be written into an encoded
 * file — only its {@link #fingerprint()} may be.
 *
 * <p>Deliberately not a record: a record's {@code toString} and {@code equals} would expose or
 * compare the bytes in ways that are easy to log by accident.
 */
public final class EncoderKey {
  /** Key length in bytes (256 bits). */
  public static final int LENGTH = 32;

  private final byte[] bytes;

  private EncoderKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A fresh key from the platform's {@link SecureRandom}. */
  public static EncoderKey generate() {
    return generate(new SecureRandom());
  }

  /** A fresh key drawn from {@code random} (pass a SecureRandom outside tests). */
  public static EncoderKey generate(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    byte[] b = new byte[LENGTH];
    random.nextBytes(b);
    return new EncoderKey(b);
  }

  /** The key with exactly these bytes (copied). */
  public static EncoderKey of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "an encoder key has " + LENGTH + " bytes, got " + bytes.length);
    }
    return new EncoderKey(bytes.clone());
  }

  /** A copy of the secret bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /**
   * 16 hex digits of a domain-separated SHA-256 of the key: enough to tell hospitals' keys apart and
   * to refuse decoding with the wrong key, useless for recovering a 256-bit random key.
   */
  public String fingerprint() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("privmed-encode key fingerprint v1".getBytes(StandardCharsets.US_ASCII));
      sha.update(bytes);
      return HexFormat.of().formatHex(Arrays.copyOf(sha.digest(), 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Constant-time comparison, so equality checks leak no timing about the bytes. */
  public boolean sameAs(EncoderKey other) {
    return other != null && MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public String toString() {
    return "EncoderKey[fingerprint=" + fingerprint() + "]";
  }
}
