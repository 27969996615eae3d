package org.privmed.infer.compile;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The framing every serialized program form shares (the owner's {@link HeProgram}, the CKKS
 * {@link ClientProgram} and the BFV client program): magic, format version, the form's fields, and
 * a SHA-256 trailer over everything before it. A truncated or altered file or message is refused
 * before any field is parsed, and bytes of another form or version are named as such.
 */
public final class SealedForm {
  static final int DIGEST_BYTES = 32;

  private SealedForm() {
  }

  /** Writes a form's fields, which follow its magic and version. */
  @FunctionalInterface
  public interface Fields {
    void write(DataOutputStream out) throws IOException;
  }

  /** Magic, version, the fields, then the digest of all of them. */
  public static byte[] write(byte[] magic, int version, Fields fields) {
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bos);
      out.write(magic);
      out.writeInt(version);
      fields.write(out);
      out.flush();
      byte[] body = bos.toByteArray();
      byte[] all = Arrays.copyOf(body, body.length + DIGEST_BYTES);
      System.arraycopy(sha256(body), 0, all, body.length, DIGEST_BYTES);
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The fields of sealed bytes, once the digest, magic and version are checked.
   *
   * @param what names the form in errors ("HE program", "client program")
   * @param minFields fewest bytes of fields a valid form can have
   * @throws ProgramFormatException if too short, altered, of another form or of another version
   */
  public static DataInputStream open(byte[] data, String what, byte[] magic, int version, int minFields) {
    int minBody = magic.length + Integer.BYTES + minFields;
    if (data == null || data.length < minBody + DIGEST_BYTES) {
      throw new ProgramFormatException(what + ": " + (data == null ? "null" : data.length + " bytes")
          + " is too short");
    }
    byte[] body = Arrays.copyOf(data, data.length - DIGEST_BYTES);
    if (!MessageDigest.isEqual(sha256(body), Arrays.copyOfRange(data, body.length, data.length))) {
      throw new ProgramFormatException(what + ": SHA-256 check failed; the bytes were altered or "
          + "truncated");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
    try {
      if (!Arrays.equals(in.readNBytes(magic.length), magic)) {
        throw new ProgramFormatException(what + ": bad magic, not a PrivMed " + what);
      }
      int v = in.readInt();
      if (v != version) {
        throw new ProgramFormatException(what + ": version " + v + " unsupported (expected " + version + ")");
      }
    } catch (IOException e) {
      throw new ProgramFormatException(what + ": unreadable (" + e.getMessage() + ")", e);
    }
    return in;
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
