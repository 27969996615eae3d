package org.privmed.encode.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  @TempDir Path dir;

  @Test
  void roundTripWithOwnerOnlyPermissions() throws IOException {
    EncoderKey key = EncoderKey.generate();
    Path f = dir.resolve("hospital-a.key");
    KeyFiles.write(key, f, false);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    EncoderKey back = KeyFiles.read(f);
    assertTrue(key.sameAs(back));
    assertEquals(key.fingerprint(), back.fingerprint());
    assertFalse(key.toString().contains(java.util.HexFormat.of().formatHex(key.bytes())));
  }

  @Test
  void refusesOverwriteWithoutForce() throws IOException {
    Path f = dir.resolve("k.key");
    EncoderKey first = EncoderKey.generate();
    KeyFiles.write(first, f, false);
    assertThrows(FileAlreadyExistsException.class,
        () -> KeyFiles.write(EncoderKey.generate(), f, false));
    assertTrue(first.sameAs(KeyFiles.read(f)));
    EncoderKey second = EncoderKey.generate();
    KeyFiles.write(second, f, true);
    assertTrue(second.sameAs(KeyFiles.read(f)));
  }

  @Test
  void refusesKeysOthersCanRead() throws IOException {
    Path f = dir.resolve("open.key");
    KeyFiles.write(EncoderKey.generate(), f, false);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    IOException e = assertThrows(IOException.class, () -> KeyFiles.read(f));
    assertTrue(e.getMessage().contains("rw-r--r--"), e.getMessage());
  }

  @Test
  void refusesMalformedKeyFiles() throws IOException {
    Path f = dir.resolve("bad.key");
    Files.writeString(f, "privmed-encode-key v1 abcd\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    IOException e = assertThrows(IOException.class, () -> KeyFiles.read(f));
    assertTrue(e.getMessage().contains("4 hex digits"), e.getMessage());
  }

  @Test
  void independentKeysAndStreams() {
    EncoderKey a = EncoderKey.generate();
    EncoderKey b = EncoderKey.generate();
    assertFalse(a.sameAs(b));
    assertNotEquals(a.fingerprint(), b.fingerprint());
    KeyedStream s1 = new KeyedStream(a, "x");
    KeyedStream s2 = new KeyedStream(a, "x");
    KeyedStream s3 = new KeyedStream(a, "y");
    long v1 = s1.nextLong();
    assertEquals(v1, s2.nextLong());
    assertNotEquals(v1, s3.nextLong());
  }

  @Test
  void gaussianStreamHasUnitMoments() {
    KeyedStream s = new KeyedStream(EncoderKey.generate(), "moments");
    int n = 200_000;
    double sum = 0;
    double sq = 0;
    for (int i = 0; i < n; i++) {
      double g = s.nextGaussian();
      sum += g;
      sq += g * g;
    }
    // Standard errors are 1/sqrt(n) ≈ 0.0022 and sqrt(2/n) ≈ 0.0032: 6-sigma margins.
    assertEquals(0.0, sum / n, 0.014);
    assertEquals(1.0, sq / n, 0.02);
  }
}
