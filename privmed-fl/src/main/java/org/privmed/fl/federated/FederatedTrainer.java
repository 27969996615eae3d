package org.privmed.fl.federated;

import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.privmed.data.ImageDataset;
import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.aggregate.SecAggRelay;
import org.privmed.fl.aggregate.SecAggTally;
import org.privmed.fl.dp.accountant.MechanismSteps;
import org.privmed.fl.dp.accountant.NoiseCalibration;
import org.privmed.fl.dp.accountant.PrivacyBudget;
import org.privmed.fl.dp.accountant.RdpAccountant;
import org.privmed.fl.secagg.SecAggAbortedException;
import org.privmed.fl.secagg.SecAggStage;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.Model;
import org.privmed.nn.train.DjlNetwork;

/**
 * The coordinator's round loop, independent of transport: per round sample clients (the
 * {@link Strategy}), let each train from the global weights and apply its privacy mods, aggregate,
 * step the global model by the mean update, account the privacy spent, evaluate, checkpoint and
 * print a progress line. Clients run on the given pool; the simulation passes in-process
 * {@link FederatedClient}s, the network transport will pass the same objects behind a stub.
 *
 * <p>DP-FedAvg with client-level guarantees (McMahan, Ramage, Talwar, Zhang 2018, Alg. 1): each
 * round is one application of the Gaussian mechanism with noise multiplier z on a q-sampled set
 * of clients, recorded in an {@link RdpAccountant}. With a target ε, z is calibrated once so that
 * the planned rounds spend at most ε ({@link NoiseCalibration}); before every round the
 * accountant checks that recording it keeps the run within budget, so a run never overspends —
 * it stops instead.
 */
public final class FederatedTrainer {
    private final FederatedSettings settings;
    private final List<ClientEndpoint> clients;
    private final ImageDataset validation;
    private final CoordinatorStore store;
    private final ExecutorService pool;
    private final PrintStream out;
    private final SecureRandom random = new SecureRandom();

    /**
     * The outcome of {@link #run}.
     *
     * @param model the global model after the last completed round
     * @param kept the round whose global model had the highest validation accuracy (ties: the
     *     lower validation loss, then the earlier round; none without a validation set), and the
     *     sum of the global weights over the last quarter of the planned rounds
     */
    public record Run(Model model, List<RoundRecord> rounds, RdpAccountant accountant, double noiseMultiplier,
                      int resumedFrom, String stoppedBecause, KeptModels kept) {
        /** ε spent at {@code delta}; 0 when nothing was recorded. */
        public double epsilon(double delta) {
            return accountant.totalSteps() == 0 ? 0 : accountant.epsilon(delta);
        }
    }

    /**
     * @param store where to checkpoint after every round, or null for none
     * @param out progress lines, or null for silence
     */
    public FederatedTrainer(FederatedSettings settings, List<? extends ClientEndpoint> clients, ImageDataset validation,
                            CoordinatorStore store, ExecutorService pool, PrintStream out) {
        if (settings == null) throw new IllegalArgumentException("settings must be non-null");
        if (clients == null || clients.isEmpty()) throw new IllegalArgumentException("no clients");
        if (pool == null) throw new IllegalArgumentException("pool must be non-null");
        this.settings = settings;
        this.clients = List.copyOf(clients);
        this.validation = validation;
        this.store = store;
        this.pool = pool;
        this.out = out;
    }

    /** Sampling rate q = clients per round / clients. */
    public double sampleRate() {
        return (double) strategy(0).sampleSize(clients.size()) / clients.size();
    }

    /** z for these settings: given, or calibrated to spend the target ε over the planned rounds. */
    public double noiseMultiplier() {
        if (settings.dp() == DpMode.NONE) return 0;
        if (Double.isNaN(settings.targetEpsilon())) return settings.noiseMultiplier();
        return NoiseCalibration.noiseMultiplier(settings.targetEpsilon(), settings.delta(), sampleRate(), settings.rounds());
    }

