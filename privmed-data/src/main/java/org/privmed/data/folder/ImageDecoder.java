package org.privmed.data.folder;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.privmed.data.DatasetException;

/**
 * Decodes one image file to [0, 1] channel planes. The format is recognised from the file's first
 * bytes, never from its name: the brain-MRI set has PNG files named {@code .jpg}.
 *
 * <p>Grayscale images are read from the raster directly rather than through {@code getRGB},
 * because Java treats an 8-bit gray colour space as linear and would brighten every pixel on the
 * way to sRGB.
 */
final class ImageDecoder {
  enum Format { JPEG, PNG, GIF, BMP }

  private ImageDecoder() {}

  static Format sniff(Path file, byte[] head) {
    if (head.length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8
        && (head[2] & 0xFF) == 0xFF) {
      return Format.JPEG;
    }
    if (head.length >= 8 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N'
        && head[3] == 'G' && head[4] == 0x0D && head[5] == 0x0A && head[6] == 0x1A
        && head[7] == 0x0A) {
      return Format.PNG;
    }
    if (head.length >= 4 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8') {
      return Format.GIF;
    }
    if (head.length >= 2 && head[0] == 'B' && head[1] == 'M') {
      return Format.BMP;
    }
    throw new DatasetException(file + " is not a JPEG, PNG, GIF or BMP image (content starts with "
        + hex(head) + ")");
  }

  /** The image at its own size: {@code colour.channels()} planes of h×w in [0, 1]. */
  static Decoded decode(Path file, ColourMode colour) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DatasetException("cannot read image " + file + ": " + e, e);
    }
    Format format = sniff(file, java.util.Arrays.copyOf(bytes, Math.min(bytes.length, 8)));
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      throw new DatasetException("cannot decode " + format + " image " + file + " ("
          + bytes.length + " bytes): " + e.getMessage(), e);
    }
    if (image == null) {
      throw new DatasetException("no decoder accepted " + format + " image " + file);
    }
    return toPlanes(image, colour);
  }

  record Decoded(int height, int width, float[][] planes) {}

  static Decoded toPlanes(BufferedImage image, ColourMode colour) {
    int w = image.getWidth();
    int h = image.getHeight();
    Raster raster = image.getRaster();
    boolean gray = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
        && raster.getNumBands() <= 2;
    float[] r = new float[h * w];
    float[] g = new float[h * w];
    float[] b = new float[h * w];
    if (gray) {
      double max = (1 << image.getColorModel().getComponentSize(0)) - 1;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float v = (float) (raster.getSample(x, y, 0) / max);
          r[y * w + x] = v;
          g[y * w + x] = v;
          b[y * w + x] = v;
        }
      }
    } else {
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        image.getRGB(0, y, w, 1, row, 0, w);
        for (int x = 0; x < w; x++) {
          int argb = row[x];
          r[y * w + x] = ((argb >> 16) & 0xFF) / 255f;
          g[y * w + x] = ((argb >> 8) & 0xFF) / 255f;
          b[y * w + x] = (argb & 0xFF) / 255f;
        }
      }
    }
    if (colour == ColourMode.RGB) {
      return new Decoded(h, w, new float[][] {r, g, b});
    }
    float[] luma = new float[h * w];
    for (int p = 0; p < luma.length; p++) {
      luma[p] = (float) (0.299 * r[p] + 0.587 * g[p] + 0.114 * b[p]);
    }
    return new Decoded(h, w, new float[][] {luma});
  }

  private static String hex(byte[] head) {
    StringBuilder sb = new StringBuilder();
    for (byte x : head) {
      sb.append(String.format("%02x ", x & 0xFF));
    }
    return sb.toString().trim();
  }
}
