package org.privmed.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FoldsAndAgreementTest {
    @Test
    void spreadUsesSampleStandardDeviationAndSkipsNaN() {
        Spread s = Spread.of(0.8, 0.9, Double.NaN, 1.0);
        assertEquals(3, s.n());
        assertEquals(0.9, s.mean(), 1e-12);
        assertEquals(0.1, s.std(), 1e-12); // sqrt((0.01 + 0 + 0.01) / 2)
        assertEquals(0.8, s.min(), 0.0);
        assertEquals(1.0, s.max(), 0.0);
        assertEquals("0.9000 ± 0.1000 (n=3)", s.toString());
        assertEquals(0.0, Spread.of(0.5).std(), 0.0);
        assertEquals("n/a", Spread.of(Double.NaN).toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Spread.of(1, Double.POSITIVE_INFINITY));
        assertTrue(e.getMessage().contains("values[1]"), e.getMessage());
    }

    @Test
    void foldSummaryPoolsConfusionMatricesAndAveragesAuroc() {
        ClassificationMetrics f1 = ClassificationMetrics.fromScores(new int[] {0, 1, 1, 0},
                new double[][] {{0.9, 0.1}, {0.2, 0.8}, {0.6, 0.4}, {0.7, 0.3}});
        ClassificationMetrics f2 = ClassificationMetrics.fromScores(new int[] {1, 0},
                new double[][] {{0.1, 0.9}, {0.4, 0.6}});
        FoldSummary s = FoldSummary.of(List.of(f1, f2));
        // fold 1: 3/4 correct, AUROC 1.0 (0.8, 0.4 vs 0.1, 0.3); fold 2: 1/2 correct, AUROC 1.0
        assertEquals(4.0 / 6, s.pooled().accuracy(), 1e-12);
        assertEquals((0.75 + 0.5) / 2, s.accuracy().mean(), 1e-12);
        assertEquals(1.0, s.pooled().auroc(), 1e-12);
        assertEquals(6, s.pooled().total());
        ClassificationMetrics three = ClassificationMetrics.of(3, new int[] {2}, new int[] {2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FoldSummary.of(List.of(f1, three)));
        assertTrue(e.getMessage().contains("fold 1 has 3 classes"), e.getMessage());
    }

    @Test
    void agreementComparesArgmaxAndScores() {
        double[][] plain = {{0.1, 0.9}, {0.6, 0.4}, {0.3, 0.7}};
        double[][] enc = {{0.1001, 0.8999}, {0.49, 0.51}, {0.3, 0.7}};
        Agreement a = Agreement.ofScores(plain, enc);
        assertEquals(3, a.samples());
        assertEquals(2, a.agreeing());
        assertEquals(1, a.disagreeing());
        assertEquals(2.0 / 3, a.fraction(), 1e-12);
        assertEquals(0.11, a.maxAbsDifference(), 1e-12);
        assertEquals((0.0001 * 2 + 0.11 * 2) / 6, a.meanAbsDifference(), 1e-12);
        assertTrue(Double.isNaN(Agreement.ofPredictions(new int[] {1, 2}, new int[] {1, 2}).maxAbsDifference()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Agreement.ofScores(plain, new double[][] {{1, 0}}));
        assertTrue(e.getMessage().contains("length mismatch"), e.getMessage());
    }
}
