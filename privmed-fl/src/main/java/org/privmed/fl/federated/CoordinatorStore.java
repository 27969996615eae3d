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
 * round ({@code global-round-NNNN.pm}), the global model of the round with the best validation
 * accuracy so far ({@code best-round-NNNN.pm}, when there is a validation set), the accountant
 * ledger ({@code accountant.json}) and {@code state.json} (round number, settings fingerprint,
 * noise multiplier, per-round records, the ledger again, and the model files' names).
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
     */
    public record State(int completedRounds, String settings, double noiseMultiplier, String modelFile,
                        String accountant, List<RoundRecord> records, int bestRound, String bestModelFile) {
        /** The rounds R the checkpointed run was planned for. */
        public int plannedRounds() {
            return FederatedSettings.plannedRounds(settings);
        }
    }

    private record StateJson(String format, int completedRounds, String settings, double noiseMultiplier,
                             String modelFile, String accountant, List<RoundRecord> records, int bestRound,
                             String bestModelFile) {}

    public CoordinatorStore(Path dir) {
        if (dir == null) throw new IllegalArgumentException("checkpoint directory must be non-null");
        this.dir = dir;
    }

    public Path dir() { return dir; }

    public boolean exists() {
        return Files.isRegularFile(dir.resolve("state.json"));
    }

    /** Persists the state after {@code round} completed, keeping no best-validation model. */
    public void save(int round, FederatedSettings settings, double noiseMultiplier, Model global, RdpAccountant accountant,
                     List<RoundRecord> records) throws IOException {
        save(round, settings, noiseMultiplier, global, accountant, records, 0, null);
    }

    /**
     * Persists the state after {@code round} completed, with the best-validation model of round
     * {@code bestRound} (0 and null for none). Each best model gets its own file name, written
     * before the state that names it, so a crash between the two leaves the previous state with
     * the previous best intact.
     */
    public void save(int round, FederatedSettings settings, double noiseMultiplier, Model global, RdpAccountant accountant,
                     List<RoundRecord> records, int bestRound, Model bestModel) throws IOException {
        if ((bestRound == 0) != (bestModel == null) || bestRound < 0 || bestRound > round) {
            throw new IllegalArgumentException("best round " + bestRound + " with " + (bestModel == null ? "no" : "a") + " model after round " + round);
        }
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
            ModelFile.write(bestModel, tmpBest);
            move(tmpBest, dir.resolve(bestName));
        }
        String ledger = accountant.toJson();
        writeAtomically("accountant.json", ledger);
        StateJson s = new StateJson(FORMAT, round, settings.fingerprint(), noiseMultiplier, modelName, ledger,
                new ArrayList<>(records), bestRound, bestName);
        writeAtomically("state.json", GSON.toJson(s));
        // Older models are garbage once the new state points elsewhere.
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String f = p.getFileName().toString();
                if (f.startsWith("global-round-") && f.endsWith(".pm") && !f.equals(modelName)) Files.deleteIfExists(p);
                if (f.startsWith("best-round-") && f.endsWith(".pm") && !f.equals(bestName)) Files.deleteIfExists(p);
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
        return new State(s.completedRounds(), s.settings(), s.noiseMultiplier(), s.modelFile(), s.accountant(), s.records(),
                s.bestRound(), s.bestModelFile());
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

    /** The best-validation model a state names, or null when it keeps none. */
    public Model bestModel(State s) throws IOException {
        return s.bestModelFile() == null ? null : ModelFile.read(dir.resolve(s.bestModelFile()));
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
