package org.privmed.fl.federated;

import org.privmed.data.ImageDataset;
import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.aggregate.SecAggRelay;
import org.privmed.fl.dp.GaussianNoise;
import org.privmed.nn.model.Model;
import org.privmed.nn.train.EpochMetrics;
import org.privmed.nn.train.ModelTrainer;
import org.privmed.nn.train.OptimizerKind;
import org.privmed.nn.train.TrainingConfig;
import org.privmed.nn.train.TrainingResult;

/**
 * One hospital: trains the global model on its own partition and returns Δ = local − global
 * (McMahan et al. 2017, Alg. 1, ClientUpdate). The same object serves the in-process simulation
 * and, later, the gRPC client, so both run identical local code. Privacy "mods" (clipping, local
 * noise) are applied afterwards by {@link ClientMods}, keeping training and privacy apart as in
 * Flower's client mods.
 *
 * <p>Local training reuses {@link ModelTrainer} (its NaN-gradient retry included) with the
 * global model's normalisation kept, no validation split (the last epoch's weights are returned),
 * and a seed derived from (run seed, round, client) so rounds are reproducible after a restart.
 */
public final class FederatedClient implements ClientEndpoint {
    private static final Object ENGINE_LOCK = new Object();

    private final int clientId;
    private final ImageDataset data;

    /**
     * Local outcome of one round: the update and the mean training loss of the last local epoch.
     * Under SecAgg+ over the network the update never leaves the client: {@code update} is null
     * and {@code securePeer} reaches the client's SecAgg+ state machine, which holds it masked.
     */
    public record LocalResult(ClientUpdate update, double trainLoss, SecAggRelay securePeer) {
        public LocalResult {
            if ((update == null) == (securePeer == null)) throw new IllegalArgumentException("give either an update or a SecAgg+ peer");
        }

        public LocalResult(ClientUpdate update, double trainLoss) {
            this(update, trainLoss, null);
        }
    }

    public FederatedClient(int clientId, ImageDataset data) {
        if (clientId < 0) throw new IllegalArgumentException("client id must be >= 0, got " + clientId);
        if (data == null || data.size() == 0) throw new IllegalArgumentException("client " + clientId + " has no training data");
        this.clientId = clientId;
        this.data = data;
    }

    @Override
    public int clientId() { return clientId; }

    @Override
    public long numExamples() { return data.size(); }

    /** Trains from {@code global} for the settings' local epochs and returns the raw update. */
    public LocalResult train(Model global, int round, FederatedSettings s) {
        TrainingConfig cfg = new TrainingConfig(OptimizerKind.ADAM, s.learningRate(), 0.9, 0, s.batchSize(),
                s.localEpochs(), localSeed(s.seed(), round, clientId), s.trainThreads(), null, false, false);
        TrainingResult r;
        // DJL's PyTorch engine allows one gradient collector per process at a time, so local
        // trainings in one JVM take turns; everything around them (privacy mods, SecAgg+
        // encoding and protocol) still runs on the pool in parallel.
        synchronized (ENGINE_LOCK) {
            r = ModelTrainer.train(global, data, null, cfg);
        }
        float[] delta = ModelVector.subtract(ModelVector.flatten(r.model()), ModelVector.flatten(global));
        EpochMetrics last = r.history().get(r.history().size() - 1);
        return new LocalResult(new ClientUpdate(clientId, delta, data.size()), last.trainLoss());
    }

    /** {@link #train}, then {@link ClientMods#apply} with a fresh SecureRandom-seeded noise source. */
    @Override
    public LocalResult fit(Model global, int round, FederatedSettings s, double noiseMultiplier) {
        LocalResult raw = train(global, round, s);
        GaussianNoise noise = s.dp() == DpMode.LOCAL ? GaussianNoise.secure() : null;
        return new LocalResult(ClientMods.apply(raw.update(), s.dp(), s.clipNorm(), noiseMultiplier, noise), raw.trainLoss());
    }

    static long localSeed(long seed, int round, int clientId) {
        long h = seed * 0x9E3779B97F4A7C15L + round * 0xBF58476D1CE4E5B9L + clientId * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}
