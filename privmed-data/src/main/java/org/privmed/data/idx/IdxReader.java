package org.privmed.data.idx;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.privmed.data.DatasetException;

/**
 * Reader for the IDX format of the MNIST database (LeCun, Cortes &amp; Burges; format described on
 * the database's page, "FILE FORMATS FOR THE MNIST DATABASE"): a big-endian magic number whose
 * third byte is the element type (0x08 = unsigned byte) and fourth the number of dimensions, one
 * 32-bit big-endian size per dimension, then the elements.
 *
 * <p>Files may be gzip-compressed or raw; compression is recognised from the content (gzip magic
 * 1f 8b), not from the name. Only unsigned-byte files are accepted, images with magic 0x00000803
 * and labels with 0x00000801, and the element count must equal the product of the dimensions
 * exactly: a shorter file is reported as truncated, a longer one as carrying trailing bytes.
 */
public final class IdxReader {
  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;

  private IdxReader() {}

  /** Reads an image file (magic 0x803, N×rows×cols unsigned bytes). */
  public static IdxImages readImages(Path file) {
    ByteBuffer buf = ByteBuffer.wrap(readContent(file));
    int[] dims = header(file, buf, IMAGES_MAGIC, 3);
    byte[] pixels = body(file, buf, (long) dims[0] * dims[1] * dims[2]);
    return new IdxImages(dims[0], dims[1], dims[2], pixels);
  }

  /** Reads a label file (magic 0x801, N unsigned bytes) as ints 0..255. */
  public static int[] readLabels(Path file) {
    ByteBuffer buf = ByteBuffer.wrap(readContent(file));
    int[] dims = header(file, buf, LABELS_MAGIC, 1);
    byte[] raw = body(file, buf, dims[0]);
    int[] labels = new int[raw.length];
    for (int i = 0; i < raw.length; i++) {
      labels[i] = raw[i] & 0xFF;
    }
    return labels;
  }

  private static int[] header(Path file, ByteBuffer buf, int expectedMagic, int rank) {
    if (buf.remaining() < 4 + 4 * rank) {
      throw new DatasetException(file + ": " + buf.remaining()
          + " bytes is too short for an IDX header (truncated?)");
    }
    int magic = buf.getInt();
    if (magic != expectedMagic) {
      throw new DatasetException(String.format(
          "%s: IDX magic number 0x%08x, expected 0x%08x (%s)", file, magic, expectedMagic,
          expectedMagic == IMAGES_MAGIC ? "unsigned-byte 3-D images" : "unsigned-byte 1-D labels"));
    }
    int[] dims = new int[rank];
    for (int d = 0; d < rank; d++) {
      dims[d] = buf.getInt();
      if (dims[d] <= 0) {
        throw new DatasetException(file + ": IDX dimension " + d + " is " + dims[d]
            + ", must be positive");
      }
    }
    return dims;
  }

  private static byte[] body(Path file, ByteBuffer buf, long expected) {
    if (buf.remaining() < expected) {
      throw new DatasetException(file + ": truncated IDX file, header promises " + expected
          + " data bytes but only " + buf.remaining() + " follow");
    }
    if (buf.remaining() > expected) {
      throw new DatasetException(file + ": IDX file has " + (buf.remaining() - expected)
          + " unexpected bytes after the " + expected + " data bytes its header promises");
    }
    byte[] out = new byte[(int) expected];
    buf.get(out);
    return out;
  }

  private static byte[] readContent(Path file) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        try (InputStream gz = new GZIPInputStream(raw, 1 << 16)) {
          return gz.readAllBytes();
        }
      }
      return raw.readAllBytes();
    } catch (EOFException e) {
      throw new DatasetException(file + ": gzip stream ends early (truncated file)", e);
    } catch (ZipException e) {
      throw new DatasetException(file + ": corrupt gzip data: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new DatasetException("cannot read IDX file " + file + ": " + e, e);
    }
  }
}
