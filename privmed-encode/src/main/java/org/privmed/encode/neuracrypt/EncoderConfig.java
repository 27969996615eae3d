package org.privmed.encode.neuracrypt;

/**
 * The public shape of a NeuraCrypt encoder — everything except the key. It is written into every
 * encoded file's header, since the scheme's security is meant to rest on the key alone (Kerckhoffs),
 * and the audit's attacker is assumed to know it.
 *
 * @param imageChannels C of the input images
 * @param imageHeight H of the input images
 * @param imageWidth W of the input images
 * @param patch side k of the square patches (the k×k, stride-k patch-embedding convolution); must
 *     divide H and W
 * @param width channels of every hidden layer and of each encoded patch
 * @param depth number of [1×1 conv, normalisation, ReLU] blocks (0 allowed: the audit uses it as the
 *     weakest setting)
 * @param positionScale standard deviation of the random positional embedding
 * @param shuffle whether each image's encoded patches are randomly permuted
 */
public record EncoderConfig(int imageChannels, int imageHeight, int imageWidth, int patch,
    int width, int depth, double positionScale, boolean shuffle) {

  public EncoderConfig {
    if (imageChannels <= 0 || imageHeight <= 0 || imageWidth <= 0) {
      throw new IllegalArgumentException("image shape " + imageChannels + "x" + imageHeight + "x"
          + imageWidth + " must be positive");
    }
    if (patch <= 0 || imageHeight % patch != 0 || imageWidth % patch != 0) {
      throw new IllegalArgumentException("patch " + patch + " must be positive and divide the image "
          + imageHeight + "x" + imageWidth);
    }
    if (width <= 0 || width > 4096) {
      throw new IllegalArgumentException("width " + width + " must be in 1..4096");
    }
    if (depth < 0 || depth > 64) {
      throw new IllegalArgumentException("depth " + depth + " must be in 0..64");
    }
    if (!(positionScale >= 0) || Double.isInfinite(positionScale)) {
      throw new IllegalArgumentException("positionScale " + positionScale
          + " must be finite and non-negative");
    }
  }

  /**
   * The documented defaults: for images up to 32×32 (MedMNIST 28×28) 7×7 patches (16 per image),
   * width 64, depth 2; for larger images (64×64 brain MRI) 8×8 patches (64 per image), width 128,
   * depth 3 — positional scale 1 and shuffling on in both. Yala et al. used 16×16 patches, width
   * 2048 and several blocks on 256×256 x-rays; these keep the same patches-per-image order of
   * magnitude at MedMNIST sizes while encoding a whole dataset in seconds.
   */
  public static EncoderConfig defaults(int channels, int height, int width) {
    boolean small = height <= 32 && width <= 32;
    int k = small ? 7 : 8;
    if (height % k != 0 || width % k != 0) {
      k = largestPatchDividing(height, width, small ? 7 : 8);
    }
    return new EncoderConfig(channels, height, width, k, small ? 64 : 128, small ? 2 : 3, 1.0,
        true);
  }

  private static int largestPatchDividing(int h, int w, int max) {
    for (int k = max; k > 1; k--) {
      if (h % k == 0 && w % k == 0) {
        return k;
      }
    }
    return 1;
  }

  /** Patches per image, (H/k)·(W/k). */
  public int patches() {
    return (imageHeight / patch) * (imageWidth / patch);
  }

  /** Values per plaintext patch, C·k·k. */
  public int patchValues() {
    return imageChannels * patch * patch;
  }

  /** Values per encoded image, patches · width. */
  public int encodedValues() {
    return patches() * width;
  }

  public EncoderConfig withDepth(int newDepth) {
    return new EncoderConfig(imageChannels, imageHeight, imageWidth, patch, width, newDepth,
        positionScale, shuffle);
  }

  public EncoderConfig withWidth(int newWidth) {
    return new EncoderConfig(imageChannels, imageHeight, imageWidth, patch, newWidth, depth,
        positionScale, shuffle);
  }

  public EncoderConfig withShuffle(boolean newShuffle) {
    return new EncoderConfig(imageChannels, imageHeight, imageWidth, patch, width, depth,
        positionScale, newShuffle);
  }
}
