package org.privmed.infer.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The framing all program forms share: what it writes round-trips, and each way bytes can be
 * wrong (short, altered, another form, another version, unreadable or invalid fields) is refused
 * with a {@link ProgramFormatException} naming the form.
 */
class SealedFormTest {
  private static final byte[] MAGIC = "PMTEST".getBytes(StandardCharsets.US_ASCII);

  private static byte[] sealed(int version, String text) {
    return SealedForm.write(MAGIC, version, out -> out.writeUTF(text));
  }

  private static String message(byte[] data, byte[] magic, int version, SealedForm.Reader<?> r) {
    return assertThrows(ProgramFormatException.class,
        () -> SealedForm.read(data, "test form", magic, version, 2, r)).getMessage();
  }

  @Test
  void fieldsRoundTripBehindMagicVersionAndDigest() {
    byte[] b = sealed(3, "hello");
    assertArrayEquals(MAGIC, Arrays.copyOf(b, MAGIC.length));
    assertEquals(MAGIC.length + 4 + 2 + 5 + SealedForm.DIGEST_BYTES, b.length);
    assertEquals("hello", SealedForm.read(b, "test form", MAGIC, 3, 2, in -> in.readUTF()));
  }

  @Test
  void eachKindOfBadBytesIsNamed() {
    byte[] b = sealed(3, "hello");
    assertTrue(message(Arrays.copyOf(b, 10), MAGIC, 3, in -> in.readUTF()).contains("too short"));
    byte[] flipped = b.clone();
    flipped[MAGIC.length + 6] ^= 1;
    assertTrue(message(flipped, MAGIC, 3, in -> in.readUTF()).contains("SHA-256"));
    String other = message(b, "PMXXXX".getBytes(StandardCharsets.US_ASCII), 3, in -> in.readUTF());
    assertEquals("test form: bad magic, not a PrivMed test form", other);
    assertEquals("test form: version 3 unsupported (expected 4)", message(b, MAGIC, 4, in -> in.readUTF()));
    assertTrue(message(b, MAGIC, 3, in -> in.readLong() + in.readLong()).startsWith("test form: unreadable"));
    String invalid = message(b, MAGIC, 3, in -> {
      throw new IllegalArgumentException("no hello allowed");
    });
    assertEquals("test form: invalid content: no hello allowed", invalid);
  }
}
