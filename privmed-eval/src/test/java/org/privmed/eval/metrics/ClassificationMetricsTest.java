package org.privmed.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
    private static final double EPS = 1e-12;

    @Test
    void handComputedThreeClassCase() {
        int[] labels = {0, 0, 1, 1, 2, 2};
        int[] predicted = {0, 1, 1, 1, 2, 0};
        ClassificationMetrics m = ClassificationMetrics.of(3, labels, predicted);

        assertArrayEquals(new long[][] {{1, 1, 0}, {0, 2, 0}, {1, 0, 1}}, m.confusionMatrix().toArray());
        assertEquals(4.0 / 6, m.accuracy(), EPS);
        assertArrayEquals(new double[] {0.5, 2.0 / 3, 1.0}, m.precisions(), EPS);
        assertArrayEquals(new double[] {0.5, 1.0, 0.5}, m.recalls(), EPS);
        assertArrayEquals(new double[] {0.5, 0.8, 2.0 / 3}, m.f1s(), EPS);
        assertEquals((0.5 + 0.8 + 2.0 / 3) / 3, m.macroF1(), EPS);
        assertEquals((0.5 + 2.0 / 3 + 1.0) / 3, m.macroPrecision(), EPS);
        // Equal supports: weighted equals macro here.
        assertEquals(m.macroF1(), m.weightedF1(), EPS);
        assertTrue(Double.isNaN(m.auroc()), "no scores given, AUROC must be undefined");
        assertFalse(m.hasAuroc());
    }

    @Test
    void matchesScikitLearnDocstringExample() {
        // precision_recall_fscore_support(y_true, y_pred, average="macro") → (0.222…, 0.333…, 0.266…)
        int[] yTrue = {0, 1, 2, 0, 1, 2};
        int[] yPred = {0, 2, 1, 0, 0, 1};
        ClassificationMetrics m = ClassificationMetrics.of(3, yTrue, yPred);
        assertEquals(2.0 / 9, m.macroPrecision(), EPS);
        assertEquals(1.0 / 3, m.macroRecall(), EPS);
        assertEquals(0.8 / 3, m.macroF1(), EPS);
        assertEquals(0.8 / 3, m.weightedF1(), EPS);
        assertEquals(2.0 / 6, m.accuracy(), EPS);
    }

    @Test
    void weightedAveragesUseSupport() {
        int[] labels = {0, 0, 0, 1};
        int[] predicted = {0, 0, 1, 1};
        ClassificationMetrics m = ClassificationMetrics.of(2, labels, predicted);
        // class 0: P=1, R=2/3, F1=0.8 (support 3); class 1: P=1/2, R=1, F1=2/3 (support 1)
        assertEquals((3 * 1.0 + 1 * 0.5) / 4, m.weightedPrecision(), EPS);
        assertEquals((3 * (2.0 / 3) + 1 * 1.0) / 4, m.weightedRecall(), EPS);
        assertEquals((3 * 0.8 + 2.0 / 3) / 4, m.weightedF1(), EPS);
        assertEquals(3, m.support(0));
        assertEquals(1, m.support(1));
    }

    @Test
    void classNeverPredictedHasZeroPrecisionLikeZeroDivisionZero() {
        int[] labels = {0, 1, 2, 2};
        int[] predicted = {0, 0, 2, 2};
        ClassificationMetrics m = ClassificationMetrics.of(3, labels, predicted);
        assertEquals(0.0, m.precision(1), 0.0);
        assertEquals(0.0, m.recall(1), 0.0);
        assertEquals(0.0, m.f1(1), 0.0);
        assertEquals((0.5 + 0.0 + 1.0) / 3, m.macroPrecision(), EPS);
    }

    @Test
    void classAbsentFromLabelsAndPredictionsIsLeftOutOfMacro() {
        int[] labels = {0, 1, 0, 1};
        int[] predicted = {0, 1, 1, 1};
        ClassificationMetrics four = ClassificationMetrics.of(4, labels, predicted);
        ClassificationMetrics two = ClassificationMetrics.of(2, labels, predicted);
        assertEquals(two.macroF1(), four.macroF1(), EPS);
        assertEquals(two.weightedF1(), four.weightedF1(), EPS);
    }

    @Test
    void binaryAurocUsesColumnOne() {
        int[] labels = {0, 0, 1, 1};
        double[][] scores = {{0.9, 0.1}, {0.6, 0.4}, {0.65, 0.35}, {0.2, 0.8}};
        ClassificationMetrics m = ClassificationMetrics.fromScores(labels, scores);
        assertEquals(0.75, m.auroc(), EPS);
        assertArrayEquals(new int[] {0, 0, 0, 1}, ClassificationMetrics.argmax(scores));
        assertEquals(0.75, m.accuracy(), EPS);
    }

    @Test
    void binaryFromPositiveScoreAndThreshold() {
        int[] labels = {0, 0, 1, 1};
        double[] s = {0.1, 0.4, 0.35, 0.8};
        ClassificationMetrics m = ClassificationMetrics.binary(labels, s, 0.5);
        assertEquals(0.75, m.auroc(), EPS);
        assertEquals(0.75, m.aurocPerClass()[0], EPS);
        assertArrayEquals(new long[][] {{2, 0}, {1, 1}}, m.confusionMatrix().toArray());
    }

    @Test
    void multiclassOneVsRestMacroByHand() {
        int[] labels = {0, 0, 1, 1, 2, 2};
        double[][] scores = {
            {0.8, 0.1, 0.1}, {0.6, 0.3, 0.1}, {0.2, 0.5, 0.3},
            {0.5, 0.25, 0.25}, {0.1, 0.2, 0.7}, {0.3, 0.45, 0.25}};
        ClassificationMetrics m = ClassificationMetrics.fromScores(labels, scores);
        assertArrayEquals(new double[] {1.0, 0.75, 0.8125}, m.aurocPerClass(), EPS);
        assertEquals((1.0 + 0.75 + 0.8125) / 3, m.auroc(), EPS);
    }

    @Test
    void singleClassLabelsGiveUndefinedAuroc() {
        int[] labels = {1, 1, 1};
        double[][] scores = {{0.2, 0.8}, {0.6, 0.4}, {0.1, 0.9}};
        ClassificationMetrics m = ClassificationMetrics.fromScores(labels, scores);
        assertTrue(Double.isNaN(m.auroc()));
        assertEquals(2.0 / 3, m.accuracy(), EPS);
    }

    @Test
    void missingClassIsNaNPerClassAndMacroOverTheRest() {
        int[] labels = {0, 0, 1, 1};
        double[][] scores = {{0.7, 0.2, 0.1}, {0.5, 0.3, 0.2}, {0.2, 0.6, 0.2}, {0.6, 0.3, 0.1}};
        ClassificationMetrics m = ClassificationMetrics.fromScores(labels, scores);
        double[] per = m.aurocPerClass();
        assertTrue(Double.isNaN(per[2]));
        assertEquals(0.75, per[0], EPS);
        assertEquals(0.875, per[1], EPS); // 0.3 vs 0.3 is a tie: (2 + 1 + 0.5) / 4
        assertEquals((0.75 + 0.875) / 2, m.auroc(), EPS);
    }

    @Test
    void rejectsBadInputWithMessagesNamingTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.of(2, new int[] {0, 1}, new int[] {0}));
        assertTrue(e.getMessage().contains("length mismatch"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.fromScores(new int[] {0, 1}, new double[][] {{0.5, 0.5}, {Double.NaN, 1}}));
        assertTrue(e.getMessage().contains("scores[1][0] is NaN"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.of(3, new int[] {0, 5}, new int[] {0, 1}));
        assertTrue(e.getMessage().contains("labels[1] = 5"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.fromScores(new int[] {0, 1}, new double[][] {{0.5, 0.5}, {1, 0, 0}}));
        assertTrue(e.getMessage().contains("ragged"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.of(2, new int[0], new int[0]));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.binary(new int[] {0, 1}, new double[] {0.3, Double.NaN}, 0.5));
        assertTrue(e.getMessage().contains("positiveScores[1] is NaN"), e.getMessage());
    }

    @Test
    void fromConfusionReproducesTheSameFigures() {
        int[] labels = {0, 1, 2, 2, 1, 0, 2};
        int[] predicted = {0, 2, 2, 1, 1, 0, 2};
        ClassificationMetrics m = ClassificationMetrics.of(3, labels, predicted);
        ClassificationMetrics back = ClassificationMetrics.fromConfusion(
                ConfusionMatrix.fromCounts(m.confusionMatrix().toArray()), Double.NaN, null);
        assertEquals(m, back);
        assertEquals(m.macroF1(), back.macroF1(), 0.0);
        assertThrows(IllegalArgumentException.class,
                () -> ClassificationMetrics.fromConfusion(m.confusionMatrix(), 1.5, null));
    }
}
