package org.privmed.fl.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.aggregate.FedAvg;
import org.privmed.fl.aggregate.SecAggTally;
import org.privmed.fl.secagg.SecAggStage;
import org.privmed.fl.transport.FixedUpdateClient;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

/**
 * The simulation's injected SecAgg+ dropouts, with ±1 updates that quantize exactly (so the secure
 * mean must equal the plain FedAvg mean bit for bit): 30% of 10 clients silenced at each stage leaves
 * the exact mean of the clients whose masked inputs arrived; 60% aborts the round with the model
 * unchanged.
 */
class InjectedDropoutsTest {
    private static final int CLIENTS = 10;
    private static Model initial;
    private static ExecutorService pool;
    private static List<ClientEndpoint> hospitals;

    @BeforeAll
    static void setUp() {
        initial = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), List.of("a", "b"), new ZooOptions(0, 5));
        pool = Executors.newFixedThreadPool(2);
        hospitals = new ArrayList<>();
        for (int id = 0; id < CLIENTS; id++) hospitals.add(new FixedUpdateClient(id));
    }

    @AfterAll
    static void tearDown() {
        pool.shutdownNow();
    }

    /** k = 9 neighbours, threshold 5 (the defaults for 10 clients). */
    private static FederatedSettings settings(double fraction, SecAggStage stage) {
        return FederatedSettings.defaults(1).withSecAgg(true, 0, 0).withDropouts(new InjectedDropouts(fraction, stage));
    }

    private static float[] plainModel(int round, int[] ids) {
        int d = ModelVector.size(initial);
        List<ClientUpdate> updates = new ArrayList<>();
        for (int id : ids) updates.add(new FixedUpdateClient(id).update(d, round));
        return ModelVector.add(ModelVector.flatten(initial), new FedAvg(10_000).average(updates));
    }

    @ParameterizedTest
    @EnumSource(SecAggStage.class)
    void thirtyPercentSilencedAtAnyStageLeaveTheExactMeanOfTheContributors(SecAggStage stage) throws Exception {
        FederatedSettings s = settings(0.3, stage);
        FederatedTrainer.Run run = new FederatedTrainer(s, hospitals, null, null, pool, null).run(initial, 1, false);
        int[] all = IntStream.range(0, CLIENTS).toArray();
        Map<Integer, SecAggStage> silenced = s.dropouts().choose(s.seed(), 1, all);
        assertEquals(3, silenced.size());
        // A client silent only at unmasking has its masked input in the sum already.
        int[] contributors = stage == SecAggStage.UNMASK ? all
                : IntStream.of(all).filter(id -> !silenced.containsKey(id)).toArray();
        assertArrayEquals(plainModel(1, contributors), ModelVector.flatten(run.model()));

        RoundRecord rec = run.rounds().get(0);
        assertEquals(contributors.length, rec.finished());
        assertEquals(CLIENTS - contributors.length, rec.dropped());
        SecAggTally t = rec.secAgg();
        assertNull(t.aborted());
        assertEquals(3, t.silenced());
        assertEquals(contributors.length, t.maskedInputs());
        assertEquals(stage == SecAggStage.ADVERTISE_KEYS ? 7 : 10, t.advertised());
        assertEquals(stage.compareTo(SecAggStage.SHARE_KEYS) <= 0 ? 7 : 10, t.sharedKeys());
        assertEquals(7, t.unmaskers());
        assertTrue(t.sumChecked());
    }

    @ParameterizedTest
    @EnumSource(value = SecAggStage.class, names = {"SHARE_KEYS", "UNMASK"})
    void sixtyPercentSilencedAbortTheRoundAndLeaveTheModel(SecAggStage stage) throws Exception {
        FederatedTrainer.Run run = new FederatedTrainer(settings(0.6, stage), hospitals, null, null, pool, null).run(initial, 1, false);
        assertArrayEquals(ModelVector.flatten(initial), ModelVector.flatten(run.model()));
        RoundRecord rec = run.rounds().get(0);
        assertEquals(0, rec.finished());
        assertEquals(CLIENTS, rec.dropped());
        assertEquals(6, rec.secAgg().silenced());
        assertTrue(rec.secAgg().aborted().contains("aborted at stage"), rec.secAgg().aborted());
    }

    @Test
    void victimsAreDrawnFromSeedAndRound() {
        InjectedDropouts d = new InjectedDropouts(0.3, SecAggStage.UNMASK);
        int[] ids = IntStream.range(0, 20).toArray();
        assertEquals(d.choose(42, 3, ids), d.choose(42, 3, ids));
        assertEquals(6, d.choose(42, 3, ids).size());
        assertNotEquals(d.choose(42, 3, ids).keySet(), d.choose(42, 4, ids).keySet());
        assertNotEquals(d.choose(42, 3, ids).keySet(), d.choose(43, 3, ids).keySet());
        assertTrue(InjectedDropouts.NONE.choose(42, 3, ids).isEmpty());
    }

    @Test
    void badSettingsAreRefusedNamingTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new InjectedDropouts(1.0, SecAggStage.UNMASK))
                .getMessage().contains("[0, 1), got 1.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new InjectedDropouts(0.2, null)).getMessage().contains("needs a stage"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> FederatedSettings.defaults(1).withDropouts(new InjectedDropouts(0.2, SecAggStage.UNMASK))).getMessage().contains("need SecAgg+"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InjectedDropouts.parseStage("masking"))
                .getMessage().contains("advertise-keys, share-keys, masked-input or unmask"));
        for (SecAggStage s : SecAggStage.values()) assertEquals(s, InjectedDropouts.parseStage(InjectedDropouts.stageName(s)));
    }

    @Test
    void theFingerprintNamesInjectedDropoutsOnlyWhenThereAreAny() {
        FederatedSettings plain = FederatedSettings.defaults(1).withSecAgg(true, 0, 0);
        assertEquals(plain.fingerprint(), plain.withDropouts(InjectedDropouts.NONE).fingerprint());
        assertTrue(settings(0.3, SecAggStage.UNMASK).fingerprint().endsWith(" drop=0.3@unmask"));
    }
}
