package org.privmed.fl.aggregate;

import java.util.List;

/**
 * Federated averaging (McMahan, Moore, Ramage, Hampson, Agüera y Arcas 2017, "Communication-
 * Efficient Learning of Deep Networks from Decentralized Data", Alg. 1): the new global update is
 * the mean of client updates weighted by their example counts. Weights are capped at
 * {@code exampleCap} so one large hospital cannot dominate the model — and, under DP, so that the
 * weight, and with it the sensitivity, is bounded (McMahan et al. 2018 use capped weights for
 * exactly this reason; with cap = 1 every client weighs the same and the sensitivity of the mean
 * of m updates clipped to C is C/m).
 *
 * <p>For secure aggregation the division must happen after the sum, so each client submits
 * (w/cap)·Δ with w/cap appended as one extra coordinate ({@link #encodeForSecureSum}); the
 * coordinator divides the summed vector by the summed weight ({@link #decodeSecureSum}). All
 * entries stay within [−max|Δ|, max|Δ|] ∪ (0, 1], so the quantizer's clipping range must be at
 * least max(1, C).
 */
public final class FedAvg {
    private final long exampleCap;

    public FedAvg(long exampleCap) {
        if (exampleCap < 1) throw new IllegalArgumentException("example cap must be >= 1, got " + exampleCap);
        this.exampleCap = exampleCap;
    }

    public long exampleCap() { return exampleCap; }

    /** The weight of a client with {@code numExamples} examples: min(n, cap). */
    public double weight(long numExamples) {
        return Math.min(numExamples, exampleCap);
    }

    /** The weighted mean of the updates (all of the same length). */
    public float[] average(List<ClientUpdate> updates) {
        int d = checkedLength(updates);
        double[] acc = new double[d];
        double total = 0;
        for (ClientUpdate u : updates) {
            double w = weight(u.numExamples());
            total += w;
            float[] delta = u.delta();
            for (int i = 0; i < d; i++) acc[i] += w * delta[i];
        }
        float[] out = new float[d];
        for (int i = 0; i < d; i++) out[i] = (float) (acc[i] / total);
        return out;
    }

    /** (w/cap)·Δ followed by w/cap: what a client feeds into secure aggregation. */
    public float[] encodeForSecureSum(ClientUpdate u) {
        double scale = weight(u.numExamples()) / exampleCap;
        float[] delta = u.delta();
        float[] out = new float[delta.length + 1];
        for (int i = 0; i < delta.length; i++) out[i] = (float) (scale * delta[i]);
        out[delta.length] = (float) scale;
        return out;
    }

    /** The weighted mean from the sum of encoded vectors. */
    public static float[] decodeSecureSum(float[] sum) {
        if (sum == null || sum.length < 2) throw new IllegalArgumentException("secure sum must hold at least one coordinate and the weight");
        double total = sum[sum.length - 1];
        if (!(total > 0)) throw new IllegalArgumentException("summed weight must be > 0, got " + total);
        float[] out = new float[sum.length - 1];
        for (int i = 0; i < out.length; i++) out[i] = (float) (sum[i] / total);
        return out;
    }

    private static int checkedLength(List<ClientUpdate> updates) {
        if (updates == null || updates.isEmpty()) throw new IllegalArgumentException("no updates to average");
        int d = updates.get(0).delta().length;
        for (ClientUpdate u : updates) {
            if (u.delta().length != d) {
                throw new IllegalArgumentException("client " + u.clientId() + " sent " + u.delta().length + " parameters, expected " + d);
            }
        }
        return d;
    }
}
