package org.privmed.fl.dp.sgd;

import org.privmed.nn.train.OptimizerKind;

/**
 * DP-SGD within local training (Abadi et al. 2016, Alg. 1): each example's gradient clipped to
 * L2 norm C, Gaussian noise N(0, (σ·C)²) on the sum of a Poisson-sampled batch at every step.
 *
 * @param clipNorm per-example clipping bound C, finite and &gt; 0
 * @param noiseMultiplier σ, finite and ≥ 0; 0 adds no noise and gives no privacy (ε = ∞), which only
 *     tests use — the command line refuses it
 * @param delta δ at which the hospital's ε is reported, in (0, 1)
 * @param targetEpsilon the hospital's sample-level budget over the planned rounds, or NaN for none;
 *     when set, σ is calibrated from it (noiseMultiplier is ignored) and a local training that would
 *     exceed it is refused
 * @param optimizer what steps on the private gradient: Adam (the default, as in ordinary local
 *     training) or SGD with momentum. The choice matters more than without DP: Adam divides each
 *     coordinate by its running RMS, which under DP-SGD is mostly the noise's, so every coordinate —
 *     those the signal never reaches too — moves by about the learning rate each step, while SGD
 *     moves the noise at its own small scale (Abadi et al. 2016 and most DP image models since use
 *     SGD). Post-processing either way: the privacy guarantee does not depend on it.
 * @param momentum heavy-ball momentum of SGD in [0, 1); 0 for Adam
 */
public record DpSgdSettings(double clipNorm, double noiseMultiplier, double delta, double targetEpsilon,
                            OptimizerKind optimizer, double momentum) {
    public DpSgdSettings {
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("DP-SGD clip norm must be finite and > 0, got " + clipNorm);
        }
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("DP-SGD noise multiplier must be finite and >= 0, got " + noiseMultiplier);
        }
        if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("DP-SGD delta must be in (0, 1), got " + delta);
        if (!Double.isNaN(targetEpsilon) && (!(targetEpsilon > 0) || Double.isInfinite(targetEpsilon))) {
            throw new IllegalArgumentException("DP-SGD target epsilon must be finite and > 0, got " + targetEpsilon);
        }
        if (optimizer == null) throw new IllegalArgumentException("DP-SGD optimizer must be non-null");
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("DP-SGD momentum must be in [0, 1), got " + momentum);
        if (optimizer == OptimizerKind.ADAM && momentum != 0) {
            throw new IllegalArgumentException("DP-SGD momentum applies to SGD only; Adam got " + momentum);
        }
    }

    /** Adam, σ and an optional target as given. */
    public DpSgdSettings(double clipNorm, double noiseMultiplier, double delta, double targetEpsilon) {
        this(clipNorm, noiseMultiplier, delta, targetEpsilon, OptimizerKind.ADAM, 0);
    }

    /** A fixed noise multiplier σ, no budget. */
    public DpSgdSettings(double clipNorm, double noiseMultiplier, double delta) {
        this(clipNorm, noiseMultiplier, delta, Double.NaN);
    }

    /** σ calibrated per hospital so that its planned rounds spend at most {@code targetEpsilon}. */
    public static DpSgdSettings forTarget(double clipNorm, double targetEpsilon, double delta) {
        if (Double.isNaN(targetEpsilon)) throw new IllegalArgumentException("DP-SGD target epsilon must be a number, got NaN");
        return new DpSgdSettings(clipNorm, 0, delta, targetEpsilon);
    }

    public boolean hasTarget() {
        return !Double.isNaN(targetEpsilon);
    }

    /** These settings with σ fixed to {@code sigma} (a calibrated one). */
    public DpSgdSettings withNoise(double sigma) {
        return new DpSgdSettings(clipNorm, sigma, delta, targetEpsilon, optimizer, momentum);
    }

    /** These settings stepping with {@code kind} ({@code momentum} for SGD, 0 for Adam). */
    public DpSgdSettings withOptimizer(OptimizerKind kind, double momentum) {
        return new DpSgdSettings(clipNorm, noiseMultiplier, delta, targetEpsilon, kind, momentum);
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
