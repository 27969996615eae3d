package org.privmed.data.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.data.Split;
import org.privmed.data.integrity.ChecksumMismatchException;

/** Copies of the real BreastMNIST file, damaged in a temp data folder, must be refused. */
class ChecksumRefusalTest {
  static final String BREAST_SHA256 =
      "3a22d2a4625e7dd8903f0f59030e81a3d0c222bece2e5e10927456cb50efdec1";

  @TempDir Path tmp;
  Path data;
  Path npz;

  @BeforeEach
  void copyBreastMnist() throws IOException {
    Path real = DataCatalog.locate().dataDir().resolve("medmnist");
    data = tmp.resolve("data");
    Path medmnist = Files.createDirectories(data.resolve("medmnist"));
    Files.copy(real.resolve("SHA256SUMS"), medmnist.resolve("SHA256SUMS"));
    npz = medmnist.resolve("breastmnist.npz");
    Files.copy(real.resolve("breastmnist.npz"), npz);
  }

  @Test
  void intactCopyLoads() {
    assertEquals(156, DataCatalog.at(data).load("breastmnist", Split.TEST).size());
  }

  @Test
  void refusesOneFlippedByte() throws IOException {
    byte[] bytes = Files.readAllBytes(npz);
    bytes[bytes.length / 3] ^= 0x01;
    Files.write(npz, bytes);
    ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
        () -> DataCatalog.at(data).load("breastmnist", Split.TRAIN));
    assertEquals(BREAST_SHA256, e.expected());
    assertTrue(e.getMessage().contains(npz.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(BREAST_SHA256), e.getMessage());
    assertTrue(e.getMessage().contains(e.actual()) && !e.actual().equals(BREAST_SHA256));
  }

  @Test
  void refusesTruncatedCopy() throws IOException {
    byte[] bytes = Files.readAllBytes(npz);
    Files.write(npz, Arrays.copyOf(bytes, bytes.length - 1000));
    ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
        () -> DataCatalog.at(data).load("breastmnist", Split.TEST));
    assertEquals(npz, e.file());
    assertTrue(e.getMessage().contains((bytes.length - 1000) + " bytes"), e.getMessage());
  }

  @Test
  void refusesEditedChecksumList() throws IOException {
    Path sums = data.resolve("medmnist").resolve("SHA256SUMS");
    Files.writeString(sums, Files.readString(sums).replace(BREAST_SHA256,
        "0".repeat(64)));
    ChecksumMismatchException e = assertThrows(ChecksumMismatchException.class,
        () -> DataCatalog.at(data).load("breastmnist", Split.TEST));
    assertEquals(sums, e.file());
  }

  @Test
  void recheckedAfterTheFileChanges() throws IOException {
    DataCatalog catalog = DataCatalog.at(data);
    assertEquals(546, catalog.load("breastmnist", Split.TRAIN).size());
    byte[] bytes = Files.readAllBytes(npz);
    Files.write(npz, Arrays.copyOf(bytes, bytes.length - 1));
    assertThrows(ChecksumMismatchException.class, () -> catalog.load("breastmnist", Split.TRAIN));
  }
}
