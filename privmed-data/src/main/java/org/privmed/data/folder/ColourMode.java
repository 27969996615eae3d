package org.privmed.data.folder;

/** How decoded images are turned into channels. */
public enum ColourMode {
  /** One channel, ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B (as PIL's {@code convert("L")}). */
  GRAYSCALE(1),
  /** Three channels R, G, B (sRGB values as decoded, no gamma change). */
  RGB(3);

  private final int channels;

  ColourMode(int channels) {
    this.channels = channels;
  }

  public int channels() {
    return channels;
  }
}
