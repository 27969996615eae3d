package org.privmed.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AurocTest {
    private static final double EPS = 1e-12;

    @Test
    void scikitLearnRocCurveDocstringExample() {
        // roc_curve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], pos_label=2)
        int[] y = {1, 1, 2, 2};
        double[] s = {0.1, 0.4, 0.35, 0.8};
        assertEquals(0.75, Auroc.binary(y, s, 2), EPS);
        RocCurve roc = RocCurve.of(y, s, 2);
        assertArrayEquals(new double[] {0, 0, 0.5, 0.5, 1}, roc.falsePositiveRates(), EPS);
        assertArrayEquals(new double[] {0, 0.5, 0.5, 1, 1}, roc.truePositiveRates(), EPS);
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 0.8, 0.4, 0.35, 0.1}, roc.thresholds(), EPS);
        assertEquals(0.75, roc.area(), EPS);
    }

    @Test
    void ofScoresRanksClassOnesColumnInABinaryTaskAndTakesTheMacroOtherwise() {
        // class 1 is scored by column 1 (4 of 6 pairs ordered); column 0 would give 2 of 6
        int[] y = {0, 0, 1, 1, 0};
        double[][] two = {{0.9, 0.1}, {0.2, 0.3}, {0.1, 0.7}, {0.8, 0.2}, {0.5, 0.6}};
        double[] col1 = {0.1, 0.3, 0.7, 0.2, 0.6};
        assertEquals(Auroc.binary(y, col1, 1), Auroc.ofScores(y, two), EPS);
        assertEquals(4.0 / 6, Auroc.ofScores(y, two), EPS);
        assertEquals(2.0 / 6, Auroc.binary(y, new double[] {0.9, 0.2, 0.1, 0.8, 0.5}, 1), EPS);
        int[] y3 = {0, 1, 2, 2, 1, 0};
        double[][] three = {{0.7, 0.2, 0.1}, {0.1, 0.6, 0.3}, {0.2, 0.2, 0.6}, {0.5, 0.1, 0.4},
            {0.3, 0.4, 0.3}, {0.2, 0.5, 0.3}};
        assertEquals(Auroc.oneVsRestMacro(y3, three), Auroc.ofScores(y3, three), EPS);
        assertEquals(ClassificationMetrics.fromScores(y, two).auroc(), Auroc.ofScores(y, two), EPS);
    }

    @Test
    void tiesCountOneHalf() {
        boolean[] pos = {false, true, false, true};
        double[] s = {0.5, 0.5, 0.2, 0.9};
        // pairs (pos, neg): (0.5,0.5)=1/2, (0.5,0.2)=1, (0.9,0.5)=1, (0.9,0.2)=1
        assertEquals(3.5 / 4, Auroc.binary(pos, s), EPS);
        RocCurve roc = RocCurve.of(pos, s);
        assertEquals(3.5 / 4, roc.area(), EPS);
        // The tie group becomes one diagonal step: (0, .5) -> (.5, 1)
        assertArrayEquals(new double[] {0, 0, 0.5, 1}, roc.falsePositiveRates(), EPS);
        assertArrayEquals(new double[] {0, 0.5, 1, 1}, roc.truePositiveRates(), EPS);
    }

    @Test
    void allTiedIsOneHalfAndPerfectSeparationIsOne() {
        assertEquals(0.5, Auroc.binary(new boolean[] {true, false, true}, new double[] {3, 3, 3}), EPS);
        assertEquals(1.0, Auroc.binary(new boolean[] {true, false}, new double[] {2, 1}), EPS);
        assertEquals(0.0, Auroc.binary(new boolean[] {true, false}, new double[] {1, 2}), EPS);
        assertEquals(1.0, Auroc.binary(new boolean[] {true, false},
                new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}), EPS);
        assertEquals(0.5, Auroc.binary(new boolean[] {true, false}, new double[] {0.0, -0.0}), EPS);
    }

    @Test
    void undefinedWhenOneSideIsEmpty() {
        assertTrue(Double.isNaN(Auroc.binary(new boolean[] {true, true}, new double[] {0.1, 0.2})));
        assertTrue(Double.isNaN(Auroc.binary(new boolean[] {false}, new double[] {0.1})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RocCurve.of(new boolean[] {true, true}, new double[] {0.1, 0.2}));
        assertTrue(e.getMessage().contains("2 positives and 0 negatives"), e.getMessage());
    }

    @Test
    void rejectsNaNAndMismatchedLengths() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Auroc.binary(new boolean[] {true, false}, new double[] {0.1, Double.NaN}));
        assertTrue(e.getMessage().contains("scores[1] is NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Auroc.binary(new boolean[] {true, false, true}, new double[] {0.1, 0.2}));
        assertTrue(e.getMessage().contains("scores has 2 entries but labels have 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Auroc.oneVsRest(new int[] {0, 3}, new double[][] {{1, 0, 0}, {0, 1, 0}}));
        assertTrue(e.getMessage().contains("labels[1] = 3"), e.getMessage());
    }

    @Test
    void forScoresGivesOneCurveForBinaryAndOnePerDefinedClassOtherwise() {
        Map<Integer, RocCurve> binary = RocCurve.forScores(new int[] {0, 1, 1},
                new double[][] {{0.7, 0.3}, {0.4, 0.6}, {0.2, 0.8}});
        assertEquals(1, binary.size());
        assertEquals(1.0, binary.get(1).area(), EPS);

        Map<Integer, RocCurve> multi = RocCurve.forScores(new int[] {0, 1, 0},
                new double[][] {{0.7, 0.2, 0.1}, {0.4, 0.5, 0.1}, {0.2, 0.3, 0.5}});
        assertEquals(java.util.List.of(0, 1), java.util.List.copyOf(multi.keySet()));
    }

    @Test
    void thinningKeepsEndsAndBoundsSize() {
        int n = 1000;
        boolean[] pos = new boolean[n];
        double[] s = new double[n];
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < n; i++) {
            pos[i] = rnd.nextBoolean();
            s[i] = rnd.nextGaussian() + (pos[i] ? 1 : 0);
        }
        RocCurve full = RocCurve.of(pos, s);
        RocCurve thin = full.thinned(50);
        assertEquals(50, thin.size());
        assertEquals(0.0, thin.falsePositiveRates()[0]);
        assertEquals(1.0, thin.truePositiveRates()[49]);
        assertEquals(full.area(), thin.area(), 0.02);
        RocCurve back = RocCurve.fromPoints(thin.falsePositiveRates(), thin.truePositiveRates(), thin.thresholds());
        assertEquals(thin, back);
    }
}
