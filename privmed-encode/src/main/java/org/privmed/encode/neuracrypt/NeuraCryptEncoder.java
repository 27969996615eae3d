package org.privmed.encode.neuracrypt;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import org.privmed.data.ImageDataset;
import org.privmed.encode.key.EncoderKey;
import org.privmed.encode.key.KeyedStream;

/**
 * The NeuraCrypt encoder of Yala et al., "NeuraCrypt: Hiding Private Health Data via Random Neural
 * Networks for Public Training" (arXiv 2106.02484, 2021), the method section's encoder architecture: a random
 * convolutional network whose every weight is drawn from the secret key.
 *
 * <ol>
 *   <li>Patch embedding: a k×k convolution with stride k, i.e. each non-overlapping patch, flattened
 *       to C·k·k values, times a random {@code width × C·k·k} matrix.
 *   <li>{@code depth} blocks of [1×1 convolution (a random {@code width × width} matrix applied to
 *       every patch), normalisation, ReLU]. The paper's blocks use batch norm without learned or
 *       running statistics; we standardise each channel over the patches of <em>one image</em>
 *       (zero mean, unit variance, ε = 1e-5, no affine) — per-image rather than per-batch, so an
 *       image's encoding does not depend on which other images shared its batch and a hospital can
 *       encode one image at a time.
 *   <li>A random positional embedding (one {@code width}-vector per patch position, N(0, s²)) added
 *       to every patch, then ReLU and a random linear mixer ({@code width × width}).
 *   <li>A per-image random permutation of the patches, so the patch order reveals no position.
 * </ol>
 *
 * <p>Weights are He-scaled Gaussians (std √(2/fan-in)) drawn from {@link KeyedStream}s, one per
 * tensor, keyed by the 32-byte {@link EncoderKey}. The permutation is drawn from a keyed stream whose
 * counter block is a SHA-256 of the image's pixels: it looks random to anyone without the key, yet
 * the whole encoding stays a pure function of (key, image), which the tests rely on.
 *
 * <p>Thread-safe after construction ({@link #encode} allocates its own buffers).
 */
public final class NeuraCryptEncoder {
  private static final float EPS = 1e-5f;

  private final EncoderConfig config;
  private final EncoderKey key;
  private final String fingerprint;
  private final float[][] patchEmbed; // [width][C·k·k]
  private final float[][][] blocks; // [depth][width][width]
  private final float[][] position; // [patches][width]
  private final float[][] mixer; // [width][width]
  private final int[][] patchPixels; // [patches][C·k·k]: flat pixel index of each patch value

  /** Builds the encoder that {@code key} determines for {@code config}. */
  public NeuraCryptEncoder(EncoderKey key, EncoderConfig config) {
    this.key = Objects.requireNonNull(key, "key");
    this.config = Objects.requireNonNull(config, "config");
    this.fingerprint = key.fingerprint();
    int d = config.width();
    int in = config.patchValues();
    patchEmbed = gaussian(new KeyedStream(key, "neuracrypt/v1/patch-embedding"), d, in,
        Math.sqrt(2.0 / in));
    blocks = new float[config.depth()][][];
    for (int l = 0; l < config.depth(); l++) {
      blocks[l] = gaussian(new KeyedStream(key, "neuracrypt/v1/block-" + l), d, d,
          Math.sqrt(2.0 / d));
    }
    position = gaussian(new KeyedStream(key, "neuracrypt/v1/position"), config.patches(), d,
        config.positionScale());
    mixer = gaussian(new KeyedStream(key, "neuracrypt/v1/mixer"), d, d, Math.sqrt(2.0 / d));
    patchPixels = patchIndex(config);
  }

  public EncoderConfig config() {
    return config;
  }

  /** The key's fingerprint, for file headers. */
  public String keyFingerprint() {
    return fingerprint;
  }

  /**
   * Encodes one image (C×H×W, channel-major) into {@code patches × width} values, patch-major
   * (encoded patch {@code q} is {@code [q·width, (q+1)·width)}).
   */
  public float[] encode(float[] image) {
    return encode(image, null);
  }

