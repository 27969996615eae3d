package org.privmed.fl.federated;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.privmed.fl.dp.accountant.RdpAccountant;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;

/**
 * The coordinator's durable state in one directory: the global model after the last completed
 * round ({@code global-round-NNNN.pm}), the {@link KeptModels} — the global model of the round with
 * the best validation accuracy so far ({@code best-round-NNNN.pm}) and the running sum of the last
 * rounds' weights ({@code average-sum-round-NNNN.pm}) — the accountant ledger
 * ({@code accountant.json}) and {@code state.json} (round number, settings fingerprint, noise
 * multiplier, per-round records, the ledger again, and the model files' names).
 *
 * <p>Every file is written to a temporary file in the same directory and moved over its target
 * atomically, so a crash leaves either the old or the new version, never half a file.
 * {@code state.json} is written last and is the commit point: a round counts as completed, and
 * its privacy spending as recorded, exactly when the state naming it is in place. A crash before
 * that repeats the round from the previous state — whose ledger does not hold the round's
 * spending — so nothing is counted twice and nothing released is left uncounted.
 */
public final class CoordinatorStore {
    static final String FORMAT = "privmed-fl-coordinator/1";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    private final Path dir;

    /**
     * The persisted coordinator state.
     *
     * @param bestRound the round whose global model scored the best validation accuracy so far, 0
     *     when none is kept (no validation set, or a checkpoint written before it existed)
     * @param bestModelFile that model's file, null when {@code bestRound} is 0
     * @param averageFirst first round of the weight sum, 0 when none
     * @param averagedRounds rounds in the weight sum
     * @param averageSumFile the file of the weight sum, null when none
     */
    public record State(int completedRounds, String settings, double noiseMultiplier, String modelFile,
                        String accountant, List<RoundRecord> records, int bestRound, String bestModelFile,
                        int averageFirst, int averagedRounds, String averageSumFile) {
        /** The rounds R the checkpointed run was planned for. */
        public int plannedRounds() {
            return FederatedSettings.plannedRounds(settings);
        }
    }

    private record StateJson(String format, int completedRounds, String settings, double noiseMultiplier,
                             String modelFile, String accountant, List<RoundRecord> records, int bestRound,
                             String bestModelFile, int averageFirst, int averagedRounds, String averageSumFile) {}

    public CoordinatorStore(Path dir) {
        if (dir == null) throw new IllegalArgumentException("checkpoint directory must be non-null");
        this.dir = dir;
    }

    public Path dir() { return dir; }

    public boolean exists() {
        return Files.isRegularFile(dir.resolve("state.json"));
    }

    /** Persists the state after {@code round} completed, keeping no other models. */
    public void save(int round, FederatedSettings settings, double noiseMultiplier, Model global, RdpAccountant accountant,
                     List<RoundRecord> records) throws IOException {
        save(round, settings, noiseMultiplier, global, accountant, records, KeptModels.NONE);
    }

