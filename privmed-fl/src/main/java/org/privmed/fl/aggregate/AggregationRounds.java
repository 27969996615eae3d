package org.privmed.fl.aggregate;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.privmed.fl.dp.DpSettings;
import org.privmed.fl.dp.GaussianNoise;
import org.privmed.fl.dp.NoisePlacement;
import org.privmed.fl.dp.UpdateClipping;
import org.privmed.fl.prg.AesCtrPrg;
import org.privmed.fl.secagg.RoundParameters;
import org.privmed.fl.secagg.SecAggResult;
import org.privmed.fl.secagg.SecAggStage;
import org.privmed.fl.secagg.StochasticQuantizer;

/**
 * The aggregation step of one simulated federated round, plain or through SecAgg+, on flat
 * parameter vectors. Client-side work (encoding, quantizing, the protocol) runs on the pool; the
 * coordinator's work on the calling thread.
 */
public final class AggregationRounds {
    private AggregationRounds() {}

    /**
     * @param average the FedAvg mean of the contributors' updates
     * @param contributors ids whose updates are in the mean
     * @param meanBytesPerClient aggregation bytes sent and received per sampled client (plain: the
     *     float upload; SecAgg+: every protocol message either way, serialized)
     * @param secAgg who answered each SecAgg+ stage (null for plain FedAvg)
     */
    public record Outcome(float[] average, int[] contributors, double meanBytesPerClient, SecAggTally secAgg) {}

    /** Plain FedAvg: each client uploads its float vector; the coordinator sees every update. */
    public static Outcome plain(List<ClientUpdate> updates, FedAvg fedAvg) {
        int[] ids = updates.stream().mapToInt(ClientUpdate::clientId).toArray();
        // Upload of d floats plus the example count. The model download is the same in both
        // modes and is left out of both, so the figures compare aggregation traffic only.
        double bytes = 4.0 * updates.get(0).delta().length + 8;
        return new Outcome(fedAvg.average(updates), ids, bytes, null);
    }

    /**
     * FedAvg through SecAgg+: clients encode (w/cap)·Δ ‖ w/cap, quantize it stochastically with a
     * SecureRandom-seeded generator, and run the protocol; the coordinator dequantizes the sum of
     * the contributors and divides by their summed weight.
     */
    public static Outcome secure(List<ClientUpdate> updates, FedAvg fedAvg, StochasticQuantizer quantizer, long roundId,
                                 int numShares, int threshold, Map<Integer, SecAggStage> dropouts, ExecutorService pool,
                                 SecureRandom random) {
        return secure(updates, fedAvg, quantizer, roundId, numShares, threshold, dropouts, pool, random, null);
    }

    /**
     * As {@link #secure(List, FedAvg, StochasticQuantizer, long, int, int, Map, ExecutorService, SecureRandom)}
     * with client-level DP when {@code dp} is non-null: every client clips its update to C; in
     * LOCAL placement each client then adds N(0, (z·C)²) to its own update before quantizing; in
     * CENTRAL placement the coordinator adds N(0, (z·C/m)²) to the unmasked mean of the m
     * contributors (the sum has sensitivity C, the mean C/m). DP requires equal client weights
     * (example cap 1): with unequal weights one client's influence on the mean, and so the
     * sensitivity, would depend on the others' data sizes.
     */
    public static Outcome secure(List<ClientUpdate> updates, FedAvg fedAvg, StochasticQuantizer quantizer, long roundId,
                                 int numShares, int threshold, Map<Integer, SecAggStage> dropouts, ExecutorService pool,
                                 SecureRandom random, DpSettings dp) {
        return secure(updates, fedAvg, quantizer, roundId, numShares, threshold, dropouts, pool, random, dp,
                Runtime.getRuntime().availableProcessors());
    }

    /** As above, the coordinator unmasking on {@code unmaskThreads} threads. */
    public static Outcome secure(List<ClientUpdate> updates, FedAvg fedAvg, StochasticQuantizer quantizer, long roundId,
                                 int numShares, int threshold, Map<Integer, SecAggStage> dropouts, ExecutorService pool,
                                 SecureRandom random, DpSettings dp, int unmaskThreads) {
        if (dp != null && fedAvg.exampleCap() != 1) {
            throw new IllegalArgumentException("DP needs equal client weights (example cap 1), got cap " + fedAvg.exampleCap());
        }
        int[] ids = updates.stream().mapToInt(ClientUpdate::clientId).sorted().toArray();
        int d = updates.get(0).delta().length + 1;
        if (ids.length > quantizer.maxSummands()) {
            throw new IllegalArgumentException(ids.length + " clients overflow the 32-bit sum at " + quantizer.bits() + " quantization bits");
        }
        List<Future<int[]>> encoded = new ArrayList<>();
        for (ClientUpdate u : updates) {
            encoded.add(pool.submit(() -> quantizer.quantize(fedAvg.encodeForSecureSum(privatize(u, dp, random)), AesCtrPrg.seededFrom(random))));
        }
        Map<Integer, int[]> inputs = new TreeMap<>();
        for (int k = 0; k < updates.size(); k++) inputs.put(updates.get(k).clientId(), join(encoded.get(k)));
        RoundParameters params = RoundParameters.create(roundId, ids, numShares, threshold, d, random);
        SecAggRoundDriver.Outcome out = SecAggRoundDriver.run(params, inputs, dropouts, pool, random, unmaskThreads);
        requirePlainSum(out.result(), inputs);
        int silenced = (int) dropouts.keySet().stream().filter(inputs::containsKey).count();
        return unmaskedMean(out, SecAggTally.completed(ids.length, silenced, out.result(), true), quantizer, random, dp);
    }

