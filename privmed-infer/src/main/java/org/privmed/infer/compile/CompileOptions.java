package org.privmed.infer.compile;

/**
 * Knobs of {@link HeCompiler#compile}.
 *
 * @param minLogN smallest ring degree to consider (log2); throughput programs use at least 13
 *     (4096 images per batch, as CryptoNets)
 * @param maxLogN largest ring degree to consider (log2, at most 16)
 * @param maxScaleBits largest scale Δ = 2^bits to use (larger is more precise, and free in speed
 *     until the 128-bit bound forces a larger ring)
 * @param minScaleBits smallest acceptable scale
 * @param targetError largest acceptable predicted absolute error of an output logit
 * @param calibrationImages how many calibration images to trace for the value ranges
 */
public record CompileOptions(int minLogN, int maxLogN, int maxScaleBits, int minScaleBits,
    double targetError, int calibrationImages) {

  public CompileOptions {
    if (minLogN < 12 || maxLogN > 16 || minLogN > maxLogN) {
      throw new IllegalArgumentException("logN range must lie in [12, 16], got [" + minLogN + ", "
          + maxLogN + "]");
    }
    if (minScaleBits < 20 || maxScaleBits > 50 || minScaleBits > maxScaleBits) {
      throw new IllegalArgumentException("scale bits must lie in [20, 50], got [" + minScaleBits + ", "
          + maxScaleBits + "]");
    }
    if (!(targetError > 0) || !Double.isFinite(targetError)) {
      throw new IllegalArgumentException("targetError must be finite and > 0, got " + targetError);
    }
    if (calibrationImages < 1) {
      throw new IllegalArgumentException("calibrationImages must be >= 1, got " + calibrationImages);
    }
  }

  public static CompileOptions defaults() {
    return new CompileOptions(12, 16, 40, 22, 0.05, 256);
  }

  public CompileOptions withLogN(int min, int max) {
    return new CompileOptions(min, max, maxScaleBits, minScaleBits, targetError, calibrationImages);
  }
}
