package org.privmed.encode.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.encode.TestKeys;
import org.privmed.encode.key.EncoderKey;
import org.privmed.encode.neuracrypt.EncoderConfig;
import org.privmed.encode.neuracrypt.NeuraCryptEncoder;

class EncodedFileTest {
  @TempDir Path dir;

  private static EncodedDataset sample(EncoderKey key, int n) {
    EncoderConfig cfg = EncoderConfig.defaults(1, 28, 28);
    NeuraCryptEncoder enc = new NeuraCryptEncoder(key, cfg);
    Random r = new Random(3);
    float[][] rows = new float[n][];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      float[] x = new float[784];
      for (int j = 0; j < x.length; j++) {
        x[j] = r.nextFloat();
      }
      rows[i] = enc.encode(x);
      labels[i] = i % 2;
    }
    return new EncodedDataset("test/train", cfg, enc.keyFingerprint(), rows, labels,
        List.of("normal", "pneumonia"));
  }

  @Test
  void roundTrip() throws IOException {
    EncodedDataset d = sample(TestKeys.fixed(1), 12);
    Path f = dir.resolve("a.pme");
    EncodedFile.write(d, f, false);
    EncodedDataset back = EncodedFile.read(f);
    assertEquals(d.name(), back.name());
    assertEquals(d.config(), back.config());
    assertEquals(d.keyFingerprint(), back.keyFingerprint());
    assertArrayEquals(d.labels(), back.labels());
    for (int i = 0; i < d.size(); i++) {
      assertArrayEquals(d.encodings()[i], back.encodings()[i]);
    }
    assertEquals(d.classNames(), back.classNames());
  }

  @Test
  void keyNeverAppearsInTheFile() throws IOException {
    EncoderKey key = TestKeys.fixed(9);
    Path f = dir.resolve("k.pme");
    EncodedFile.write(sample(key, 5), f, false);
    byte[] file = Files.readAllBytes(f);
    byte[] raw = key.bytes();
    assertFalse(contains(file, raw), "raw key bytes found in the encoded file");
    byte[] hex = HexFormat.of().formatHex(raw).getBytes(StandardCharsets.US_ASCII);
    assertFalse(contains(file, hex), "hex key found in the encoded file");
    // Any 8-byte window of the key would already be a leak.
    for (int i = 0; i + 8 <= raw.length; i++) {
      assertFalse(contains(file, Arrays.copyOfRange(raw, i, i + 8)), "key bytes " + i + ".. leak");
    }
    assertTrue(new String(file, StandardCharsets.ISO_8859_1).contains(key.fingerprint()));
  }

  @Test
  void refusesOverwriteWithoutForce() throws IOException {
    Path f = dir.resolve("o.pme");
    EncodedFile.write(sample(TestKeys.fixed(1), 3), f, false);
    assertThrows(FileAlreadyExistsException.class,
        () -> EncodedFile.write(sample(TestKeys.fixed(2), 3), f, false));
    EncodedFile.write(sample(TestKeys.fixed(2), 4), f, true);
    assertEquals(4, EncodedFile.read(f).size());
  }

  @Test
  void truncatedFilesAreRefused() throws IOException {
    Path f = dir.resolve("t.pme");
    EncodedFile.write(sample(TestKeys.fixed(1), 6), f, false);
    byte[] all = Files.readAllBytes(f);
    for (int cut : new int[] {0, 7, 20, all.length / 2, all.length - 33, all.length - 1}) {
      Files.write(f, Arrays.copyOf(all, cut));
      EncodedFormatException e = assertThrows(EncodedFormatException.class,
          () -> EncodedFile.read(f), "cut at " + cut);
      assertFalse(e.getMessage().isBlank());
    }
  }

  @Test
  void corruptBytesAreRefused() throws IOException {
    Path f = dir.resolve("c.pme");
    EncodedFile.write(sample(TestKeys.fixed(1), 6), f, false);
    byte[] all = Files.readAllBytes(f);
    Random r = new Random(11);
    for (int t = 0; t < 40; t++) {
      byte[] bad = all.clone();
      int at = r.nextInt(bad.length);
      bad[at] ^= (byte) (1 << r.nextInt(8));
      Files.write(f, bad);
      assertThrows(EncodedFormatException.class, () -> EncodedFile.read(f), "flip at " + at);
    }
    byte[] magic = all.clone();
    magic[0] = 'X';
    Files.write(f, magic);
    EncodedFormatException e = assertThrows(EncodedFormatException.class,
        () -> EncodedFile.read(f));
    assertTrue(e.getMessage().contains("magic"), e.getMessage());
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
