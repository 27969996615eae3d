package org.privmed.data.idx;

/**
 * The content of an IDX image file: {@code count} images of {@code rows}×{@code cols} unsigned
 * bytes, row-major, image after image.
 */
public record IdxImages(int count, int rows, int cols, byte[] pixels) {

  public IdxImages {
    if ((long) count * rows * cols != pixels.length) {
      throw new IllegalArgumentException("IDX images " + count + "x" + rows + "x" + cols
          + " need " + (long) count * rows * cols + " bytes, got " + pixels.length);
    }
  }

  /** Pixel {@code (r, c)} of image {@code i} as 0..255. */
  public int pixel(int i, int r, int c) {
    return pixels[(i * rows + r) * cols + c] & 0xFF;
  }
}