    /**
     * Runs rounds up to {@code lastRound} (≤ planned rounds). With {@code resume} and a
     * checkpoint in the store, starts after its last completed round with its model and ledger;
     * the settings must match the checkpoint's, except for more planned rounds where privacy
     * allows extending the run ({@link CoordinatorStore#loadFor}).
     */
    public Run run(Model initial, int lastRound, boolean resume) throws IOException {
        if (lastRound < 1 || lastRound > settings.rounds()) {
            throw new IllegalArgumentException("last round must be in [1, " + settings.rounds() + "], got " + lastRound);
        }
        Model global = initial;
        RdpAccountant accountant = new RdpAccountant();
        List<RoundRecord> records = new ArrayList<>();
        double z = noiseMultiplier();
        int start = 1;
        KeptModels kept = KeptModels.NONE;
        int averageFrom = KeptModels.averageFrom(settings.rounds());
        if (resume && store != null && store.exists()) {
            CoordinatorStore.State s = store.loadFor(settings);
            global = store.model(s);
            accountant = RdpAccountant.fromJson(s.accountant());
            records.addAll(s.records());
            z = s.noiseMultiplier();
            kept = store.kept(s);
            if (kept.best() == null && validation != null && !Double.isNaN(records.get(records.size() - 1).validationAccuracy())) {
                // A checkpoint from before best models were kept: the resumed model is the best one we still have.
                kept = kept.withBest(s.completedRounds(), global);
            }
            if (kept.averagedRounds() > 0 && s.plannedRounds() != settings.rounds()) {
                // An extension moves the window to the new last quarter; rounds before the restart can no
                // longer be summed, so the average restarts with the next round in the new window.
                say("weight average restarts after round %d: the window for %d rounds starts at round %d, the checkpoint's"
                        + " average started at %d", s.completedRounds(), settings.rounds(), averageFrom, kept.averageFirst());
                kept = kept.withoutAverage();
            }
            if (s.plannedRounds() < settings.rounds()) {
                say("extending run from %d to %d rounds (%s)", s.plannedRounds(), settings.rounds(), settings.dp() == DpMode.NONE
                        ? "no DP" : String.format(Locale.ROOT, "fixed noise multiplier z=%.4f; the privacy ledger keeps composing", z));
            }
            start = s.completedRounds() + 1;
            say("resuming after round %d of %d from %s (epsilon spent %.4f)", s.completedRounds(), settings.rounds(),
                    store.dir(), accountant.totalSteps() == 0 ? 0.0 : accountant.epsilon(settings.delta()));
        }
        int resumedFrom = start - 1;
        PrivacyBudget budget = settings.dp() != DpMode.NONE && !Double.isNaN(settings.targetEpsilon())
                ? new PrivacyBudget(settings.targetEpsilon(), settings.delta()) : null;
        FedAvgStrategy strategy = strategy(z);
        double q = sampleRate();
        int[] available = clients.stream().mapToInt(ClientEndpoint::clientId).sorted().toArray();
        String stopped = null;
        long runStart = System.nanoTime();
        for (int r = start; r <= lastRound; r++) {
            long t0 = System.nanoTime();
            MechanismSteps step = new MechanismSteps(z, q, 1);
            if (budget != null) {
                try {
                    accountant.requireWithin(budget, step);
                } catch (RuntimeException e) {
                    stopped = "privacy budget: " + e.getMessage();
                    say("stopping before round %d: %s", r, e.getMessage());
                    break;
                }
            }
            int[] sampled = strategy.configure(r, available);
            Model current = global;
            int round = r;
            double zz = z;
            Map<Integer, Future<FederatedClient.LocalResult>> running = new TreeMap<>();
            for (int id : sampled) {
                ClientEndpoint c = client(id);
                running.put(id, pool.submit(() -> c.fit(current, round, settings, zz)));
            }
            List<ClientUpdate> updates = new ArrayList<>();
            Map<Integer, SecAggRelay> peers = new TreeMap<>();
            TreeMap<Integer, Double> sampleEps = new TreeMap<>();
            double lossSum = 0;
            for (Map.Entry<Integer, Future<FederatedClient.LocalResult>> e : running.entrySet()) {
                try {
                    FederatedClient.LocalResult lr = e.getValue().get();
                    if (lr.update() != null) updates.add(lr.update());
                    else peers.put(e.getKey(), lr.securePeer());
                    lossSum += lr.trainLoss();
                    if (!Double.isNaN(lr.sampleEpsilon())) sampleEps.put(e.getKey(), lr.sampleEpsilon());
                } catch (ExecutionException ex) {
                    say("round %d: client %d dropped: %s", r, e.getKey(), ex.getCause());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted in round " + r, ex);
                }
            }
            if (!updates.isEmpty() && !peers.isEmpty()) {
                throw new IllegalStateException("round " + r + ": some clients sent updates in the clear, others kept them for SecAgg+");
            }
            int trained = updates.size() + peers.size();
            Map<Integer, SecAggStage> silenced = settings.secAgg() && peers.isEmpty()
                    ? strategy.injectedDropouts(r, updates.stream().mapToInt(ClientUpdate::clientId).toArray()) : Map.of();
            if (!silenced.isEmpty()) {
                say("round %d: injected SecAgg+ dropouts: clients %s silent from %s on", r, silenced.keySet(),
                        InjectedDropouts.stageName(silenced.values().iterator().next()));
            }
            Strategy.Aggregate agg;
            try {
                agg = peers.isEmpty() ? strategy.aggregate(r, updates, pool)
                        : strategy.aggregateSecurely(r, peers, ModelVector.size(global));
            } catch (SecAggAbortedException ex) {
                // Nothing was released: the model stays, no privacy is spent, the next round starts afresh.
                long millis = (System.nanoTime() - t0) / 1_000_000;
                double eps = accountant.totalSteps() == 0 ? 0 : accountant.epsilon(settings.delta());
                RoundRecord rec = new RoundRecord(r, sampled.length, 0, sampled.length,
                        trained == 0 ? Double.NaN : lossSum / trained, Double.NaN, Double.NaN, eps, millis, 0, sampleEps,
                        SecAggTally.aborted(trained, silenced.size(), ex));
                records.add(rec);
                // The global model after an aborted round is the one before it, and counts as such in the average.
                if (r >= averageFrom) kept = kept.plusAveraged(r, global);
                if (store != null) store.save(r, settings, z, global, accountant, records, kept);
                say("round %d/%d | aborted, model unchanged: %s | %.1f s", r, settings.rounds(), ex.getMessage(), millis / 1000.0);
                continue;
            }
            // The noisy aggregate now exists: its spending is recorded before anything else can fail.
            if (settings.dp() != DpMode.NONE) accountant.record(step);
            global = ModelVector.unflatten(global, ModelVector.add(ModelVector.flatten(global), agg.delta()));
            double[] val = validation == null ? new double[] {Double.NaN, Double.NaN} : lossAndAccuracy(global, validation);
            double eps = accountant.totalSteps() == 0 ? 0 : accountant.epsilon(settings.delta());
            long millis = (System.nanoTime() - t0) / 1_000_000;
            int finished = agg.contributors().length;
            RoundRecord rec = new RoundRecord(r, sampled.length, finished, sampled.length - finished,
                    trained == 0 ? Double.NaN : lossSum / trained, val[0], val[1], eps, millis, agg.bytesPerClient(), sampleEps,
                    agg.secAgg());
            records.add(rec);
            if (validation != null && (kept.bestRound() == 0 || betterOnValidation(rec, records.get(kept.bestRound() - 1)))) {
                kept = kept.withBest(r, global);
            }
            if (r >= averageFrom) kept = kept.plusAveraged(r, global);
            if (store != null) store.save(r, settings, z, global, accountant, records, kept);
            double perRound = (System.nanoTime() - runStart) / 1e9 / (r - resumedFrom);
            say("round %d/%d | clients %d sampled, %d finished, %d dropped | loss %.4f | val acc %.4f | eps %.4f%s | %.1f s | ETA %s%s",
                    r, settings.rounds(), rec.sampled(), rec.finished(), rec.dropped(), rec.trainLoss(), rec.validationAccuracy(),
                    eps, dpSgdText(sampleEps), millis / 1000.0, eta(perRound * (lastRound - r)), secAggText(agg.secAgg()));
        }
        return new Run(global, List.copyOf(records), accountant, z, resumedFrom, stopped, kept);
    }