  /**
   * As {@link #encode(float[])}; if {@code permutationOut} is not null it receives, for every output
   * slot, the patch position it came from. Only the key holder (tests, the audit's scoring) can know
   * this.
   */
  public float[] encode(float[] image, int[] permutationOut) {
    Objects.requireNonNull(image, "image");
    int expected = config.imageChannels() * config.imageHeight() * config.imageWidth();
    if (image.length != expected) {
      throw new IllegalArgumentException("image has " + image.length + " values, the encoder expects "
          + expected + " (" + config.imageChannels() + "x" + config.imageHeight() + "x"
          + config.imageWidth() + ")");
    }
    int p = config.patches();
    int d = config.width();
    float[][] z = new float[p][d];
    float[] patchBuf = new float[config.patchValues()];
    for (int q = 0; q < p; q++) {
      int[] idx = patchPixels[q];
      for (int i = 0; i < idx.length; i++) {
        float v = image[idx[i]];
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("image value " + v + " at index " + idx[i]
              + " is not finite");
        }
        patchBuf[i] = v;
      }
      matVec(patchEmbed, patchBuf, z[q]);
    }
    float[] tmp = new float[d];
    for (float[][] w : blocks) {
      for (int q = 0; q < p; q++) {
        matVec(w, z[q], tmp);
        System.arraycopy(tmp, 0, z[q], 0, d);
      }
      standardiseOverPatches(z);
      for (float[] row : z) {
        relu(row);
      }
    }
    int[] perm = config.shuffle() ? permutationFor(image) : identity(p);
    float[] out = new float[p * d];
    for (int slot = 0; slot < p; slot++) {
      int q = perm[slot];
      float[] h = z[q];
      float[] pos = position[q];
      for (int c = 0; c < d; c++) {
        float v = h[c] + pos[c];
        tmp[c] = v > 0 ? v : 0;
      }
      float[] outPatch = new float[d];
      matVec(mixer, tmp, outPatch);
      System.arraycopy(outPatch, 0, out, slot * d, d);
    }
    if (permutationOut != null) {
      if (permutationOut.length != p) {
        throw new IllegalArgumentException("permutationOut has length " + permutationOut.length
            + ", expected " + p);
      }
      System.arraycopy(perm, 0, permutationOut, 0, p);
    }
    return out;
  }

  /** Encodes every image of {@code data}, in order. */
  public float[][] encodeAll(ImageDataset data) {
    Objects.requireNonNull(data, "data");
    if (data.channels() != config.imageChannels() || data.height() != config.imageHeight()
        || data.width() != config.imageWidth()) {
      throw new IllegalArgumentException("dataset " + data.name() + " has images "
          + data.channels() + "x" + data.height() + "x" + data.width() + ", the encoder expects "
          + config.imageChannels() + "x" + config.imageHeight() + "x" + config.imageWidth());
    }
    float[][] images = data.images();
    float[][] out = new float[images.length][];
    java.util.stream.IntStream.range(0, images.length).parallel()
        .forEach(i -> out[i] = encode(images[i]));
    return out;
  }

  /**
   * The k×k patches of {@code image} as the patch embedding receives them, unencoded, in grid
   * order: {@code patches × C·k·k} values. The control in comparisons of training on encodings.
   */
  public static float[] rawPatches(EncoderConfig config, float[] image) {
    int values = config.patchValues();
    int[][] idx = patchIndex(config);
    if (image.length != config.imageChannels() * config.imageHeight() * config.imageWidth()) {
      throw new IllegalArgumentException("image has " + image.length + " values, expected "
          + config.imageChannels() + "x" + config.imageHeight() + "x" + config.imageWidth());
    }
    float[] out = new float[idx.length * values];
    for (int q = 0; q < idx.length; q++) {
      for (int i = 0; i < values; i++) {
        out[q * values + i] = image[idx[q][i]];
      }
    }
    return out;
  }

  private int[] permutationFor(float[] image) {
    byte[] iv;
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ByteBuffer buf = ByteBuffer.allocate(image.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : image) {
        buf.putFloat(v);
      }
      iv = Arrays.copyOf(sha.digest(buf.array()), 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    return new KeyedStream(key, "neuracrypt/v1/patch-permutation", iv).permutation(
        config.patches());
  }

  private static void standardiseOverPatches(float[][] z) {
    int p = z.length;
    int d = z[0].length;
    for (int c = 0; c < d; c++) {
      double sum = 0;
      for (float[] row : z) {
        sum += row[c];
      }
      double mean = sum / p;
      double ss = 0;
      for (float[] row : z) {
        double t = row[c] - mean;
        ss += t * t;
      }
      float inv = (float) (1.0 / Math.sqrt(ss / p + EPS));
      float m = (float) mean;
      for (float[] row : z) {
        row[c] = (row[c] - m) * inv;
      }
    }
  }

  private static void relu(float[] v) {
    for (int i = 0; i < v.length; i++) {
      if (v[i] < 0) {
        v[i] = 0;
      }
    }
  }

  private static void matVec(float[][] w, float[] x, float[] out) {
    for (int r = 0; r < w.length; r++) {
      float[] row = w[r];
      float s = 0;
      for (int c = 0; c < row.length; c++) {
        s += row[c] * x[c];
      }
      out[r] = s;
    }
  }

  private static int[] identity(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  private static float[][] gaussian(KeyedStream s, int rows, int cols, double std) {
    float[][] m = new float[rows][cols];
    for (float[] row : m) {
      for (int c = 0; c < cols; c++) {
        row[c] = (float) (s.nextGaussian() * std);
      }
    }
    return m;
  }

  /** Flat C×H×W indices of each patch's values, patches in row-major grid order. */
  static int[][] patchIndex(EncoderConfig cfg) {
    int k = cfg.patch();
    int gh = cfg.imageHeight() / k;
    int gw = cfg.imageWidth() / k;
    int[][] idx = new int[gh * gw][cfg.patchValues()];
    for (int py = 0; py < gh; py++) {
      for (int px = 0; px < gw; px++) {
        int[] row = idx[py * gw + px];
        int i = 0;
        for (int c = 0; c < cfg.imageChannels(); c++) {
          for (int y = 0; y < k; y++) {
            for (int x = 0; x < k; x++) {
              row[i++] = (c * cfg.imageHeight() + py * k + y) * cfg.imageWidth() + px * k + x;
            }
          }
        }
      }
    }
    return idx;
  }
}
