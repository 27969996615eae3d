package org.privmed.infer.compile;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The SHA-256 trailer both program forms end with: a 32-byte digest of everything before it, so a
 * truncated or altered file or message is refused before any field is parsed.
 */
public final class DigestTrailer {
  static final int BYTES = 32;

  private DigestTrailer() {
  }

  /** The body followed by its digest. */
  public static byte[] seal(byte[] body) {
    byte[] all = Arrays.copyOf(body, body.length + BYTES);
    System.arraycopy(sha256(body), 0, all, body.length, BYTES);
    return all;
  }

  /**
   * The body of sealed bytes.
   *
   * @param what names the form in the error ("HE program", "client program")
   * @param minBody fewest body bytes a valid form can have
   * @throws ProgramFormatException if too short or the digest does not match
   */
  public static byte[] open(byte[] data, String what, int minBody) {
    if (data == null || data.length < minBody + BYTES) {
      throw new ProgramFormatException(what + ": " + (data == null ? "null" : data.length + " bytes")
          + " is too short");
    }
    byte[] body = Arrays.copyOf(data, data.length - BYTES);
    if (!MessageDigest.isEqual(sha256(body), Arrays.copyOfRange(data, body.length, data.length))) {
      throw new ProgramFormatException(what + ": SHA-256 check failed; the bytes were altered or "
          + "truncated");
    }
    return body;
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