    /**
     * The simulator holds every input, so it checks what the protocol promises: the unmasked sum is
     * exactly the sum mod 2³² of the inputs of the clients it names as contributors, whoever dropped
     * and when. A difference is a protocol bug, and a wrong aggregate must not reach the model.
     */
    static void requirePlainSum(SecAggResult result, Map<Integer, int[]> inputs) {
        int[] plain = new int[result.sum().length];
        for (int c : result.contributors()) {
            int[] x = inputs.get(c);
            for (int i = 0; i < plain.length; i++) plain[i] += x[i];
        }
        for (int i = 0; i < plain.length; i++) {
            if (plain[i] != result.sum()[i]) {
                throw new IllegalStateException("SecAgg+ round " + Arrays.toString(result.contributors()) + ": unmasked sum differs from the plain"
                        + " sum of the contributors' inputs at entry " + i + " (" + Integer.toUnsignedString(result.sum()[i]) + " vs "
                        + Integer.toUnsignedString(plain[i]) + ")");
            }
        }
    }

    /**
     * FedAvg through SecAgg+ with each client's state machine behind a relay (over gRPC): the
     * clients already clipped, noised (LOCAL), encoded and quantized their own updates, so the
     * coordinator never holds one. {@code dimension} is the update length without the weight.
     *
     * @throws org.privmed.fl.secagg.SecAggAbortedException when too few clients remain at a stage
     */
    public static Outcome secure(Map<Integer, ? extends SecAggRelay> peers, int dimension, StochasticQuantizer quantizer, long roundId,
                                 int numShares, int threshold, long stageTimeoutMillis, SecureRandom random, DpSettings dp,
                                 int unmaskThreads) {
        int[] ids = peers.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        if (ids.length > quantizer.maxSummands()) {
            throw new IllegalArgumentException(ids.length + " clients overflow the 32-bit sum at " + quantizer.bits() + " quantization bits");
        }
        RoundParameters params = RoundParameters.create(roundId, ids, numShares, threshold, dimension + 1, random);
        SecAggRoundDriver.Outcome out = SecAggRoundDriver.run(params, peers, stageTimeoutMillis, unmaskThreads);
        return unmaskedMean(out, SecAggTally.completed(ids.length, 0, out.result(), false), quantizer, random, dp);
    }

    /** Dequantizes the unmasked sum, divides by the summed weight, and adds central noise if asked. */
    private static Outcome unmaskedMean(SecAggRoundDriver.Outcome out, SecAggTally tally, StochasticQuantizer quantizer, SecureRandom random,
                                        DpSettings dp) {
        int m = out.result().contributors().length;
        float[] sum = quantizer.dequantizeSum(out.result().sum(), m);
        float[] mean = FedAvg.decodeSecureSum(sum);
        if (dp != null && dp.placement() == NoisePlacement.CENTRAL) {
            mean = new GaussianNoise(AesCtrPrg.seededFrom(random)).addNoise(mean,
                    NoisePlacement.CENTRAL.stddev(dp.noiseMultiplier(), dp.clipNorm(), m),
                    NoisePlacement.CENTRAL.sensitivity(dp.clipNorm(), m));
        }
        return new Outcome(mean, out.result().contributors(), out.meanBytesPerClient(), tally);
    }

    /** The client-side part of DP: clip, and in LOCAL placement add the client's own noise. */
    private static ClientUpdate privatize(ClientUpdate u, DpSettings dp, SecureRandom random) {
        if (dp == null) return u;
        float[] clipped = UpdateClipping.clip(u.delta(), dp.clipNorm()).values();
        if (dp.placement() == NoisePlacement.LOCAL) {
            clipped = new GaussianNoise(AesCtrPrg.seededFrom(random)).addNoise(clipped,
                    NoisePlacement.LOCAL.stddev(dp.noiseMultiplier(), dp.clipNorm(), 1),
                    NoisePlacement.LOCAL.sensitivity(dp.clipNorm(), 1));
        }
        return new ClientUpdate(u.clientId(), clipped, u.numExamples());
    }

    private static int[] join(Future<int[]> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while quantizing", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("client encoding failed: " + e.getCause(), e.getCause());
        }
    }
}
