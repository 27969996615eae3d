package org.privmed.fl.dp.sgd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.fl.dp.GaussianNoise;
import org.privmed.fl.dp.accountant.RdpAccountant;
import org.privmed.fl.dp.rdp.PrivacySpent;
import org.privmed.fl.federated.ModelVector;
import org.privmed.fl.prg.AesCtrPrg;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.train.OptimizerKind;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

/** DP-SGD on tenseal-mnist over 48 PneumoniaMNIST images: clipping bound, equivalence without privacy, accounting. */
class DpSgdTrainerTest {
    private static ImageDataset data;
    private static Model initial;

    @BeforeAll
    static void setUp() {
        ImageDataset full = Datasets.load("pneumoniamnist", Split.TRAIN);
        int[] rows = new int[48];
        for (int i = 0; i < rows.length; i++) rows[i] = i;
        data = full.subset("train-48", rows);
        initial = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), data.classNames(), new ZooOptions(0, 5));
    }

    private static DpSgdTrainer.Session session() {
        return session(OptimizerKind.ADAM);
    }

    private static DpSgdTrainer.Session session(OptimizerKind optimizer) {
        return new DpSgdTrainer.Session(initial, data, optimizer, optimizer == OptimizerKind.SGD ? 0.05 : 1e-3, 7, 1);
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }

    @Test
    void clippedPerExampleGradientsAreWithinC() {
        try (DpSgdTrainer.Session s = session()) {
            double[] raw = new double[16];
            for (int i = 0; i < raw.length; i++) raw[i] = norm(s.exampleGradient(i));
            // C below most raw norms, so clipping really acts.
            double c = java.util.Arrays.stream(raw).sorted().toArray()[raw.length / 4];
            int clipped = 0;
            float[] loss = new float[1];
            for (int i = 0; i < raw.length; i++) {
                double n = norm(s.clippedExampleGradient(i, c, loss));
                assertTrue(n <= c, "example " + i + ": clipped norm " + n + " > C = " + c);
                if (raw[i] > c) {
                    clipped++;
                    assertEquals(c, n, 1e-5 * c, "a gradient above C is scaled to C");
                } else {
                    assertEquals(raw[i], n, 1e-6 * Math.max(1, raw[i]), "a gradient within C is left alone");
                }
            }
            assertTrue(clipped >= 8, clipped + " of 16 gradients were above C");
        }
    }

    /**
     * The private gradient is clipped and summed inside the engine; it must equal the definition
     * computed in Java from each example's own gradient ({@link DpSgdTrainer.Session#clippedExampleGradient}),
     * and one example's clipped contribution must stay within C. The square sums are split into
     * float32 rows here too ({@link DpSgdTrainer#FLOAT32_ROW} is far above tenseal-mnist's rows).
     */
    @Test
    void theEngineSideClippedSumEqualsThePerExampleDefinition() {
        try (DpSgdTrainer.Session s = session()) {
            int[] rows = {0, 5, 9, 14, 20, 31};
            double[] raw = new double[rows.length];
            for (int i = 0; i < rows.length; i++) raw[i] = norm(s.exampleGradient(rows[i]));
            double c = java.util.Arrays.stream(raw).sorted().toArray()[rows.length / 2];
            DpSgdSettings noNoise = new DpSgdSettings(c, 0, 1e-5);
            // The engine aims at C·(1 − 2⁻¹⁰) to absorb float32 error in the norm (see privateGradient).
            double aim = c * (1 - 0x1p-10);
            double[] expected = new double[s.dimension()];
            float[] loss = new float[1];
            for (int row : rows) {
                float[] g = s.clippedExampleGradient(row, aim, loss);
                for (int k = 0; k < g.length; k++) expected[k] += g[k];
            }
            float[] got = s.privateGradient(rows, noNoise, 1.0, null).gradient();
            double diff = 0;
            double scale = 0;
            for (int k = 0; k < got.length; k++) {
                diff += Math.pow(got[k] - expected[k], 2);
                scale += expected[k] * expected[k];
            }
            assertTrue(Math.sqrt(diff) <= 1e-5 * Math.sqrt(scale), "engine sum differs by " + Math.sqrt(diff) + " (norm " + Math.sqrt(scale) + ")");
            for (int i = 0; i < rows.length; i++) {
                double n = norm(s.privateGradient(new int[] {rows[i]}, noNoise, 1.0, null).gradient());
                assertTrue(n <= c, "example " + rows[i] + ": clipped norm " + n + " > C = " + c);
                assertEquals(raw[i] > aim ? aim : raw[i], n, 1e-5 * c, "example " + rows[i]);
            }
        }
    }

    /** Short rows (float32 partial sums), long rows (float64 throughout), vectors, and a float32 overflow. */
    @Test
    void squaredNormsMatchDoublePrecision() {
        java.util.Random r = new java.util.Random(3);
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
            for (long[] shape : new long[][] {{64, 32, 3, 3}, {2, DpSgdTrainer.FLOAT32_ROW + 1}, {300}, {4, 10}}) {
                int n = (int) new ai.djl.ndarray.types.Shape(shape).size();
                float[] v = new float[n];
                double exact = 0;
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (r.nextGaussian() * (i % 7 == 0 ? 100 : 0.01));
                    exact += (double) v[i] * v[i];
                }
                double got = DpSgdTrainer.Session.squaredNorm(m.create(v, new ai.djl.ndarray.types.Shape(shape))).getDouble();
                assertEquals(exact, got, 0x1p-11 * exact, java.util.Arrays.toString(shape));
            }
            float[] big = {3e20f, 4e20f};
            assertEquals(25e40, DpSgdTrainer.Session.squaredNorm(m.create(big)).getDouble(), 1e-6 * 25e40, "float32 squares overflow");
        }
    }

    /** Plain SGD (w − lr·g is linear in g, so a wrong gradient shows) and Adam (what local training uses). */
    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void withoutNoiseAndWithAHugeBoundTheStepIsTheOrdinaryStep(OptimizerKind optimizer) {
        int[] rows = new int[16];
        for (int i = 0; i < rows.length; i++) rows[i] = 3 * i;
        DpSgdSettings noPrivacy = new DpSgdSettings(1e9, 0, 1e-5);
        float[] ordinaryWeights;
        float[] privateWeights;
        try (DpSgdTrainer.Session s = session(optimizer)) {
            s.ordinaryStep(rows);
            ordinaryWeights = ModelVector.flatten(s.export());
        }
        try (DpSgdTrainer.Session s = session(optimizer)) {
            float[] batch = s.batchGradient(rows);
            float[] priv = s.privateGradient(rows, noPrivacy, rows.length, null).gradient();
            double scale = norm(batch);
            double diff = 0;
            for (int k = 0; k < batch.length; k++) diff += Math.pow(batch[k] - priv[k], 2);
            assertTrue(Math.sqrt(diff) <= 1e-5 * scale, "mean of per-example gradients differs from the batch gradient by "
                    + Math.sqrt(diff) + " (norm " + scale + ")");
            s.step(priv);
            privateWeights = ModelVector.flatten(s.export());
        }
        float[] start = ModelVector.flatten(initial);
        double moved = 0;
        double gap = 0;
        for (int k = 0; k < start.length; k++) {
            moved = Math.max(moved, Math.abs(ordinaryWeights[k] - start[k]));
            gap = Math.max(gap, Math.abs(ordinaryWeights[k] - privateWeights[k]));
        }
        assertTrue(moved > 1e-4, "the ordinary step moved the weights by at most " + moved);
        // 1e-4 of a step: float rounding of the weights (ulp ~1e-8 at 0.1) and Adam amplifying near-zero gradients.
        assertTrue(gap <= 1e-4 * moved, "DP-SGD step and ordinary step differ by " + gap + " (step size " + moved + ")");
    }

    /**
     * SGD with heavy-ball momentum m: two steps on the same gradient g move the weights by
     * lr·g and then lr·(1 + m)·g, i.e. lr·(2 + m)·g in all — against lr·2·g without momentum, so a
     * momentum that is dropped or applied twice shows.
     */
    @Test
    void sgdWithMomentumTakesHeavyBallSteps() {
        int[] rows = {0, 4, 8, 12};
        double lr = 0.05;
        double m = 0.9;
        float[] start = ModelVector.flatten(initial);
        try (DpSgdTrainer.Session s = new DpSgdTrainer.Session(initial, data, OptimizerKind.SGD, m, lr, 7, 1)) {
            float[] g = s.privateGradient(rows, new DpSgdSettings(1e9, 0, 1e-5), rows.length, null).gradient();
            s.step(g);
            s.step(g);
            float[] after = ModelVector.flatten(s.export());
            double worst = 0;
            double largest = 0;
            for (int k = 0; k < start.length; k++) {
                double expected = -lr * (2 + m) * g[k];
                worst = Math.max(worst, Math.abs((after[k] - start[k]) - expected));
                largest = Math.max(largest, Math.abs(expected));
            }
            assertTrue(largest > 1e-4, "the steps moved the weights by at most " + largest);
            assertTrue(worst <= 1e-4 * largest + 1e-7, "weights are off the heavy-ball steps by " + worst + " (step " + largest + ")");
        }
    }

    @Test
    void noiseIsCalibratedToTheClippingBound() {
        int[] rows = {0, 1, 2, 3};
        DpSgdSettings dp = new DpSgdSettings(0.5, 2.0, 1e-5);
        try (DpSgdTrainer.Session s = session()) {
            float[] clean = s.privateGradient(rows, new DpSgdSettings(0.5, 0, 1e-5), 4, null).gradient();
            float[] noisy = s.privateGradient(rows, dp, 4, new GaussianNoise(AesCtrPrg.secure())).gradient();
            double sq = 0;
            for (int k = 0; k < clean.length; k++) sq += Math.pow((noisy[k] - clean[k]) * 4, 2);
            double sd = Math.sqrt(sq / clean.length);
            // σ·C = 1.0 per coordinate of the sum, over thousands of coordinates.
            assertEquals(1.0, sd, 0.05, "noise standard deviation on the gradient sum");
        }
    }

    @Test
    void trainingRecordsTheStepsAtTheSampleRate() {
        DpSgdSettings dp = new DpSgdSettings(1.0, 1.1, 1e-5);
        DpSgdTrainer.Result r = DpSgdTrainer.train(initial, data, dp, 1e-3, 8, 2, 3, 1, AesCtrPrg.secure(), GaussianNoise.secure());
        assertEquals(8.0 / 48, r.spent().sampleRate(), 1e-15);
        assertEquals(12, r.spent().count(), "2 epochs of ceil(48/8) steps");
        assertEquals(1.1, r.spent().noiseMultiplier());
        assertTrue(r.examplesUsed() > 40 && r.examplesUsed() < 160, "Poisson batches used " + r.examplesUsed() + " examples, ~96 expected");
        assertTrue(Double.isFinite(r.trainLoss()));
        assertFalse(java.util.Arrays.equals(ModelVector.flatten(initial), ModelVector.flatten(r.model())));
    }

    /**
     * ε of whole DP-SGD runs against TensorFlow Privacy's {@code compute_dp_sgd_privacy_lib_test.py}
     * (Poisson rate B/N, ⌈N/B⌉ steps per epoch, the same RDP-to-(ε, δ) conversion as Opacus; its
     * order grid adds 128, 256 and 512, which are not optimal here).
     */
    @Test
    void epsilonMatchesTensorFlowPrivacysDpSgdFigures() {
        record Case(int n, int batch, double sigma, int epochs, double delta, double eps, double order) {}
        for (Case c : List.of(new Case(60_000, 150, 1.3, 15, 1e-5, 0.7242234026109595, 19),
                new Case(100_000, 100, 1.0, 30, 1e-7, 1.4154988495444845, 13))) {
            RdpAccountant acc = new RdpAccountant();
            acc.record(new org.privmed.fl.dp.accountant.MechanismSteps(c.sigma(), DpSgdSettings.sampleRate(c.batch(), c.n()),
                    c.epochs() * DpSgdSettings.stepsPerEpoch(c.batch(), c.n())));
            PrivacySpent spent = acc.spent(c.delta());
            assertEquals(c.eps(), spent.epsilon(), 1e-6, c.toString());
            assertEquals(c.order(), spent.order(), 1e-9, c.toString());
        }
    }

    @Test
    void badSettingsAndBatchNormAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DpSgdSettings(Double.NaN, 1, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> new DpSgdSettings(0, 1, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> new DpSgdSettings(1, -1, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> new DpSgdSettings(1, Double.NaN, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> new DpSgdSettings(1, 1, 0));
        DpSgdSettings ok = new DpSgdSettings(1, 1, 1e-5);
        assertThrows(IllegalArgumentException.class, () -> ok.withOptimizer(OptimizerKind.SGD, 1.0));
        assertThrows(IllegalArgumentException.class, () -> ok.withOptimizer(OptimizerKind.SGD, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ok.withOptimizer(OptimizerKind.ADAM, 0.9));
        assertThrows(IllegalArgumentException.class, () -> ok.withOptimizer(null, 0));
        assertEquals(0.9, ok.withOptimizer(OptimizerKind.SGD, 0.9).withNoise(2).momentum(), "withNoise keeps the optimizer");
        Model bn = ModelZoo.build("polycnn", new TensorShape(1, 28, 28), data.classNames(), new ZooOptions(0, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DpSgdTrainer.Session(bn, data, OptimizerKind.ADAM, 1e-3, 1, 1));
        assertTrue(e.getMessage().contains("BatchNorm"), e.getMessage());
    }
}
