package org.privmed.fl.federated;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;
import java.util.concurrent.ExecutorService;
import org.privmed.data.split.Shuffle;
import org.privmed.fl.aggregate.AggregationRounds;
import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.aggregate.FedAvg;
import org.privmed.fl.aggregate.SecAggRelay;
import org.privmed.fl.dp.GaussianNoise;
import org.privmed.fl.dp.NoisePlacement;
import org.privmed.fl.prg.AesCtrPrg;
import org.privmed.fl.secagg.SecAggAbortedException;
import org.privmed.fl.secagg.SecAggStage;
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
        int[] chosen = Arrays.copyOf(shuffled(available, new Random(settings.seed() * 31 + round)), sampleSize(available.length));
        Arrays.sort(chosen);
        return chosen;
    }

    /** A shuffled copy of {@code ids} ({@link Shuffle}: the same permutation as before it was shared). */
    static int[] shuffled(int[] ids, RandomGenerator r) {
        int[] out = ids.clone();
        Shuffle.inPlace(out, r);
        return out;
    }

    /** The clients the simulation silences in {@code round}'s SecAgg+ run, among those that trained (client → stage). */
    public Map<Integer, SecAggStage> injectedDropouts(int round, int[] trained) {
        return settings.dropouts().choose(settings.seed(), round, trained);
    }

    @Override
    public Aggregate aggregate(int round, List<ClientUpdate> updates, ExecutorService pool) {
        if (updates.isEmpty()) throw new IllegalStateException("round " + round + ": no client finished");
        AggregationRounds.Outcome o;
        if (settings.secAgg()) {
            int n = updates.size();
            int[] trained = updates.stream().mapToInt(ClientUpdate::clientId).toArray();
            o = AggregationRounds.secure(updates, fedAvg, quantizer(settings), round, shares(n), threshold(n),
                    injectedDropouts(round, trained), pool, random, null, settings.effectiveUnmaskThreads());
        } else {
            o = AggregationRounds.plain(updates, fedAvg);
        }
        return withCentralNoise(o);
    }

    @Override
    public Aggregate aggregateSecurely(int round, Map<Integer, ? extends SecAggRelay> peers, int dimension) {
        if (!settings.secAgg()) throw new IllegalStateException("round " + round + ": clients kept their updates but SecAgg+ is off");
        if (settings.dropouts().active()) {
            throw new IllegalStateException("injected dropouts are for the in-process simulation; remote hospitals drop out by themselves"
                    + " (fl client --drop-at)");
        }
        int n = peers.size();
        if (n < 3) {
            throw new SecAggAbortedException(SecAggStage.ADVERTISE_KEYS, n, 3, "too few clients finished local training for a SecAgg+ round");
        }
        long timeout = peers.values().stream().mapToLong(SecAggRelay::replyTimeoutMillis).max().orElse(Long.MAX_VALUE);
        return withCentralNoise(AggregationRounds.secure(peers, dimension, quantizer(settings), round, shares(n), threshold(n), timeout,
                random, null, settings.effectiveUnmaskThreads()));
    }

    private Aggregate withCentralNoise(AggregationRounds.Outcome o) {
        float[] mean = o.average();
        if (settings.dp() == DpMode.CENTRAL) {
            int m = o.contributors().length;
            mean = new GaussianNoise(AesCtrPrg.seededFrom(random)).addNoise(mean,
                    NoisePlacement.CENTRAL.stddev(noiseMultiplier, settings.clipNorm(), m),
                    NoisePlacement.CENTRAL.sensitivity(settings.clipNorm(), m));
        }
        return new Aggregate(mean, o.contributors(), o.meanBytesPerClient(), o.secAgg());
    }

    /**
     * The quantizer clients use under SecAgg+. Entries are bounded by max|Δ| (≤ C once clipped)
     * and the appended weight ≤ 1, hence the range max(1, C).
     */
    public static StochasticQuantizer quantizer(FederatedSettings settings) {
        return new StochasticQuantizer(Math.max(1.0, settings.clipNorm()), QUANTIZATION_BITS);
    }

    private int shares(int n) {
        return settings.numShares() == 0 ? defaultShares(n) : Math.min(settings.numShares(), n);
    }

    private int threshold(int n) {
        int k = shares(n);
        return settings.threshold() == 0 ? k / 2 + 1 : Math.min(settings.threshold(), k);
    }

    /** An odd neighbourhood growing like 2·log₂ n (Bell et al.: O(log n)), capped by n. */
    public static int defaultShares(int n) {
        int k = 2 * (int) Math.ceil(Math.log(n) / Math.log(2)) + 1;
        return Math.max(3, Math.min(k, n % 2 == 1 ? n : n - 1));
    }
}
