package org.privmed.fl.federated;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything that fixes a federated run. A resumed run must be given the same settings; {@link
 * #fingerprint()} is stored in the checkpoint to catch a mismatch. The one exception is a larger
 * R, which extends a run where privacy allows it ({@link CoordinatorStore#loadFor}).
 *
 * @param rounds planned rounds R (the DP calibration spends the budget over exactly these)
 * @param fraction share of clients sampled per round, in (0, 1]
 * @param localEpochs epochs of local training per round
 * @param batchSize local mini-batch size
 * @param learningRate local Adam step size
 * @param exampleCap FedAvg weight cap (forced to 1 under DP, see {@code FedAvg})
 * @param dp where DP noise goes, or NONE
 * @param clipNorm L2 bound C on each client update (DP), also the SecAgg+ quantizer range when ≥ 1
 * @param noiseMultiplier z (ignored when {@code targetEpsilon} is set: calibrated then)
 * @param targetEpsilon the ε budget for the whole run, or NaN for none
 * @param delta δ used for calibration and reporting
 * @param secAgg whether updates go through SecAgg+
 * @param numShares SecAgg+ neighbourhood size k (shrunk to the sampled count when larger)
 * @param threshold SecAgg+ reconstruction threshold t (0 = k/2 + 1)
 * @param seed seeds client sampling and local training (not the cryptographic randomness)
 * @param trainThreads PyTorch threads per client
 * @param unmaskThreads threads the coordinator unmasks SecAgg+ sums on (0 = available processors);
 *     it changes no result, so it is not part of the fingerprint
 * @param dropouts SecAgg+ dropouts injected by the in-process simulation ({@link InjectedDropouts#NONE}
 *     for none; refused over gRPC, where hospitals drop out by themselves)
 */
public record FederatedSettings(int rounds, double fraction, int localEpochs, int batchSize, double learningRate,
                                long exampleCap, DpMode dp, double clipNorm, double noiseMultiplier,
                                double targetEpsilon, double delta, boolean secAgg, int numShares, int threshold,
                                long seed, int trainThreads, int unmaskThreads,
                                InjectedDropouts dropouts) {
    public FederatedSettings {
        if (rounds < 1) throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        if (localEpochs < 1) throw new IllegalArgumentException("local epochs must be >= 1, got " + localEpochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        if (exampleCap < 1) throw new IllegalArgumentException("example cap must be >= 1, got " + exampleCap);
        if (dp == null) throw new IllegalArgumentException("dp mode must be non-null (use NONE)");
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) throw new IllegalArgumentException("clip norm must be finite and > 0, got " + clipNorm);
        if (dp != DpMode.NONE) {
            boolean target = !Double.isNaN(targetEpsilon);
            if (target && !(targetEpsilon > 0)) throw new IllegalArgumentException("target epsilon must be > 0, got " + targetEpsilon);
            if (!target && !(noiseMultiplier > 0)) {
                throw new IllegalArgumentException("DP needs --target-epsilon or a noise multiplier > 0, got " + noiseMultiplier);
            }
            if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
        if (numShares < 0) throw new IllegalArgumentException("num shares must be >= 0, got " + numShares);
        if (threshold < 0) throw new IllegalArgumentException("threshold must be >= 0, got " + threshold);
        if (trainThreads < 1) throw new IllegalArgumentException("train threads must be >= 1, got " + trainThreads);
        if (unmaskThreads < 0) throw new IllegalArgumentException("unmask threads must be >= 0 (0 = all processors), got " + unmaskThreads);
        if (dropouts == null) throw new IllegalArgumentException("dropouts must be non-null (use InjectedDropouts.NONE)");
        if (dropouts.active() && !secAgg) throw new IllegalArgumentException("injected dropouts need SecAgg+ (they silence clients at a SecAgg+ stage)");
    }

    /** No DP, no SecAgg+, all clients, 1 local epoch, batch 32, Adam 1e-3, cap 10,000. */
    public static FederatedSettings defaults(int rounds) {
        return new FederatedSettings(rounds, 1.0, 1, 32, 1e-3, 10_000, DpMode.NONE, 1.0, 0, Double.NaN, 1e-5,
                false, 0, 0, 42, 1, 0, InjectedDropouts.NONE);
    }

    public FederatedSettings withDp(DpMode mode, double clip, double z, double epsilon, double d) {
        return new FederatedSettings(rounds, fraction, localEpochs, batchSize, learningRate, exampleCap, mode, clip, z,
                epsilon, d, secAgg, numShares, threshold, seed, trainThreads, unmaskThreads, dropouts);
    }

    public FederatedSettings withSecAgg(boolean on, int k, int t) {
        return new FederatedSettings(rounds, fraction, localEpochs, batchSize, learningRate, exampleCap, dp, clipNorm,
                noiseMultiplier, targetEpsilon, delta, on, k, t, seed, trainThreads, unmaskThreads, dropouts);
    }

    public FederatedSettings withTraining(double frac, int epochs, int batch, double lr, long s) {
        return new FederatedSettings(rounds, frac, epochs, batch, lr, exampleCap, dp, clipNorm, noiseMultiplier,
                targetEpsilon, delta, secAgg, numShares, threshold, s, trainThreads, unmaskThreads, dropouts);
    }

    public FederatedSettings withUnmaskThreads(int threads) {
        return new FederatedSettings(rounds, fraction, localEpochs, batchSize, learningRate, exampleCap, dp, clipNorm, noiseMultiplier,
                targetEpsilon, delta, secAgg, numShares, threshold, seed, trainThreads, threads, dropouts);
    }

    /** The same settings with SecAgg+ dropouts injected in every round (simulation only). */
    public FederatedSettings withDropouts(InjectedDropouts d) {
        return new FederatedSettings(rounds, fraction, localEpochs, batchSize, learningRate, exampleCap, dp, clipNorm, noiseMultiplier,
                targetEpsilon, delta, secAgg, numShares, threshold, seed, trainThreads, unmaskThreads, d);
    }

    /** The same settings planned for {@code r} rounds. */
    public FederatedSettings withRounds(int r) {
        return new FederatedSettings(r, fraction, localEpochs, batchSize, learningRate, exampleCap, dp, clipNorm, noiseMultiplier,
                targetEpsilon, delta, secAgg, numShares, threshold, seed, trainThreads, unmaskThreads, dropouts);
    }

    /** The coordinator's unmasking threads: as given, or the available processors for 0. */
    public int effectiveUnmaskThreads() {
        return unmaskThreads > 0 ? unmaskThreads : Runtime.getRuntime().availableProcessors();
    }

    /** The weight cap actually used: 1 under DP, so every client weighs the same. */
    public long effectiveExampleCap() {
        return dp == DpMode.NONE ? exampleCap : 1;
    }

    /** A stable text of every field, compared on resume. */
    public String fingerprint() {
        return String.format(Locale.ROOT, "R=%d q=%s E=%d B=%d lr=%s cap=%d dp=%s C=%s z=%s eps=%s delta=%s secagg=%s k=%d t=%d seed=%d",
                rounds, fraction, localEpochs, batchSize, learningRate, exampleCap, dp, clipNorm, noiseMultiplier,
                targetEpsilon, delta, secAgg, numShares, threshold, seed) + dropouts.fingerprint();
    }

    private static final Pattern PLANNED_ROUNDS = Pattern.compile("^R=(\\d+) ");

    /** The planned rounds R written at the start of a {@link #fingerprint()}. */
    static int plannedRounds(String fingerprint) {
        Matcher m = PLANNED_ROUNDS.matcher(fingerprint == null ? "" : fingerprint);
        if (!m.find()) throw new IllegalArgumentException("settings fingerprint names no planned rounds: [" + fingerprint + "]");
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("settings fingerprint has an out-of-range round count: [" + fingerprint + "]", e);
        }
    }
}
