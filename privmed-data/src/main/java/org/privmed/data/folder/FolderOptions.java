package org.privmed.data.folder;

/**
 * How an image folder is turned into fixed-size tensors: every image is resized (stretched, not
 * cropped: the aspect ratio is not kept) to {@code height}×{@code width} by area averaging, then
 * converted to {@code colour}.
 */
public record FolderOptions(int height, int width, ColourMode colour) {

  public FolderOptions {
    if (height <= 0 || width <= 0 || height > 4096 || width > 4096) {
      throw new IllegalArgumentException("image size " + height + "x" + width
          + " is outside 1..4096");
    }
    if (colour == null) {
      throw new IllegalArgumentException("colour mode is null");
    }
  }

  /** A square {@code size}×{@code size} target. */
  public static FolderOptions square(int size, ColourMode colour) {
    return new FolderOptions(size, size, colour);
  }
}
