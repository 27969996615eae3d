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
import org.privmed.he.serial.HeFormatException;

/**
 * The framing every serialized program form shares (the owner's {@link HeProgram}, the CKKS
 * {@link ClientProgram} and the BFV client program): magic, format version, the form's fields, and
 * a SHA-256 trailer over everything before it. A truncated or altered file or message is refused
 * before any field is parsed, bytes of another form or version are named as such, and whatever
 * goes wrong in reading the fields is reported as a {@link ProgramFormatException} naming the form.
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

  /** Reads a form's fields, which follow its magic and version, and builds the form from them. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(DataInputStream in) throws IOException;
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
   * The form that sealed bytes hold, read once the digest, magic and version are checked.
   *
   * @param what names the form in errors ("HE program", "client program")
   * @param minFields fewest bytes of fields a valid form can have
   * @throws ProgramFormatException if the bytes are too short, altered, of another form or version,
   *     or their fields are unreadable or invalid (bad parameters, sizes, values)
   */
  public static <T> T read(byte[] data, String what, byte[] magic, int version, int minFields,
      Reader<T> fields) {
    DataInputStream in = open(data, what, magic, version, minFields);
    try {
      return fields.read(in);
    } catch (HeFormatException e) {
      throw new ProgramFormatException(what + ": bad parameters: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ProgramFormatException(what + ": unreadable (" + e.getMessage() + ")", e);
    } catch (ProgramFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ProgramFormatException(what + ": invalid content: " + e.getMessage(), e);
    }
  }

  private static DataInputStream open(byte[] data, String what, byte[] magic, int version, int minFields) {
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
