package org.privmed.data.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.data.DatasetException;
import org.privmed.data.ImageDataset;

class IdxReaderTest {
  @TempDir Path tmp;

  static byte[] idx(int magic, int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(data);
    return b.array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  @Test
  void readsRawAndGzipRegardlessOfName() throws IOException {
    byte[] pixels = new byte[3 * 2 * 4];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 10);
    }
    byte[] file = idx(0x803, new int[] {3, 2, 4}, pixels);
    Path raw = tmp.resolve("images.gz"); // misleading name: content is raw
    Files.write(raw, file);
    Path gz = tmp.resolve("images.bin");
    Files.write(gz, gzip(file));
    for (Path p : new Path[] {raw, gz}) {
      IdxImages images = IdxReader.readImages(p);
      assertEquals(3, images.count());
      assertEquals(2, images.rows());
      assertEquals(4, images.cols());
      assertEquals(230 & 0xFF, images.pixel(2, 1, 3));
    }
    Path labels = tmp.resolve("labels");
    Files.write(labels, gzip(idx(0x801, new int[] {3}, new byte[] {7, 0, (byte) 200})));
    assertArrayEquals(new int[] {7, 0, 200}, IdxReader.readLabels(labels));
  }

  @Test
  void refusesWrongMagicTruncationAndTrailingBytes() throws IOException {
    Path p = tmp.resolve("x");
    Files.write(p, idx(0x801, new int[] {1, 2, 2}, new byte[4]));
    DatasetException e = assertThrows(DatasetException.class, () -> IdxReader.readImages(p));
    assertTrue(e.getMessage().contains("0x00000801") && e.getMessage().contains("0x00000803"),
        e.getMessage());

    Files.write(p, idx(0x803, new int[] {2, 2, 2}, new byte[7]));
    e = assertThrows(DatasetException.class, () -> IdxReader.readImages(p));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());

    Files.write(p, idx(0x803, new int[] {1, 2, 2}, new byte[5]));
    e = assertThrows(DatasetException.class, () -> IdxReader.readImages(p));
    assertTrue(e.getMessage().contains("1 unexpected bytes"), e.getMessage());

    Files.write(p, idx(0x803, new int[] {1, 0, 2}, new byte[0]));
    e = assertThrows(DatasetException.class, () -> IdxReader.readImages(p));
    assertTrue(e.getMessage().contains("dimension 1 is 0"), e.getMessage());

    byte[] gz = gzip(idx(0x803, new int[] {10, 28, 28}, new byte[7840]));
    Files.write(p, Arrays.copyOf(gz, gz.length / 2));
    e = assertThrows(DatasetException.class, () -> IdxReader.readImages(p));
    assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(p.toString()),
        e.getMessage());
  }

  @Test
  void mnistFolderPairsImagesWithLabels() throws IOException {
    Files.write(tmp.resolve("t10k-images-idx3-ubyte"), idx(0x803, new int[] {2, 1, 1},
        new byte[] {0, (byte) 255}));
    Files.write(tmp.resolve("t10k-labels-idx1-ubyte.gz"), gzip(idx(0x801, new int[] {2},
        new byte[] {3, 9})));
    assertTrue(MnistFiles.looksLikeMnistFolder(tmp));
    ImageDataset d = MnistFiles.read(tmp, false, "tiny");
    assertEquals(1.0f, d.images()[1][0]);
    assertArrayEquals(new int[] {3, 9}, d.labels());

    Files.write(tmp.resolve("t10k-labels-idx1-ubyte.gz"), gzip(idx(0x801, new int[] {3},
        new byte[] {3, 9, 1})));
    DatasetException e = assertThrows(DatasetException.class,
        () -> MnistFiles.read(tmp, false, "tiny"));
    assertTrue(e.getMessage().contains("2 images but 3 labels"), e.getMessage());
  }
}
