package org.privmed.fl.federated;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.privmed.data.ImageDataset;
import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.aggregate.SecAggRelay;
import org.privmed.fl.dp.GaussianNoise;
import org.privmed.fl.dp.accountant.MechanismSteps;
import org.privmed.fl.dp.accountant.NoiseCalibration;
import org.privmed.fl.dp.accountant.PrivacyBudget;
import org.privmed.fl.dp.accountant.RdpAccountant;
import org.privmed.fl.dp.sgd.DpSgdSettings;
import org.privmed.fl.dp.sgd.DpSgdTrainer;
import org.privmed.fl.prg.AesCtrPrg;
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
 *
 * <p>With {@link #withDpSgd} the hospital trains by DP-SGD instead ({@link DpSgdTrainer}) and keeps
 * its own sample-level privacy ledger: every local training adds its steps (σ, q = B/N, count) to
 * an {@link RdpAccountant} — in a file when one is given, so a restarted hospital, or a repeated
 * round after a coordinator crash, keeps counting — and each result carries the hospital's ε
 * after it (LocalResult.sampleEpsilon, NaN without DP-SGD). The guarantee is the hospital's own:
 * it holds for each of its examples whatever the coordinator does.
 */
public final class FederatedClient implements ClientEndpoint {
    private static final Object ENGINE_LOCK = new Object();

    private final int clientId;
    private final ImageDataset data;
    private final DpSgdSettings dpSgd;
    private final RdpAccountant sampleLedger;
    private final Path ledgerFile;
    private double calibratedNoise = Double.NaN;

    /**
     * Local outcome of one round: the update and the mean training loss of the last local epoch.
     * Under SecAgg+ over the network the update never leaves the client: {@code update} is null
     * and {@code securePeer} reaches the client's SecAgg+ state machine, which holds it masked.
     */
    public record LocalResult(ClientUpdate update, double trainLoss, SecAggRelay securePeer, double sampleEpsilon) {
        public LocalResult {
            if ((update == null) == (securePeer == null)) throw new IllegalArgumentException("give either an update or a SecAgg+ peer");
        }

        public LocalResult(ClientUpdate update, double trainLoss) {
            this(update, trainLoss, null, Double.NaN);
        }

        public LocalResult(ClientUpdate update, double trainLoss, SecAggRelay securePeer) {
            this(update, trainLoss, securePeer, Double.NaN);
        }
    }

    public FederatedClient(int clientId, ImageDataset data) {
        if (clientId < 0) throw new IllegalArgumentException("client id must be >= 0, got " + clientId);
        if (data == null || data.size() == 0) throw new IllegalArgumentException("client " + clientId + " has no training data");
        this.clientId = clientId;
        this.data = data;
        this.dpSgd = null;
        this.sampleLedger = null;
        this.ledgerFile = null;
    }

    private FederatedClient(FederatedClient c, DpSgdSettings dpSgd, RdpAccountant ledger, Path ledgerFile) {
        this.clientId = c.clientId;
        this.data = c.data;
        this.dpSgd = dpSgd;
        this.sampleLedger = ledger;
        this.ledgerFile = ledgerFile;
    }

    /**
     * This hospital training by DP-SGD. {@code ledgerFile} (may be null: in memory only) holds its
     * privacy ledger across processes; an existing file is continued.
     */
    public FederatedClient withDpSgd(DpSgdSettings settings, Path ledgerFile) throws IOException {
        if (settings == null) throw new IllegalArgumentException("DP-SGD settings must be non-null");
        RdpAccountant ledger = ledgerFile != null && Files.isRegularFile(ledgerFile)
                ? RdpAccountant.fromJson(Files.readString(ledgerFile, StandardCharsets.UTF_8)) : new RdpAccountant();
        return new FederatedClient(this, settings, ledger, ledgerFile);
    }

    /** σ in use under a target ε (NaN before the first local training, or without a target). */
    public double calibratedNoiseMultiplier() {
        synchronized (sampleLedger == null ? this : sampleLedger) {
            return calibratedNoise;
        }
    }

    /** The hospital's sample-level ε so far at its DP-SGD δ; NaN without DP-SGD, 0 before any step. */
    public double sampleEpsilon() {
        if (dpSgd == null) return Double.NaN;
        return sampleLedger.totalSteps() == 0 ? 0 : sampleLedger.epsilon(dpSgd.delta());
    }

    @Override
    public int clientId() { return clientId; }

    @Override
    public long numExamples() { return data.size(); }

    /** Trains from {@code global} for the settings' local epochs and returns the raw update. */
    public LocalResult train(Model global, int round, FederatedSettings s) {
        if (dpSgd != null) return trainPrivately(global, round, s);
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

    /**
     * With a target ε, σ is calibrated once so that every planned round at this hospital's q and
     * local steps (the worst case: sampled every round) spends at most the target (Opacus'
     * get_noise_multiplier), and a training whose steps would take the ledger past the target is
     * refused — the hospital then sits the round out.
     */
    private LocalResult trainPrivately(Model global, int round, FederatedSettings s) {
        double q = DpSgdSettings.sampleRate(s.batchSize(), data.size());
        long localSteps = s.localEpochs() * DpSgdSettings.stepsPerEpoch(s.batchSize(), data.size());
        DpSgdSettings dp = dpSgd;
        if (dp.hasTarget()) {
            synchronized (sampleLedger) {
                if (Double.isNaN(calibratedNoise)) {
                    calibratedNoise = NoiseCalibration.noiseMultiplier(dp.targetEpsilon(), dp.delta(), q, s.rounds() * localSteps);
                }
                dp = dp.withNoise(calibratedNoise);
                sampleLedger.requireWithin(new PrivacyBudget(dp.targetEpsilon(), dp.delta()),
                        new MechanismSteps(calibratedNoise, q, localSteps));
            }
        }
        DpSgdTrainer.Result r;
        synchronized (ENGINE_LOCK) {
            r = DpSgdTrainer.train(global, data, dp, s.learningRate(), s.batchSize(), s.localEpochs(),
                    localSeed(s.seed(), round, clientId), s.trainThreads(), AesCtrPrg.secure(), GaussianNoise.secure());
        }
        double eps;
        synchronized (sampleLedger) {
            // Recorded before the update can leave: spending is never under-counted.
            sampleLedger.record(r.spent());
            if (ledgerFile != null) saveLedger();
            eps = sampleLedger.epsilon(dpSgd.delta());
        }
        float[] delta = ModelVector.subtract(ModelVector.flatten(r.model()), ModelVector.flatten(global));
        return new LocalResult(new ClientUpdate(clientId, delta, data.size()), r.trainLoss(), null, eps);
    }

    private void saveLedger() {
        try {
            Path dir = ledgerFile.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ledgerFile.getFileName().toString(), ".tmp");
            Files.writeString(tmp, sampleLedger.toJson(), StandardCharsets.UTF_8);
            Files.move(tmp, ledgerFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the DP-SGD ledger of client " + clientId + " to " + ledgerFile, e);
        }
    }

    /** {@link #train}, then {@link ClientMods#apply} with a fresh SecureRandom-seeded noise source. */
    @Override
    public LocalResult fit(Model global, int round, FederatedSettings s, double noiseMultiplier) {
        LocalResult raw = train(global, round, s);
        GaussianNoise noise = s.dp() == DpMode.LOCAL ? GaussianNoise.secure() : null;
        return new LocalResult(ClientMods.apply(raw.update(), s.dp(), s.clipNorm(), noiseMultiplier, noise), raw.trainLoss(), null,
                raw.sampleEpsilon());
    }

    static long localSeed(long seed, int round, int clientId) {
        long h = seed * 0x9E3779B97F4A7C15L + round * 0xBF58476D1CE4E5B9L + clientId * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}