    /**
     * Whether round {@code a}'s global model beats round {@code b}'s on validation: higher accuracy,
     * ties to the lower loss — the rule central training uses to pick its epoch
     * ({@code EpochSelection.ACCURACY}). An aborted round (NaN) never wins.
     */
    static boolean betterOnValidation(RoundRecord a, RoundRecord b) {
        if (Double.isNaN(a.validationAccuracy())) return false;
        if (Double.isNaN(b.validationAccuracy())) return true;
        if (a.validationAccuracy() != b.validationAccuracy()) return a.validationAccuracy() > b.validationAccuracy();
        return a.validationLoss() < b.validationLoss();
    }

    /** Softmax probabilities of {@code model} on every image of {@code data} (DJL, float32, batches of 256). */
    public static double[][] probabilities(Model model, ImageDataset data) {
        PlainInference.requireCompatible(model, data);
        double[][] out = new double[data.size()][];
        for (int from = 0; from < data.size(); from += 256) {
            int n = Math.min(256, data.size() - from);
            double[][] x = new double[n][];
            for (int i = 0; i < n; i++) x[i] = PlainInference.normalize(model, data.images()[from + i]);
            double[][] logits = DjlNetwork.forward(model, x, DataType.FLOAT32);
            for (int i = 0; i < n; i++) out[from + i] = PlainInference.softmax(logits[i]);
        }
        return out;
    }

