package org.privmed.fl.secagg;

import org.privmed.fl.prg.AesCtrPrg;

/**
 * Maps a float vector to integers in [0, 2^bits) for masking, and the masked sum back to floats.
 * Each value is clipped to [−r, r], scaled to [0, L−1] with L = 2^bits, and rounded up with
 * probability equal to its fractional part (stochastic rounding), so the quantized value is an
 * unbiased estimate of the clipped one (as in Flower's secaggplus quantization and Bell et al.,
 * Sec. 7). Sums of n such integers stay exact mod 2³² as long as n·(L−1) &lt; 2³², which
 * {@link #maxSummands()} reports and {@link #dequantizeSum} enforces.
 */
public final class StochasticQuantizer {
    private final double clippingRange;
    private final int bits;
    private final long levels;

    public StochasticQuantizer(double clippingRange, int bits) {
        if (!(clippingRange > 0) || Double.isInfinite(clippingRange)) {
            throw new IllegalArgumentException("clipping range must be finite and > 0, got " + clippingRange);
        }
        if (bits < 1 || bits > 31) throw new IllegalArgumentException("quantization bits must be in [1, 31], got " + bits);
        this.clippingRange = clippingRange;
        this.bits = bits;
        this.levels = 1L << bits;
    }

    public double clippingRange() { return clippingRange; }

    public int bits() { return bits; }

    /** The largest number of quantized vectors whose sum cannot wrap mod 2³². */
    public long maxSummands() {
        return ((1L << 32) - 1) / (levels - 1);
    }

    public int[] quantize(float[] values, AesCtrPrg random) {
        if (values == null) throw new IllegalArgumentException("values must be non-null");
        double scale = (levels - 1) / (2 * clippingRange);
        long top = levels - 1;
        int[] out = new int[values.length];
        // Rounding coins come in blocks of uniform words: one bulk keystream call per block
        // instead of a generator call per value.
        int[] coins = new int[Math.min(values.length, 1 << 14)];
        for (int from = 0; from < values.length; from += coins.length) {
            int n = Math.min(coins.length, values.length - from);
            random.nextInts(coins, 0, n);
            for (int j = 0; j < n; j++) {
                int i = from + j;
                float v = values[i];
                if (!Float.isFinite(v)) throw new IllegalArgumentException("values[" + i + "] is " + v);
                double clipped = Math.max(-clippingRange, Math.min(clippingRange, v));
                double scaled = (clipped + clippingRange) * scale;
                long floor = (long) scaled; // scaled >= 0, so truncation is floor
                // A 32-bit uniform decides the rounding: its 2⁻³² resolution biases the result by at
                // most 2⁻³² of a step, far below the step itself.
                long q = floor + ((coins[j] & 0xffffffffL) * 0x1.0p-32 < scaled - floor ? 1 : 0);
                out[i] = (int) Math.min(q, top);
            }
        }
        return out;
    }

    /** The float sum of {@code summands} clipped vectors from the unsigned integer sum. */
    public float[] dequantizeSum(int[] sum, int summands) {
        if (summands < 1) throw new IllegalArgumentException("summands must be >= 1, got " + summands);
        if (summands > maxSummands()) {
            throw new IllegalArgumentException(summands + " summands overflow 32 bits at " + bits + " quantization bits (max " + maxSummands() + ")");
        }
        double step = 2 * clippingRange / (levels - 1);
        float[] out = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            out[i] = (float) (Integer.toUnsignedLong(sum[i]) * step - summands * clippingRange);
        }
        return out;
    }
}
