package org.privmed.fl.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.data.partition.Partition;
import org.privmed.data.partition.Partitions;
import org.privmed.fl.dp.accountant.RdpAccountant;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

/** Small end-to-end runs: tenseal-mnist on 240 PneumoniaMNIST images, 3 clients, 2-3 rounds. */
class FederatedTrainerTest {
    private static ImageDataset train;
    private static ImageDataset validation;
    private static List<FederatedClient> clients;
    private static Model initial;
    private static ExecutorService pool;

    @BeforeAll
    static void setUp() {
        ImageDataset full = Datasets.load("pneumoniamnist", Split.TRAIN);
        train = full.subset("train-240", range(0, 240));
        validation = Datasets.load("pneumoniamnist", Split.VAL).subset("val-120", range(0, 120));
        Partition p = Partitions.iid(train.size(), 3, 11);
        clients = new ArrayList<>();
        for (int c = 0; c < 3; c++) clients.add(new FederatedClient(c, train.subset("client-" + c, p.client(c))));
        initial = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), train.classNames(), new ZooOptions(0, 5));
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void tearDown() {
        pool.shutdownNow();
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    private static FederatedSettings base(int rounds) {
        return FederatedSettings.defaults(rounds).withTraining(1.0, 1, 16, 2e-3, 9);
    }

    @Test
    void plainFedAvgLowersTheValidationLoss() throws Exception {
        FederatedTrainer t = new FederatedTrainer(base(2), clients, validation, null, pool, System.err);
        FederatedTrainer.Run run = t.run(initial, 2, false);
        double before = FederatedTrainer.lossAndAccuracy(initial, validation)[0];
        assertEquals(2, run.rounds().size());
        for (RoundRecord r : run.rounds()) {
            assertEquals(3, r.sampled());
            assertEquals(3, r.finished());
            assertEquals(0, r.dropped());
            assertEquals(0.0, r.epsilon());
            assertTrue(Double.isFinite(r.trainLoss()));
        }
        assertTrue(run.rounds().get(1).validationLoss() < before,
                "validation loss " + run.rounds().get(1).validationLoss() + " not below the initial " + before);
        assertNull(run.stoppedBecause());
    }

    @Test
    void resumedRunMatchesAnUninterruptedOne(@TempDir Path dir) throws Exception {
        FederatedSettings s = base(3);
        FederatedTrainer.Run whole = new FederatedTrainer(s, clients, validation, new CoordinatorStore(dir.resolve("a")), pool, null)
                .run(initial, 3, true);
        CoordinatorStore store = new CoordinatorStore(dir.resolve("b"));
        new FederatedTrainer(s, clients, validation, store, pool, null).run(initial, 2, true); // then "crash"
        assertEquals(2, store.load().completedRounds());
        FederatedTrainer.Run resumed = new FederatedTrainer(s, clients, validation, store, pool, null).run(initial, 3, true);
        assertEquals(2, resumed.resumedFrom());
        assertEquals(3, resumed.rounds().size());
        // No noise: local training is seeded by (seed, round, client), so the weights must agree bit for bit.
        assertArrayEquals(ModelVector.flatten(whole.model()), ModelVector.flatten(resumed.model()));
        assertArrayEquals(ModelVector.flatten(whole.model()), ModelVector.flatten(store.model(store.load())));
        // The best-validation model survives the restart too.
        assertEquals(whole.kept().bestRound(), resumed.kept().bestRound());
        assertArrayEquals(ModelVector.flatten(whole.kept().best()), ModelVector.flatten(resumed.kept().best()));
        // And the weight sum of the last quarter (R = 3: round 3 alone).
        assertEquals(3, resumed.kept().averageFirst());
        assertArrayEquals(ModelVector.flatten(whole.kept().average()), ModelVector.flatten(resumed.kept().average()));
    }

    /**
     * The kept best model is the global model of the round with the highest validation accuracy
     * (ties: lower loss), re-evaluated here from scratch; the checkpoint holds exactly that one
     * best file; and a checkpoint written before best models existed resumes with the model it has.
     */
    @Test
    void theBestValidationRoundIsKeptAndCheckpointed(@TempDir Path dir) throws Exception {
        FederatedSettings s = base(4);
        CoordinatorStore store = new CoordinatorStore(dir.resolve("a"));
        FederatedTrainer.Run run = new FederatedTrainer(s, clients, validation, store, pool, null).run(initial, 4, true);
        RoundRecord best = run.rounds().get(0);
        for (RoundRecord r : run.rounds()) if (FederatedTrainer.betterOnValidation(r, best)) best = r;
        assertEquals(best.round(), run.kept().bestRound());
        double[] again = FederatedTrainer.lossAndAccuracy(run.kept().best(), validation);
        assertEquals(best.validationAccuracy(), again[1], 0.0, "the kept model is the one that scored the best round's accuracy");
        assertEquals(best.validationLoss(), again[0], 1e-12);
        CoordinatorStore.State state = store.load();
        assertEquals(run.kept().bestRound(), state.bestRound());
        assertArrayEquals(ModelVector.flatten(run.kept().best()), ModelVector.flatten(store.kept(state).best()));
        try (var files = Files.list(dir.resolve("a"))) {
            assertEquals(List.of(String.format("best-round-%04d.pm", run.kept().bestRound())),
                    files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("best-round-")).toList());
        }

        // An old checkpoint (no best fields) after round 2: the resumed model stands in as the best so far.
        CoordinatorStore old = new CoordinatorStore(dir.resolve("b"));
        new FederatedTrainer(base(4), clients, validation, old, pool, null).run(initial, 2, true);
        Path stateFile = dir.resolve("b").resolve("state.json");
        String json = Files.readString(stateFile).replaceAll(",\\s*\"bestRound\": \\d+", "").replaceAll(",\\s*\"bestModelFile\": \"[^\"]*\"", "");
        assertFalse(json.contains("best"), json);
        Files.writeString(stateFile, json);
        assertEquals(0, old.load().bestRound());
        FederatedTrainer.Run resumed = new FederatedTrainer(base(4), clients, validation, old, pool, null).run(initial, 4, true);
        List<RoundRecord> tail = resumed.rounds().subList(1, 4);
        RoundRecord expected = resumed.rounds().get(1);
        for (RoundRecord r : tail) if (FederatedTrainer.betterOnValidation(r, expected)) expected = r;
        assertEquals(expected.round(), resumed.kept().bestRound());
    }

    /**
     * The average is the mean of the global weights after each round of the last quarter, checked
     * against the models the checkpoint held after each of those rounds; a resumed run adds to the
     * sum bit for bit; an extended run restarts the window after the restart, and says so.
     */
    @Test
    void theLastQuartersWeightsAreAveragedAcrossARestart(@TempDir Path dir) throws Exception {
        FederatedSettings s = base(8); // window: rounds 7 and 8
        assertEquals(7, KeptModels.averageFrom(8));
        assertEquals(3, KeptModels.averageFrom(3));
        assertEquals(1, KeptModels.averageFrom(1));
        CoordinatorStore store = new CoordinatorStore(dir.resolve("a"));
        FederatedTrainer.Run six = new FederatedTrainer(s, clients, validation, store, pool, null).run(initial, 6, true);
        assertEquals(0, six.kept().averagedRounds(), "nothing averaged before the window");
        FederatedTrainer.Run seven = new FederatedTrainer(s, clients, validation, store, pool, null).run(initial, 7, true);
        float[] w7 = ModelVector.flatten(seven.model());
        assertEquals(1, store.load().averagedRounds());
        FederatedTrainer.Run eight = new FederatedTrainer(s, clients, validation, store, pool, null).run(initial, 8, true);
        float[] w8 = ModelVector.flatten(eight.model());
        assertEquals(7, eight.kept().averageFirst());
        assertEquals(2, eight.kept().averagedRounds());
        float[] mean = ModelVector.flatten(eight.kept().average());
        for (int i = 0; i < mean.length; i++) assertEquals((w7[i] + w8[i]) / 2, mean[i], 0.0f, "weight " + i);
        FederatedTrainer.Run whole = new FederatedTrainer(s, clients, validation, null, pool, null).run(initial, 8, false);
        assertArrayEquals(ModelVector.flatten(whole.kept().average()), mean, "restarts change nothing");

        ByteArrayOutputStream said = new ByteArrayOutputStream();
        FederatedTrainer.Run extended = new FederatedTrainer(base(12), clients, validation, store, pool,
                new PrintStream(said, true, StandardCharsets.UTF_8)).run(initial, 12, true);
        assertTrue(said.toString(StandardCharsets.UTF_8).contains("weight average restarts after round 8"), said.toString(StandardCharsets.UTF_8));
        assertEquals(10, KeptModels.averageFrom(12));
        assertEquals(10, extended.kept().averageFirst(), "the 12-round window starts at round 10");
        assertEquals(3, extended.kept().averagedRounds());
    }

    /**
     * An extension whose new window has already begun (12 → 14 rounds: the window is rounds
     * 12–14, round 12 is done) restarts the average with round 13; a crash after round 13 then
     * resumes that average instead of dropping it again.
     */
    @Test
    void aRestartedAverageSurvivesTheNextRestart(@TempDir Path dir) throws Exception {
        CoordinatorStore store = new CoordinatorStore(dir);
        new FederatedTrainer(base(12), clients, validation, store, pool, null).run(initial, 12, true);
        FederatedTrainer.Run thirteen = new FederatedTrainer(base(14), clients, validation, store, pool, null).run(initial, 13, true);
        assertEquals(13, thirteen.kept().averageFirst());
        assertEquals(1, thirteen.kept().averagedRounds());
        FederatedTrainer.Run fourteen = new FederatedTrainer(base(14), clients, validation, store, pool, null).run(initial, 14, true);
        assertEquals(13, fourteen.kept().averageFirst());
        assertEquals(2, fourteen.kept().averagedRounds(), "round 13 stays in the average across the crash");
        float[] w13 = ModelVector.flatten(thirteen.model());
        float[] w14 = ModelVector.flatten(fourteen.model());
        float[] mean = ModelVector.flatten(fourteen.kept().average());
        for (int i = 0; i < mean.length; i++) assertEquals((w13[i] + w14[i]) / 2, mean[i], 0.0f, "weight " + i);
    }

    /** A state naming an impossible best round, a missing kept file, or one of another model is refused by name. */
    @Test
    void damagedKeptModelsAreRefusedByName(@TempDir Path dir) throws Exception {
        CoordinatorStore store = new CoordinatorStore(dir);
        FederatedTrainer.Run run = new FederatedTrainer(base(2), clients, validation, store, pool, null).run(initial, 2, true);
        Path state = dir.resolve("state.json");
        String good = Files.readString(state);
        String bestFile = store.load().bestModelFile();

        Files.writeString(state, good.replaceFirst("\"bestRound\": \\d+", "\"bestRound\": 7"));
        java.io.IOException e = assertThrows(java.io.IOException.class, store::load);
        assertTrue(e.getMessage().contains("best round 7"), e.getMessage());

        Files.writeString(state, good);
        Path best = dir.resolve(bestFile);
        byte[] saved = Files.readAllBytes(best);
        Files.delete(best);
        e = assertThrows(java.io.IOException.class, () -> store.kept(store.load()));
        assertTrue(e.getMessage().contains(bestFile), e.getMessage());

        org.privmed.nn.io.ModelFile.write(ModelZoo.build("dpresnet", new TensorShape(1, 28, 28), train.classNames(),
                new ZooOptions(4, 5)), best);
        e = assertThrows(java.io.IOException.class, () -> store.kept(store.load()));
        assertTrue(e.getMessage().contains(bestFile) && e.getMessage().contains("parameters"), e.getMessage());

        Files.write(best, saved);
        assertArrayEquals(ModelVector.flatten(run.kept().best()), ModelVector.flatten(store.kept(store.load()).best()),
                "the restored checkpoint loads again");
    }

    @Test
    void theValidationRuleIsAccuracyThenLoss() {
        RoundRecord a = record(1, 0.9, 0.30);
        RoundRecord b = record(2, 0.9, 0.25);
        RoundRecord c = record(3, 0.8, 0.10);
        RoundRecord aborted = record(4, Double.NaN, Double.NaN);
        assertTrue(FederatedTrainer.betterOnValidation(b, a));
        assertFalse(FederatedTrainer.betterOnValidation(a, b));
        assertFalse(FederatedTrainer.betterOnValidation(c, a));
        assertFalse(FederatedTrainer.betterOnValidation(a, a), "a tie keeps the earlier round");
        assertFalse(FederatedTrainer.betterOnValidation(aborted, c));
        assertTrue(FederatedTrainer.betterOnValidation(c, aborted));
    }

    private static RoundRecord record(int round, double accuracy, double loss) {
        return new RoundRecord(round, 3, 3, 0, 0.5, loss, accuracy, 0, 1, 0, new java.util.TreeMap<>(), null);
    }

    @Test
    void resumeWithDpNeitherLosesNorDoubleCountsEpsilon(@TempDir Path dir) throws Exception {
        FederatedSettings s = base(3).withDp(DpMode.CENTRAL, 1.0, 1.1, Double.NaN, 1e-3);
        FederatedTrainer.Run whole = new FederatedTrainer(s, clients, validation, null, pool, null).run(initial, 3, false);
        CoordinatorStore store = new CoordinatorStore(dir);
        new FederatedTrainer(s, clients, validation, store, pool, null).run(initial, 2, true);
        String afterTwo = Files.readString(dir.resolve("accountant.json"));
        assertEquals(2, RdpAccountant.fromJson(afterTwo).totalSteps());
        FederatedTrainer.Run resumed = new FederatedTrainer(s, clients, validation, store, pool, null).run(initial, 3, true);
        assertEquals(whole.accountant().toJson(), resumed.accountant().toJson());
        assertEquals(3, resumed.accountant().totalSteps());
        assertEquals(whole.epsilon(1e-3), resumed.epsilon(1e-3), 0.0);
        assertTrue(resumed.rounds().get(2).epsilon() > resumed.rounds().get(1).epsilon());
        // A finished run resumed again runs nothing more and spends nothing more.
        FederatedTrainer.Run again = new FederatedTrainer(s, clients, validation, store, pool, null).run(initial, 3, true);
        assertEquals(3, again.accountant().totalSteps());
    }

    @Test
    void resumeRefusesDifferentSettings(@TempDir Path dir) throws Exception {
        CoordinatorStore store = new CoordinatorStore(dir);
        new FederatedTrainer(base(2), clients, validation, store, pool, null).run(initial, 1, true);
        FederatedSettings other = base(2).withTraining(1.0, 2, 16, 2e-3, 9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FederatedTrainer(other, clients, validation, store, pool, null).run(initial, 2, true));
        assertTrue(e.getMessage().contains("E=2"), e.getMessage());
    }

    @Test
    void moreRoundsExtendAFinishedRunFromItsLastRound(@TempDir Path dir) throws Exception {
        FederatedTrainer.Run whole = new FederatedTrainer(base(3), clients, validation, null, pool, null).run(initial, 3, false);
        CoordinatorStore store = new CoordinatorStore(dir);
        new FederatedTrainer(base(2), clients, validation, store, pool, null).run(initial, 2, true);
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        FederatedTrainer.Run extended = new FederatedTrainer(base(3), clients, validation, store, pool,
                new PrintStream(said, true, StandardCharsets.UTF_8)).run(initial, 3, true);
        assertTrue(said.toString(StandardCharsets.UTF_8).contains("extending run from 2 to 3 rounds"), said.toString(StandardCharsets.UTF_8));
        assertEquals(2, extended.resumedFrom());
        assertEquals(List.of(1, 2, 3), extended.rounds().stream().map(RoundRecord::round).toList());
        // The rounds seed sampling and training by (seed, round, client), not by R: an extended run is the longer run.
        assertArrayEquals(ModelVector.flatten(whole.model()), ModelVector.flatten(extended.model()));
        CoordinatorStore.State after = store.load();
        assertEquals(3, after.completedRounds());
        assertEquals(3, after.plannedRounds());
        assertEquals(base(3).fingerprint(), after.settings());
    }

    @Test
    void extendingWithAFixedNoiseMultiplierKeepsComposingTheLedger(@TempDir Path dir) throws Exception {
        FederatedSettings three = base(3).withDp(DpMode.CENTRAL, 1.0, 1.1, Double.NaN, 1e-3);
        FederatedTrainer.Run whole = new FederatedTrainer(three, clients, validation, null, pool, null).run(initial, 3, false);
        CoordinatorStore store = new CoordinatorStore(dir);
        FederatedTrainer.Run first = new FederatedTrainer(base(2).withDp(DpMode.CENTRAL, 1.0, 1.1, Double.NaN, 1e-3), clients,
                validation, store, pool, null).run(initial, 2, true);
        FederatedTrainer.Run extended = new FederatedTrainer(three, clients, validation, store, pool, null).run(initial, 3, true);
        // One step per round, each recorded once: the extended ledger is the uninterrupted 3-round ledger.
        assertEquals(3, extended.accountant().totalSteps());
        assertEquals(whole.accountant().toJson(), extended.accountant().toJson());
        assertEquals(whole.epsilon(1e-3), extended.epsilon(1e-3), 0.0);
        assertEquals(first.rounds().get(1).epsilon(), extended.rounds().get(1).epsilon(), 0.0);
        assertTrue(extended.rounds().get(2).epsilon() > first.epsilon(1e-3));
        assertEquals(3, RdpAccountant.fromJson(Files.readString(dir.resolve("accountant.json"))).totalSteps());
    }

    @Test
    void aBudgetCalibratedForRRoundsCannotBeExtended(@TempDir Path dir) throws Exception {
        CoordinatorStore store = new CoordinatorStore(dir);
        FederatedSettings one = base(1).withDp(DpMode.CENTRAL, 1.0, 0, 4.0, 1e-3);
        new FederatedTrainer(one, clients, validation, store, pool, null).run(initial, 1, true);
        String ledger = Files.readString(dir.resolve("accountant.json"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FederatedTrainer(base(2).withDp(DpMode.CENTRAL, 1.0, 0, 4.0, 1e-3), clients, validation, store, pool, null)
                        .run(initial, 2, true));
        assertTrue(e.getMessage().contains("cannot extend the run in " + dir + " from 1 to 2 rounds"), e.getMessage());
        assertTrue(e.getMessage().contains("calibrated by --target-epsilon 4.0"), e.getMessage());
        assertTrue(e.getMessage().contains("over exactly 1 rounds"), e.getMessage());
        // Refused before anything ran: the checkpoint is as the 1-round run left it.
        assertEquals(1, store.load().completedRounds());
        assertEquals(ledger, Files.readString(dir.resolve("accountant.json")));
    }

    @Test
    void onlyMoreRoundsAreAcceptedAsADifference(@TempDir Path dir) throws Exception {
        CoordinatorStore store = new CoordinatorStore(dir);
        new FederatedTrainer(base(2), clients, validation, store, pool, null).run(initial, 1, true);
        IllegalArgumentException fewer = assertThrows(IllegalArgumentException.class,
                () -> new FederatedTrainer(base(1), clients, validation, store, pool, null).run(initial, 1, true));
        assertTrue(fewer.getMessage().contains("never shortened"), fewer.getMessage());
        FederatedSettings longerAndOther = base(3).withTraining(1.0, 1, 16, 1e-3, 9);
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> new FederatedTrainer(longerAndOther, clients, validation, store, pool, null).run(initial, 3, true));
        assertTrue(other.getMessage().contains("lr=0.001") && !other.getMessage().contains("never shortened"), other.getMessage());
        assertEquals(1, store.load().completedRounds());
    }

    @Test
    void plannedRoundsAreReadFromTheFingerprint() {
        assertEquals(30, FederatedSettings.plannedRounds(base(30).fingerprint()));
        assertThrows(IllegalArgumentException.class, () -> FederatedSettings.plannedRounds("q=1.0 E=1"));
        assertThrows(IllegalArgumentException.class, () -> FederatedSettings.plannedRounds("R=99999999999 q=1.0"));
    }

    @Test
    void targetEpsilonIsNeverExceededWithSecAggAndCentralNoise() throws Exception {
        FederatedSettings s = base(2).withDp(DpMode.CENTRAL, 1.0, 0, 4.0, 1e-3).withSecAgg(true, 3, 2);
        FederatedTrainer t = new FederatedTrainer(s, clients, validation, null, pool, null);
        FederatedTrainer.Run run = t.run(initial, 2, false);
        assertEquals(2, run.rounds().size());
        double eps = run.epsilon(1e-3);
        assertTrue(eps > 3.0 && eps <= 4.0, "epsilon " + eps + " should use most of, and stay within, 4.0");
        assertTrue(run.noiseMultiplier() > 0);
        for (RoundRecord r : run.rounds()) {
            assertEquals(3, r.finished());
            // SecAgg+ traffic (keys, encrypted shares, a masked vector) exceeds the plain float upload.
            assertTrue(r.bytesPerClient() > 4.0 * ModelVector.size(initial), "bytes " + r.bytesPerClient());
            assertFalse(Double.isNaN(r.validationAccuracy()));
        }
    }
}
