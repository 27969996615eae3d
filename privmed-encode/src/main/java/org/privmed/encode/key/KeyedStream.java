package org.privmed.encode.key;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A deterministic random bit generator keyed by an {@link EncoderKey}: AES-256 in counter mode over
 * an all-zero plaintext, with a per-purpose subkey {@code HMAC-SHA256(key, label)} and a 16-byte
 * initial counter block supplied by the caller. Distinct labels (one per weight tensor) give
 * independent streams, so adding a layer never shifts the weights of another.
 *
 * <p>Not thread-safe; make one per stream.
 */
public final class KeyedStream {
  private static final int BLOCK = 4096;

  private final Cipher aes;
  private final byte[] zeros = new byte[BLOCK];
  private final byte[] buffer = new byte[BLOCK];
  private int position = BLOCK;
  private double spareGaussian = Double.NaN;

  /** The stream for {@code label} with an all-zero initial counter. */
  public KeyedStream(EncoderKey key, String label) {
    this(key, label, new byte[16]);
  }

  /** The stream for {@code label} starting at counter block {@code iv} (16 bytes). */
  public KeyedStream(EncoderKey key, String label, byte[] iv) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(label, "label");
    if (iv == null || iv.length != 16) {
      throw new IllegalArgumentException("counter block must have 16 bytes, got "
          + (iv == null ? "null" : iv.length));
    }
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(key.bytes(), "HmacSHA256"));
      byte[] subkey = hmac.doFinal(label.getBytes(StandardCharsets.UTF_8));
      aes = Cipher.getInstance("AES/CTR/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(subkey, "AES"), new IvParameterSpec(iv));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256 or AES/CTR", e);
    }
  }

  /** Fills {@code out} with stream bytes. */
  public void nextBytes(byte[] out) {
    for (int i = 0; i < out.length; i++) {
      if (position == BLOCK) {
        refill();
      }
      out[i] = buffer[position++];
    }
  }

  /** 64 stream bits. */
  public long nextLong() {
    if (position > BLOCK - 8) {
      refill();
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buffer[position++] & 0xffL);
    }
    return v;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound), unbiased by rejection (Lemire's multiply-shift). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    while (true) {
      long r = nextLong() >>> 32;
      long m = r * bound;
      long low = m & 0xffffffffL;
      if (low >= (0x100000000L % bound)) {
        return (int) (m >>> 32);
      }
    }
  }

  /** Standard normal by the Box–Muller transform (both outputs used). */
  public double nextGaussian() {
    if (!Double.isNaN(spareGaussian)) {
      double g = spareGaussian;
      spareGaussian = Double.NaN;
      return g;
    }
    double u1;
    do {
      u1 = nextDouble();
    } while (u1 == 0.0);
    double u2 = nextDouble();
    double r = Math.sqrt(-2.0 * Math.log(u1));
    spareGaussian = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  public int[] permutation(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private void refill() {
    // A nextLong() that would straddle the buffer end skips the tail instead: at most 7 bytes per
    // 4 KiB wasted, and the stream stays a pure function of the sequence of calls.
    try {
      aes.update(zeros, 0, BLOCK, buffer, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR failed", e);
    }
    position = 0;
  }
}
