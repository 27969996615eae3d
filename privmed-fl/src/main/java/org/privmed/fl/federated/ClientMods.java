package org.privmed.fl.federated;

import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.dp.GaussianNoise;
import org.privmed.fl.dp.NoisePlacement;
import org.privmed.fl.dp.UpdateClipping;

/**
 * Client-side privacy steps applied to a finished local update, in Flower's "mod" style:
 * fixed clipping of Δ to L2 norm C (McMahan, Ramage, Talwar, Zhang 2018, Alg. 1), then in LOCAL
 * mode the client's own Gaussian noise N(0, (z·C)²). In CENTRAL mode the coordinator adds the
 * noise once to the aggregate instead ({@link FedAvgStrategy}).
 */
public final class ClientMods {
    private ClientMods() {}

    /** The update as it leaves the client. {@code noise} may be null when {@code mode} is not LOCAL. */
    public static ClientUpdate apply(ClientUpdate u, DpMode mode, double clipNorm, double noiseMultiplier, GaussianNoise noise) {
        if (mode == DpMode.NONE) return u;
        float[] clipped = UpdateClipping.clip(u.delta(), clipNorm).values();
        if (mode == DpMode.LOCAL) {
            if (noise == null) throw new IllegalArgumentException("LOCAL DP needs a noise source");
            clipped = noise.addNoise(clipped, NoisePlacement.LOCAL.stddev(noiseMultiplier, clipNorm, 1),
                    NoisePlacement.LOCAL.sensitivity(clipNorm, 1));
        }
        return new ClientUpdate(u.clientId(), clipped, u.numExamples());
    }
}
