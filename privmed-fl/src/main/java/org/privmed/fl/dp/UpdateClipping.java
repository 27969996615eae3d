package org.privmed.fl.dp;

/**
 * Fixed clipping of a client's whole model update Δ to L2 norm C: Δ · min(1, C/‖Δ‖₂). This is the
 * per-client sensitivity bound of user-level DP-FedAvg (McMahan, Ramage, Talwar, Zhang 2018,
 * "Learning Differentially Private Recurrent Language Models", Alg. 1; Flower's
 * fixedclipping_mod on the client side).
 */
public final class UpdateClipping {
    private UpdateClipping() {}

    public static ClippedUpdate clip(float[] update, double clipNorm) {
        if (update == null) throw new IllegalArgumentException("update must be non-null");
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm must be finite and > 0, got " + clipNorm);
        }
        double sq = 0;
        for (int i = 0; i < update.length; i++) {
            float v = update[i];
            if (!Float.isFinite(v)) throw new IllegalArgumentException("update[" + i + "] is " + v);
            sq += (double) v * v;
        }
        double norm = Math.sqrt(sq);
        double scale = norm > clipNorm ? clipNorm / norm : 1.0;
        float[] out = new float[update.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (update[i] * scale);
        if (scale < 1.0) {
            // Rounding each coordinate to float can push the norm a hair above C; shrink until it
            // does not, because the DP guarantee assumes the bound holds exactly.
            double s = scale;
            while (l2(out) > clipNorm) {
                s = Math.nextDown(s * (1 - 1e-7));
                for (int i = 0; i < out.length; i++) out[i] = (float) (update[i] * s);
            }
            scale = s;
        }
        return new ClippedUpdate(out, norm, scale);
    }

    static double l2(float[] v) {
        double sq = 0;
        for (float x : v) sq += (double) x * x;
        return Math.sqrt(sq);
    }
}
