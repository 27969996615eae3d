package org.privmed.data.npz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.data.DatasetException;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;

class MedMnistNpzTest {
  @TempDir Path tmp;

  /** Pixel (i, y, x, c) of the synthetic RGB set: distinct per position so layout errors show. */
  private static int pixel(int i, int y, int x, int c) {
    return (i * 37 + y * 11 + x * 5 + c * 101) % 256;
  }

  private static byte[] rgbImages(int n, int h, int w) {
    byte[] data = new byte[n * h * w * 3];
    int at = 0;
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          for (int c = 0; c < 3; c++) {
            data[at++] = (byte) pixel(i, y, x, c);
          }
        }
      }
    }
    return data;
  }

  private static byte[] labels(int n, int classes) {
    byte[] l = new byte[n];
    for (int i = 0; i < n; i++) {
      l[i] = (byte) (i % classes);
    }
    return l;
  }

  /** An official-BloodMNIST-shaped file: 8 classes, RGB, labels N×1 uint8. */
  private Path syntheticBlood(String fileName, boolean compressed) throws IOException {
    TestNpz npz = new TestNpz();
    int[] sizes = {24, 8, 16};
    String[] prefixes = {"train", "val", "test"};
    for (int s = 0; s < 3; s++) {
      int n = sizes[s];
      npz.add(prefixes[s] + "_images", "|u1", new long[] {n, 28, 28, 3}, rgbImages(n, 28, 28));
      npz.add(prefixes[s] + "_labels", "|u1", new long[] {n, 1}, labels(n, 8));
    }
    Path file = tmp.resolve(fileName);
    npz.write(file, compressed);
    return file;
  }

  @Test
  void readsOfficialBloodMnistLayoutRgbWithColumnLabels() throws IOException {
    for (boolean compressed : new boolean[] {true, false}) {
      Path file = syntheticBlood("bloodmnist.npz", compressed);
      ImageDataset test = MedMnistNpz.load(file, Split.TEST, "bloodmnist/test");
      assertEquals(16, test.size());
      assertEquals(3, test.channels());
      assertEquals(28, test.height());
      assertEquals(28, test.width());
      assertEquals(8, test.numClasses());
      assertEquals("basophil", test.classNames().get(0));
      assertEquals("platelet", test.classNames().get(7));
      for (int i : new int[] {0, 5, 15}) {
        assertEquals(i % 8, test.labels()[i]);
        for (int c = 0; c < 3; c++) {
          for (int[] yx : new int[][] {{0, 0}, {3, 17}, {27, 27}}) {
            float got = test.images()[i][c * 28 * 28 + yx[0] * 28 + yx[1]];
            assertEquals(pixel(i, yx[0], yx[1], c) / 255f, got, 0f,
                "image " + i + " channel " + c + " at " + yx[0] + "," + yx[1]);
          }
        }
      }
    }
  }

  @Test
  void unknownFileGetsGenericClassNamesAndFlatLabels() throws IOException {
    TestNpz npz = new TestNpz();
    for (String p : List.of("train", "val", "test")) {
      npz.add(p + "_images", "|u1", new long[] {6, 64, 64}, new byte[6 * 64 * 64]);
      npz.add(p + "_labels", "<i8", new long[] {6}, longLabels(new long[] {0, 1, 2, 0, 1, 2}));
    }
    Path file = tmp.resolve("mystudy.npz");
    npz.write(file, true);
    ImageDataset val = MedMnistNpz.load(file, Split.VAL, "mystudy/val");
    assertEquals(List.of("class 0", "class 1", "class 2"), val.classNames());
    assertEquals(64, val.height());
    assertEquals(1, val.channels());
    assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, val.labels());
  }

  private static byte[] longLabels(long[] values) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(values.length * 8)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  @Test
  void classCountComesFromAllSplits() throws IOException {
    TestNpz npz = new TestNpz();
    npz.add("train_images", "|u1", new long[] {3, 4, 4}, new byte[48]);
    npz.add("train_labels", "|u1", new long[] {3, 1}, new byte[] {0, 1, 4});
    npz.add("test_images", "|u1", new long[] {2, 4, 4}, new byte[32]);
    npz.add("test_labels", "|u1", new long[] {2, 1}, new byte[] {0, 0});
    Path file = tmp.resolve("x.npz");
    npz.write(file, true);
    assertEquals(5, MedMnistNpz.load(file, Split.TEST, "x").numClasses());
  }

  @Test
  void refusesWrongShapes() throws IOException {
    TestNpz flat = new TestNpz()
        .add("test_images", "|u1", new long[] {4, 784}, new byte[4 * 784])
        .add("test_labels", "|u1", new long[] {4, 1}, new byte[4]);
    Path file = tmp.resolve("flat.npz");
    flat.write(file, true);
    DatasetException e = assertThrows(DatasetException.class,
        () -> MedMnistNpz.load(file, Split.TEST, "flat"));
    assertTrue(e.getMessage().contains("(4, 784)") && e.getMessage().contains("test_images"),
        e.getMessage());

    TestNpz multiLabel = new TestNpz()
        .add("test_images", "|u1", new long[] {2, 28, 28}, new byte[2 * 784])
        .add("test_labels", "|u1", new long[] {2, 14}, new byte[28]);
    Path chest = tmp.resolve("chestmnist.npz");
    multiLabel.write(chest, true);
    e = assertThrows(DatasetException.class, () -> MedMnistNpz.load(chest, Split.TEST, "c"));
    assertTrue(e.getMessage().contains("(2, 14)") && e.getMessage().contains("multi-label"),
        e.getMessage());

    TestNpz mismatch = new TestNpz()
        .add("test_images", "|u1", new long[] {3, 28, 28}, new byte[3 * 784])
        .add("test_labels", "|u1", new long[] {2, 1}, new byte[2]);
    Path mm = tmp.resolve("mismatch.npz");
    mismatch.write(mm, true);
    e = assertThrows(DatasetException.class, () -> MedMnistNpz.load(mm, Split.TEST, "m"));
    assertTrue(e.getMessage().contains("3 images but 2 labels"), e.getMessage());

    TestNpz floats = new TestNpz()
        .add("test_images", "<f4", new long[] {1, 2, 2}, new byte[16])
        .add("test_labels", "|u1", new long[] {1, 1}, new byte[1]);
    Path fl = tmp.resolve("floats.npz");
    floats.write(fl, true);
    e = assertThrows(DatasetException.class, () -> MedMnistNpz.load(fl, Split.TEST, "f"));
    assertTrue(e.getMessage().contains("'<f4'"), e.getMessage());
  }

  @Test
  void refusesMissingSplitNamingTheKeys() throws IOException {
    TestNpz npz = new TestNpz()
        .add("test_images", "|u1", new long[] {1, 2, 2}, new byte[4])
        .add("test_labels", "|u1", new long[] {1, 1}, new byte[1]);
    Path file = tmp.resolve("onlytest.npz");
    npz.write(file, true);
    DatasetException e = assertThrows(DatasetException.class,
        () -> MedMnistNpz.load(file, Split.TRAIN, "o"));
    assertTrue(e.getMessage().contains("train_images") && e.getMessage().contains("test_labels"),
        e.getMessage());
  }

  @Test
  void refusesTruncatedAndShortArrays() throws IOException {
    Path file = syntheticBlood("blood.npz", true);
    byte[] whole = Files.readAllBytes(file);
    Path cut = tmp.resolve("cut.npz");
    Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
    DatasetException e = assertThrows(DatasetException.class,
        () -> MedMnistNpz.load(cut, Split.TEST, "cut"));
    assertTrue(e.getMessage().contains("cut.npz"), e.getMessage());

    // A header promising more data than the entry holds.
    byte[] shortNpy = TestNpz.npy("|u1", new long[] {2, 28, 28}, new byte[784], false);
    TestNpz npz = new TestNpz().addRaw("test_images", shortNpy)
        .add("test_labels", "|u1", new long[] {2, 1}, new byte[2]);
    Path shortFile = tmp.resolve("short.npz");
    npz.write(shortFile, true);
    e = assertThrows(DatasetException.class, () -> MedMnistNpz.load(shortFile, Split.TEST, "s"));
    assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("test_images"),
        e.getMessage());
  }

  @Test
  void refusesFortranOrder() throws IOException {
    byte[] fortran = TestNpz.npy("|u1", new long[] {1, 2, 2}, new byte[4], true);
    TestNpz npz = new TestNpz().addRaw("test_images", fortran)
        .add("test_labels", "|u1", new long[] {1, 1}, new byte[1]);
    Path file = tmp.resolve("fortran.npz");
    npz.write(file, false);
    DatasetException e = assertThrows(DatasetException.class,
        () -> MedMnistNpz.load(file, Split.TEST, "f"));
    assertTrue(e.getMessage().contains("Fortran"), e.getMessage());
  }
}
