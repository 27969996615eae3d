package org.privmed.fl.dp;

import org.privmed.fl.prg.AesCtrPrg;

/**
 * Adds Gaussian noise for differential privacy to a float vector, without the floating-point
 * leaks of textbook samplers.
 *
 * <p><b>The weakness.</b> Mironov 2012 ("On Significance of the Least Significant Bits for
 * Differential Privacy", CCS) showed that noise drawn with floating-point formulas (there: Laplace
 * via −λ·ln U) takes values on an irregular, input-independent set of doubles, so the set of
 * possible outputs x + noise after rounding depends on x and a single output can reveal x exactly.
 * Gaussian samplers built from Box–Muller or inverse CDFs on doubles have the same defect.
 *
 * <p><b>What we do</b> (Mironov's snapping idea with the discrete Gaussian of Canonne, Kamath,
 * Steinke 2020 in place of the continuous one):
 * <ol>
 *   <li>choose a grid γ = 2^k, the largest power of two with √d·γ ≤ 2⁻⁸·Δ (Δ the L2 sensitivity);</li>
 *   <li>round every input coordinate to the nearest multiple of γ — this moves the vector by at
 *       most √d·γ/2, so neighbouring inputs stay within Δ' = Δ + √d·γ ≤ (1 + 2⁻⁸)·Δ;</li>
 *   <li>add γ·Y with Y ~ N_Z(0, (σ'/γ)²) drawn exactly on the integers, where σ' = σ·(1 + 2⁻⁸)
 *       keeps σ'/Δ' ≥ σ/Δ, so the RDP the accountant charges for the noise multiplier σ/Δ
 *       still holds (the discrete Gaussian enjoys the same Rényi bound α·Δ²/(2σ²) as the
 *       continuous one for integer-valued shifts, CKS 2020 Thm 4, applied on the γ-grid);</li>
 *   <li>the sum is an exact multiple of γ held in a double; converting it to float afterwards is
 *       post-processing of that grid value and cannot leak anything more.</li>
 * </ol>
 * The generator is AES-256-CTR seeded from {@link java.security.SecureRandom}; only tests pass a
 * fixed seed.
 */
public final class GaussianNoise {
    /** Relative slack spent on the grid: Δ' ≤ (1 + SLACK)·Δ. */
    static final double SLACK = 0x1.0p-8;

    private final DiscreteGaussianSampler sampler;

    public GaussianNoise(AesCtrPrg prg) {
        this.sampler = new DiscreteGaussianSampler(prg);
    }

    /** Noise from a generator seeded by a fresh SecureRandom. */
    public static GaussianNoise secure() {
        return new GaussianNoise(AesCtrPrg.secure());
    }

    /**
     * Returns {@code values} + N(0, stddev²) per coordinate, computed as described in the class
     * comment. {@code l2Sensitivity} is the bound Δ the noise is calibrated against (C for a
     * clipped update, C/m for the mean of m clipped updates).
     */
    public float[] addNoise(float[] values, double stddev, double l2Sensitivity) {
        if (values == null) throw new IllegalArgumentException("values must be non-null");
        if (!(stddev > 0) || Double.isInfinite(stddev)) throw new IllegalArgumentException("stddev must be finite and > 0, got " + stddev);
        if (!(l2Sensitivity > 0) || Double.isInfinite(l2Sensitivity)) {
            throw new IllegalArgumentException("l2Sensitivity must be finite and > 0, got " + l2Sensitivity);
        }
        double gamma = grid(values.length, l2Sensitivity);
        double sigmaInGridUnits = stddev * (1 + SLACK) / gamma;
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!Float.isFinite(v)) throw new IllegalArgumentException("values[" + i + "] is " + v);
            double snapped = Math.rint(v / gamma);
            long noise = sampler.sample(sigmaInGridUnits);
            out[i] = (float) ((snapped + noise) * gamma);
        }
        return out;
    }

    /** The power-of-two grid for a d-dimensional vector with sensitivity Δ. */
    static double grid(int dimension, double l2Sensitivity) {
        double target = SLACK * l2Sensitivity / Math.sqrt(Math.max(1, dimension));
        return Math.scalb(1.0, Math.getExponent(target)); // largest power of two ≤ target
    }
}
