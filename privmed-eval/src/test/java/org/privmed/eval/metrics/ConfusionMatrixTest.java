package org.privmed.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {
    @Test
    void countsRowsAsTrueClassAndColumnsAsPrediction() {
        ConfusionMatrix cm = ConfusionMatrix.of(3, new int[] {2, 0, 2, 2, 0, 1}, new int[] {0, 0, 2, 2, 0, 2});
        // scikit-learn confusion_matrix docstring example: [[2,0,0],[0,0,1],[1,0,2]]
        assertArrayEquals(new long[][] {{2, 0, 0}, {0, 0, 1}, {1, 0, 2}}, cm.toArray());
        assertEquals(6, cm.total());
        assertEquals(4, cm.correct());
        assertEquals(3, cm.support(2));
        assertEquals(3, cm.predictedCount(2));
        assertEquals(2, cm.truePositives(2));
        assertEquals(1, cm.falsePositives(2));
        assertEquals(1, cm.falseNegatives(2));
        assertEquals(2, cm.trueNegatives(2));
    }

    @Test
    void plusPoolsCountsAndChecksShape() {
        ConfusionMatrix a = ConfusionMatrix.of(2, new int[] {0, 1}, new int[] {0, 0});
        ConfusionMatrix b = ConfusionMatrix.of(2, new int[] {1}, new int[] {1});
        assertArrayEquals(new long[][] {{1, 0}, {1, 1}}, a.plus(b).toArray());
        ConfusionMatrix c = ConfusionMatrix.of(3, new int[] {2}, new int[] {2});
        assertThrows(IllegalArgumentException.class, () -> a.plus(c));
    }

    @Test
    void toArrayIsACopy() {
        ConfusionMatrix a = ConfusionMatrix.of(2, new int[] {0, 1}, new int[] {0, 1});
        a.toArray()[0][0] = 99;
        assertEquals(1, a.count(0, 0));
    }

    @Test
    void fromCountsRejectsBadShapesAndNegativeCounts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.fromCounts(new long[][] {{1, 2}, {3}}));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ConfusionMatrix.fromCounts(new long[][] {{1, -2}, {3, 0}}));
        assertTrue(e.getMessage().contains("counts[0][1] = -2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(1, new int[] {0}, new int[] {0}));
    }
}
