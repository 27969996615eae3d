package org.privmed.eval.metrics;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties checked on random data, against an independent brute-force pairwise AUROC (the
 * definition: fraction of positive/negative pairs ordered correctly, ties one half).
 */
class MetricPropertiesTest {
    private static final double EPS = 1e-9;

    /** Labels and scores from a seed; scores on a coarse grid so ties are common. */
    private record Data(int[] labels, double[][] scores, int k) {
        static Data of(int n, int k, long seed) {
            Random rnd = new Random(seed);
            int[] labels = new int[n];
            double[][] scores = new double[n][k];
            for (int i = 0; i < n; i++) {
                labels[i] = rnd.nextInt(k);
                for (int c = 0; c < k; c++) {
                    scores[i][c] = rnd.nextInt(12) / 4.0 - 1.0 + (c == labels[i] ? rnd.nextInt(3) : 0);
                }
            }
            return new Data(labels, scores, k);
        }

        boolean[] positive(int c) {
            boolean[] p = new boolean[labels.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = labels[i] == c;
            }
            return p;
        }

        double[] column(int c) {
            double[] col = new double[labels.length];
            for (int i = 0; i < col.length; i++) {
                col[i] = scores[i][c];
            }
            return col;
        }
    }

    static double bruteForceAuc(boolean[] positive, double[] s) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < s.length; i++) {
            if (!positive[i]) {
                continue;
            }
            for (int j = 0; j < s.length; j++) {
                if (positive[j]) {
                    continue;
                }
                pairs++;
                wins += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
            }
        }
        return pairs == 0 ? Double.NaN : wins / pairs;
    }

    private static boolean same(double a, double b) {
        return (Double.isNaN(a) && Double.isNaN(b)) || Math.abs(a - b) <= EPS;
    }

    @Test
    void rankAurocEqualsPairwiseDefinitionAndTrapezoidalRocArea() {
        qt().withExamples(300).forAll(integers().between(1, 80), longs().all()).check((n, seed) -> {
            Data d = Data.of(n, 2, seed);
            boolean[] pos = d.positive(1);
            double[] s = d.column(1);
            double rank = Auroc.binary(pos, s);
            double brute = bruteForceAuc(pos, s);
            if (!same(rank, brute)) {
                return false;
            }
            return Double.isNaN(rank) || same(rank, RocCurve.of(pos, s).area());
        });
    }

    @Test
    void reversedScoresGiveOneMinusAuroc() {
        qt().withExamples(300).forAll(integers().between(2, 80), longs().all()).check((n, seed) -> {
            Data d = Data.of(n, 2, seed);
            double[] s = d.column(1);
            double[] reversed = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                reversed[i] = -s[i];
            }
            double a = Auroc.binary(d.positive(1), s);
            double b = Auroc.binary(d.positive(1), reversed);
            return Double.isNaN(a) ? Double.isNaN(b) : same(b, 1 - a);
        });
    }

    @Test
    void strictlyMonotoneTransformsLeaveAurocUnchanged() {
        qt().withExamples(300).forAll(integers().between(2, 80), longs().all()).check((n, seed) -> {
            Data d = Data.of(n, 4, seed);
            double[][] transformed = new double[n][4];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 4; c++) {
                    double x = d.scores()[i][c];
                    transformed[i][c] = 5 * x * x * x + Math.exp(x) - 2; // strictly increasing
                }
            }
            return same(Auroc.oneVsRestMacro(d.labels(), d.scores()),
                    Auroc.oneVsRestMacro(d.labels(), transformed));
        });
    }

    @Test
    void oneVsRestMacroIsMeanOfPairwisePerClassAreas() {
        qt().withExamples(200).forAll(integers().between(2, 60), integers().between(3, 6), longs().all())
                .check((n, k, seed) -> {
                    Data d = Data.of(n, k, seed);
                    double sum = 0;
                    int defined = 0;
                    for (int c = 0; c < k; c++) {
                        double a = bruteForceAuc(d.positive(c), d.column(c));
                        if (!Double.isNaN(a)) {
                            sum += a;
                            defined++;
                        }
                    }
                    double expected = defined == 0 ? Double.NaN : sum / defined;
                    return same(expected, ClassificationMetrics.fromScores(d.labels(), d.scores()).auroc());
                });
    }

    @Test
    void accuracyIsTraceOverTotalAndAveragesStayInUnitInterval() {
        qt().withExamples(300).forAll(integers().between(1, 100), integers().between(2, 8), longs().all())
                .check((n, k, seed) -> {
                    Random rnd = new Random(seed);
                    int[] labels = new int[n];
                    int[] predicted = new int[n];
                    long agree = 0;
                    for (int i = 0; i < n; i++) {
                        labels[i] = rnd.nextInt(k);
                        predicted[i] = rnd.nextInt(3) == 0 ? labels[i] : rnd.nextInt(k);
                        if (labels[i] == predicted[i]) {
                            agree++;
                        }
                    }
                    ClassificationMetrics m = ClassificationMetrics.of(k, labels, predicted);
                    ConfusionMatrix cm = m.confusionMatrix();
                    return cm.total() == n
                            && cm.correct() == agree
                            && same(m.accuracy(), (double) cm.correct() / cm.total())
                            && inUnit(m.macroF1()) && inUnit(m.weightedF1())
                            && inUnit(m.macroPrecision()) && inUnit(m.macroRecall())
                            && same(m.weightedRecall(), m.accuracy()); // support-weighted recall = accuracy
                });
    }

    private static boolean inUnit(double v) {
        return v >= 0 && v <= 1;
    }
}
