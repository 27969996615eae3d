package org.privmed.fl.dp.accountant;

/**
 * {@code count} consecutive applications of the sampled Gaussian mechanism with the same noise
 * multiplier and Poisson sampling rate.
 */
public record MechanismSteps(double noiseMultiplier, double sampleRate, long count) {
    public MechanismSteps {
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noiseMultiplier must be finite and >= 0, got " + noiseMultiplier);
        }
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("sampleRate must be in [0, 1], got " + sampleRate);
        }
        if (count < 1) throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
}
