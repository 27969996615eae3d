package org.privmed.nn.train;

/**
 * Noise-aware training: every training input (after normalisation) is rounded to a fixed-point
 * grid of {@code 2^-fractionalBits} and then perturbed with Gaussian noise of standard deviation
 * {@code noiseStd}, mimicking what CKKS encoding (rounding at scale Δ = 2^fractionalBits) and
 * encryption (fresh RLWE noise, decoded to ≈ σ·sqrt(N)/Δ per slot) do to the input. Training under
 * this perturbation makes the weights robust to it, as the TenSEAL-based encrypted-inference
 * studies did by quantising inputs and weights during training (e.g. the medical-imaging study of
 * the TenSEAL authors, Benaissa et al., "TenSEAL: A Library for Encrypted Tensor Operations Using
 * Homomorphic Encryption", ICLR 2021 workshop, §4).
 *
 * @param fractionalBits bits after the binary point of the grid (e.g. 10 → steps of 1/1024)
 * @param noiseStd standard deviation of the added Gaussian noise, ≥ 0
 */
public record NoiseAwareOptions(int fractionalBits, double noiseStd) {
  public NoiseAwareOptions {
    if (fractionalBits < 1 || fractionalBits > 40) {
      throw new IllegalArgumentException(
          "noise-aware: fractionalBits must be in [1, 40], got " + fractionalBits);
    }
    if (!(noiseStd >= 0) || !Double.isFinite(noiseStd)) {
      throw new IllegalArgumentException("noise-aware: noiseStd must be >= 0, got " + noiseStd);
    }
  }

  /** 10 fractional bits, σ = 1e-3: coarser than real CKKS parameters, so it errs on the safe side. */
  public static NoiseAwareOptions defaults() {
    return new NoiseAwareOptions(10, 1e-3);
  }

  /** Applies the quantisation and noise in place. */
  void perturb(float[] x, java.util.Random random) {
    double grid = Math.scalb(1.0, fractionalBits);
    for (int i = 0; i < x.length; i++) {
      double q = Math.rint(x[i] * grid) / grid;
      x[i] = (float) (q + noiseStd * random.nextGaussian());
    }
  }
}
