package org.privmed.fl.dp;

/**
 * Where the Gaussian noise is added.
 *
 * <ul>
 *   <li>{@link #CENTRAL}: once, by the coordinator, to the average of m clipped updates, with
 *       σ = z·C/m (DP-FedAvg, McMahan et al. 2018; Flower's client-side fixed clipping with
 *       server-side noise). The coordinator is trusted to add it.</li>
 *   <li>{@link #LOCAL}: by each client to its own clipped update, with σ = z·C, so each update is
 *       private on its own before it leaves the hospital; the average then carries noise z·C/√m,
 *       which costs accuracy but removes the need to trust the coordinator with noise.</li>
 * </ul>
 */
public enum NoisePlacement {
    CENTRAL,
    LOCAL;

    /**
     * Standard deviation of the noise for this placement.
     *
     * @param noiseMultiplier z
     * @param clipNorm C
     * @param clients m, the number of updates averaged (ignored for LOCAL)
     */
    public double stddev(double noiseMultiplier, double clipNorm, int clients) {
        if (!(noiseMultiplier > 0)) throw new IllegalArgumentException("noise multiplier must be > 0, got " + noiseMultiplier);
        if (!(clipNorm > 0)) throw new IllegalArgumentException("clip norm must be > 0, got " + clipNorm);
        if (clients < 1) throw new IllegalArgumentException("clients must be >= 1, got " + clients);
        return this == CENTRAL ? noiseMultiplier * clipNorm / clients : noiseMultiplier * clipNorm;
    }

    /** The L2 sensitivity the noise is calibrated against: C/m on the mean, C on one update. */
    public double sensitivity(double clipNorm, int clients) {
        if (clients < 1) throw new IllegalArgumentException("clients must be >= 1, got " + clients);
        return this == CENTRAL ? clipNorm / clients : clipNorm;
    }
}