    /** {mean cross-entropy, accuracy} of {@code model} on {@code data}. */
    public static double[] lossAndAccuracy(Model model, ImageDataset data) {
        double[][] p = probabilities(model, data);
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < p.length; i++) {
            int y = data.labels()[i];
            loss -= Math.log(Math.max(p[i][y], 1e-300));
            if (PlainInference.argmax(p[i]) == y) correct++;
        }
        return new double[] {loss / p.length, (double) correct / p.length};
    }

    private FedAvgStrategy strategy(double z) {
        return new FedAvgStrategy(settings, z, random);
    }

    private ClientEndpoint client(int id) {
        for (ClientEndpoint c : clients) {
            if (c.clientId() == id) return c;
        }
        throw new IllegalArgumentException("no client with id " + id + " among " + Arrays.toString(
                clients.stream().mapToInt(ClientEndpoint::clientId).toArray()));
    }

    private void say(String fmt, Object... args) {
        if (out != null) out.println(String.format(Locale.ROOT, fmt, args));
    }

    /** " | dp-sgd eps 0:1.2034 1:1.1876" (each hospital's sample-level ε), or nothing without DP-SGD. */
    static String dpSgdText(Map<Integer, Double> sampleEps) {
        if (sampleEps.isEmpty()) return "";
        StringBuilder b = new StringBuilder(" | dp-sgd eps");
        for (Map.Entry<Integer, Double> e : sampleEps.entrySet()) b.append(String.format(Locale.ROOT, " %d:%.4f", e.getKey(), e.getValue()));
        return b.toString();
    }

    /** " | secagg: ..." when a SecAgg+ round lost a client at some stage, or nothing. */
    static String secAggText(SecAggTally t) {
        if (t == null || (t.silenced() == 0 && t.unmaskers() == t.sampled())) return "";
        return " | secagg: " + t.describe();
    }

    /** Each hospital's latest reported sample-level ε over {@code records} (DP-SGD only). */
    public static Map<Integer, Double> latestSampleEpsilon(List<RoundRecord> records) {
        Map<Integer, Double> out = new TreeMap<>();
        for (RoundRecord r : records) out.putAll(r.hospitalEpsilon());
        return out;
    }

    static String eta(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60) : s + "s";
    }

}
