package org.privmed.fl.dp;

/**
 * Client-level DP for one round: clip each update to {@code clipNorm}, then add Gaussian noise
 * with noise multiplier {@code noiseMultiplier} where {@code placement} says.
 */
public record DpSettings(NoisePlacement placement, double noiseMultiplier, double clipNorm) {
    public DpSettings {
        if (placement == null) throw new IllegalArgumentException("placement must be non-null");
        if (!(noiseMultiplier > 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noise multiplier must be finite and > 0, got " + noiseMultiplier);
        }
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) throw new IllegalArgumentException("clip norm must be finite and > 0, got " + clipNorm);
    }
}