    /**
     * Persists the state after {@code round} completed, with the {@code kept} models. Their files
     * are named by round and written before the state that names them, so a crash between the two
     * leaves the previous state with its own files intact.
     */
    public void save(int round, FederatedSettings settings, double noiseMultiplier, Model global, RdpAccountant accountant,
                     List<RoundRecord> records, KeptModels kept) throws IOException {
        if (kept.bestRound() > round || kept.averageLast() > round) {
            throw new IllegalArgumentException("kept models of rounds " + kept.bestRound() + " and " + kept.averageLast() + " after round " + round);
        }
        int bestRound = kept.bestRound();
        Files.createDirectories(dir);
        String modelName = String.format(Locale.ROOT, "global-round-%04d.pm", round);
        Path tmpModel = Files.createTempFile(dir, "global", ".pm.tmp");
        ModelFile.write(global, tmpModel);
        move(tmpModel, dir.resolve(modelName));
        String bestName = bestRound == 0 ? null : String.format(Locale.ROOT, "best-round-%04d.pm", bestRound);
        // Rewritten when it is this round's model: a crash before the commit may have left a file of
        // that name from the lost attempt at this round, whose noise differed.
        if (bestName != null && (bestRound == round || !Files.isRegularFile(dir.resolve(bestName)))) {
            Path tmpBest = Files.createTempFile(dir, "best", ".pm.tmp");
            ModelFile.write(kept.best(), tmpBest);
            move(tmpBest, dir.resolve(bestName));
        }
        String sumName = kept.averagedRounds() == 0 ? null : String.format(Locale.ROOT, "average-sum-round-%04d.pm", kept.averageLast());
        if (sumName != null && (kept.averageLast() == round || !Files.isRegularFile(dir.resolve(sumName)))) {
            Path tmpSum = Files.createTempFile(dir, "average", ".pm.tmp");
            ModelFile.write(kept.averageSum(), tmpSum);
            move(tmpSum, dir.resolve(sumName));
        }
        String ledger = accountant.toJson();
        writeAtomically("accountant.json", ledger);
        StateJson s = new StateJson(FORMAT, round, settings.fingerprint(), noiseMultiplier, modelName, ledger,
                new ArrayList<>(records), bestRound, bestName, kept.averageFirst(), kept.averagedRounds(), sumName);
        writeAtomically("state.json", GSON.toJson(s));
        // Older models are garbage once the new state points elsewhere.
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String f = p.getFileName().toString();
                if (f.startsWith("global-round-") && f.endsWith(".pm") && !f.equals(modelName)) Files.deleteIfExists(p);
                if (f.startsWith("best-round-") && f.endsWith(".pm") && !f.equals(bestName)) Files.deleteIfExists(p);
                if (f.startsWith("average-sum-round-") && f.endsWith(".pm") && !f.equals(sumName)) Files.deleteIfExists(p);
            }
        }
    }

    /** The last committed state; names the problem when a file is missing or malformed. */
    public State load() throws IOException {
        Path p = dir.resolve("state.json");
        if (!Files.isRegularFile(p)) throw new IOException("no coordinator checkpoint at " + p);
        StateJson s;
        try {
            s = GSON.fromJson(Files.readString(p, StandardCharsets.UTF_8), StateJson.class);
        } catch (JsonParseException e) {
            throw new IOException("coordinator checkpoint " + p + " does not parse: " + e.getMessage(), e);
        }
        if (s == null || !FORMAT.equals(s.format())) {
            throw new IOException("coordinator checkpoint " + p + " has format " + (s == null ? null : s.format()) + ", expected " + FORMAT);
        }
        if (s.completedRounds() < 1 || s.modelFile() == null || s.accountant() == null || s.records() == null
                || s.records().size() != s.completedRounds()) {
            throw new IOException("coordinator checkpoint " + p + " is incomplete (round " + s.completedRounds() + ")");
        }
        if (s.bestRound() < 0 || s.bestRound() > s.completedRounds() || (s.bestRound() == 0) != (s.bestModelFile() == null)) {
            throw new IOException("coordinator checkpoint " + p + " names best round " + s.bestRound() + " (file " + s.bestModelFile()
                    + ") after round " + s.completedRounds());
        }
        if (s.averageFirst() < 0 || s.averagedRounds() < 0 || s.averageFirst() + s.averagedRounds() - 1 > s.completedRounds()
                || (s.averagedRounds() == 0) != (s.averageSumFile() == null) || (s.averagedRounds() == 0) != (s.averageFirst() == 0)) {
            throw new IOException("coordinator checkpoint " + p + " names an average of " + s.averagedRounds() + " rounds from round "
                    + s.averageFirst() + " (file " + s.averageSumFile() + ") after round " + s.completedRounds());
        }
        return new State(s.completedRounds(), s.settings(), s.noiseMultiplier(), s.modelFile(), s.accountant(), s.records(),
                s.bestRound(), s.bestModelFile(), s.averageFirst(), s.averagedRounds(), s.averageSumFile());
    }

    /**
     * The last committed state, checked against the settings of the run that wants to continue it.
     * Every setting must match, except that R may grow, which extends the run from its last
     * completed round: without DP, or with DP at a fixed noise multiplier z, since the ledger in the
     * state keeps composing each further round's spending onto what was already spent. A z that
     * {@code --target-epsilon} calibrated cannot be extended: it was chosen so that exactly the
     * planned R rounds spend the budget, and a later round would either overspend it or be refused.
     *
     * @throws IllegalArgumentException naming why the checkpoint cannot be continued with these settings
     */
    public State loadFor(FederatedSettings settings) throws IOException {
        State s = load();
        String mine = settings.fingerprint();
        if (s.settings().equals(mine)) return s;
        int planned = s.plannedRounds();
        boolean onlyRoundsDiffer = s.settings().equals(settings.withRounds(planned).fingerprint());
        if (onlyRoundsDiffer && planned < settings.rounds()) {
            if (settings.dp() != DpMode.NONE && !Double.isNaN(settings.targetEpsilon())) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "cannot extend the run in %s from %d to %d rounds: its"
                        + " noise multiplier z=%.4f was calibrated by --target-epsilon %s (delta %s) to spend that budget over"
                        + " exactly %d rounds, so further rounds would exceed it; resume with --rounds %d, or start a new run"
                        + " planned for %d rounds", dir, planned, settings.rounds(), s.noiseMultiplier(), settings.targetEpsilon(),
                        settings.delta(), planned, planned, settings.rounds()));
            }
            return s;
        }
        throw new IllegalArgumentException("checkpoint in " + dir + " was made with settings [" + s.settings() + "], not [" + mine + "]"
                + (onlyRoundsDiffer ? "; a run can be extended to more rounds, never shortened" : ""));
    }

    /** The global model a state names. */
    public Model model(State s) throws IOException {
        return ModelFile.read(dir.resolve(s.modelFile()));
    }

    /** The kept models a state names ({@link KeptModels#NONE} for a checkpoint from before they existed). */
    public KeptModels kept(State s) throws IOException {
        int size = ModelVector.size(model(s));
        Model best = s.bestModelFile() == null ? null : keptFile(s.bestModelFile(), size);
        Model sum = s.averageSumFile() == null ? null : keptFile(s.averageSumFile(), size);
        return new KeptModels(s.bestRound(), best, s.averageFirst(), s.averagedRounds(), sum);
    }

    /** A kept model file, refused unless it has the global model's parameter count. */
    private Model keptFile(String name, int size) throws IOException {
        Model m = ModelFile.read(dir.resolve(name));
        if (ModelVector.size(m) != size) {
            throw new IOException("coordinator checkpoint file " + dir.resolve(name) + " holds " + ModelVector.size(m)
                    + " parameters, the global model " + size);
        }
        return m;
    }

    private void writeAtomically(String name, String text) throws IOException {
        Path tmp = Files.createTempFile(dir, name, ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        move(tmp, dir.resolve(name));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
