package org.privmed.fl.federated;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import org.privmed.fl.aggregate.AggregationRounds;
import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.aggregate.FedAvg;
import org.privmed.fl.dp.GaussianNoise;
import org.privmed.fl.dp.NoisePlacement;
import org.privmed.fl.prg.AesCtrPrg;
import org.privmed.fl.secagg.StochasticQuantizer;

/**
 * FedAvg (McMahan et al. 2017, Alg. 1) with uniform sampling of a fixed fraction of clients per
 * round, aggregation in the clear or through SecAgg+ (Bell et al. 2020), and, in central DP mode,
 * Gaussian noise N(0, (z·C/m)²) on the mean of the m clipped updates (McMahan et al. 2018,
 * Alg. 1 with equal weights). Clipping and local noise are the clients' job ({@link ClientMods}).
 *
 * <p>Sampling is seeded by (seed, round), so a restarted coordinator samples the same clients for
 * the round it resumes at. The accountant treats the fraction as the sampling rate q; drawing a
 * fixed-size sample instead of Poisson sampling is the usual approximation (Opacus and Flower do
 * the same).
 */
public final class FedAvgStrategy implements Strategy {
    /** Quantization bits for SecAgg+: 2^22 levels leave headroom for 2^10 summands in 32 bits. */
    static final int QUANTIZATION_BITS = 22;

    private final FederatedSettings settings;
    private final double noiseMultiplier;
    private final SecureRandom random;
    private final FedAvg fedAvg;

    public FedAvgStrategy(FederatedSettings settings, double noiseMultiplier, SecureRandom random) {
        this.settings = settings;
        this.noiseMultiplier = noiseMultiplier;
        this.random = random;
        this.fedAvg = new FedAvg(settings.effectiveExampleCap());
    }

    /** Clients per round for {@code n} available: round(q·n), at least 1 (3 under SecAgg+). */
    public int sampleSize(int n) {
        int m = (int) Math.max(1, Math.round(settings.fraction() * n));
        if (settings.secAgg()) m = Math.max(m, 3);
        if (m > n) {
            throw new IllegalArgumentException("round needs " + m + " clients (SecAgg+ needs at least 3), only " + n + " available");
        }
        return m;
    }

    @Override
    public int[] configure(int round, int[] available) {
        int[] ids = available.clone();
        Random r = new Random(settings.seed() * 31 + round);
        for (int i = ids.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        int[] chosen = Arrays.copyOf(ids, sampleSize(available.length));
        Arrays.sort(chosen);
        return chosen;
    }

    @Override
    public Aggregate aggregate(int round, List<ClientUpdate> updates, ExecutorService pool) {
        if (updates.isEmpty()) throw new IllegalStateException("round " + round + ": no client finished");
        AggregationRounds.Outcome o;
        if (settings.secAgg()) {
            int n = updates.size();
            int k = settings.numShares() == 0 ? defaultShares(n) : Math.min(settings.numShares(), n);
            int t = settings.threshold() == 0 ? k / 2 + 1 : Math.min(settings.threshold(), k);
            // Entries are bounded by max|Δ| (≤ C once clipped) and the appended weight ≤ 1.
            double range = Math.max(1.0, settings.clipNorm());
            o = AggregationRounds.secure(updates, fedAvg, new StochasticQuantizer(range, QUANTIZATION_BITS), round, k, t,
                    Map.of(), pool, random);
        } else {
            o = AggregationRounds.plain(updates, fedAvg);
        }
        float[] mean = o.average();
        if (settings.dp() == DpMode.CENTRAL) {
            int m = o.contributors().length;
            mean = new GaussianNoise(AesCtrPrg.seededFrom(random)).addNoise(mean,
                    NoisePlacement.CENTRAL.stddev(noiseMultiplier, settings.clipNorm(), m),
                    NoisePlacement.CENTRAL.sensitivity(settings.clipNorm(), m));
        }
        return new Aggregate(mean, o.contributors(), o.meanBytesPerClient());
    }

    /** An odd neighbourhood growing like 2·log₂ n (Bell et al.: O(log n)), capped by n. */
    static int defaultShares(int n) {
        int k = 2 * (int) Math.ceil(Math.log(n) / Math.log(2)) + 1;
        return Math.max(3, Math.min(k, n % 2 == 1 ? n : n - 1));
    }
}
