package org.privmed.fl.dp.sgd;

/**
 * DP-SGD within local training (Abadi et al. 2016, Alg. 1): each example's gradient clipped to
 * L2 norm C, Gaussian noise N(0, (σ·C)²) on the sum of a Poisson-sampled batch at every step.
 *
 * @param clipNorm per-example clipping bound C, finite and &gt; 0
 * @param noiseMultiplier σ, finite and ≥ 0; 0 adds no noise and gives no privacy (ε = ∞), which only
 *     tests use — the command line refuses it
 * @param delta δ at which the hospital's ε is reported, in (0, 1)
 */
public record DpSgdSettings(double clipNorm, double noiseMultiplier, double delta) {
    public DpSgdSettings {
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("DP-SGD clip norm must be finite and > 0, got " + clipNorm);
        }
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("DP-SGD noise multiplier must be finite and >= 0, got " + noiseMultiplier);
        }
        if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("DP-SGD delta must be in (0, 1), got " + delta);
    }

    /** Poisson sampling rate q = B/N for batch size B over N local examples (at most 1). */
    public static double sampleRate(int batchSize, long examples) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (examples < 1) throw new IllegalArgumentException("examples must be >= 1, got " + examples);
        return Math.min(1.0, (double) batchSize / examples);
    }

    /** Steps per local epoch, ⌈N/B⌉ (the batches an epoch of ordinary training takes). */
    public static long stepsPerEpoch(int batchSize, long examples) {
        return (examples + batchSize - 1) / batchSize;
    }
}
