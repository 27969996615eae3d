package org.privmed.eval.report;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.privmed.eval.metrics.ClassificationMetrics;
import org.privmed.eval.timing.ByteCounts;
import org.privmed.eval.timing.PhaseTimes;

/** Seeded reports shaped like the ones the techniques produce. */
final class ReportFixtures {
    private ReportFixtures() {}

    /** n samples of a k-class task whose scores favour the true class by {@code signal}. */
    static int[] labels(int n, int k, long seed) {
        Random rnd = new Random(seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i < k ? i : rnd.nextInt(k); // every class present
        }
        return y;
    }

    static double[][] probabilities(int[] labels, int k, double signal, long seed) {
        Random rnd = new Random(seed);
        double[][] p = new double[labels.length][k];
        for (int i = 0; i < labels.length; i++) {
            double sum = 0;
            for (int c = 0; c < k; c++) {
                p[i][c] = Math.exp(rnd.nextGaussian() + (c == labels[i] ? signal : 0));
                sum += p[i][c];
            }
            for (int c = 0; c < k; c++) {
                p[i][c] /= sum;
            }
        }
        return p;
    }

    /** Plaintext vs encrypted in two packings on a binary set, plus rows without scores or metrics. */
    static Report binaryInference() {
        int[] y = labels(120, 2, 1);
        double[][] plain = probabilities(y, 2, 1.5, 2);
        double[][] enc = probabilities(y, 2, 1.4, 3);
        int[] hard = ClassificationMetrics.argmax(enc);
        return Report.builder("Encrypted diagnosis")
                .dataset(new DatasetInfo("pneumoniamnist", "test", y.length, List.of("normal", "pneumonia"), ""))
                .context("threads", "1")
                .context("command", "privmed report infer")
                .row(ReportRow.builder("plaintext").scores(y, plain)
                        .times(PhaseTimes.ofMillis(Map.of("train", 81_000.0, "evaluate", 35.5, "total", 81_100.0)))
                        .build())
                .row(ReportRow.builder("encrypted | latency").scores(y, enc)
                        .times(PhaseTimes.ofMillis(Map.of("encrypt", 420.0, "evaluate", 9_800.0, "decrypt", 12.0,
                                "total", 10_300.0, "keygen", 900.0)))
                        .bytes(new ByteCounts(120L * 240_000, 120L * 2_100))
                        .extra("agreement", 1.0).extra("packing", "latency").extra("threads", 1)
                        .build())
                .row(ReportRow.builder("encrypted, throughput (no scores)")
                        .metrics(ClassificationMetrics.of(2, y, hard))
                        .times(PhaseTimes.ofMillis(Map.of("encrypt", 50.0, "evaluate", 300.0, "decrypt", 4.0)))
                        .bytes(new ByteCounts(9_000_000, 70_000))
                        .extra("agreement", 0.9917)
                        .build())
                .row(ReportRow.builder("key upload").bytes(new ByteCounts(48_000_000, 0)).build())
                .build();
    }

    /** Federated runs on an 8-class set with per-round series. */
    static Report federated() {
        int[] y = labels(160, 8, 4);
        Report.Builder b = Report.builder("Federated learning, 10 clients")
                .dataset(DatasetInfo.of("bloodmnist-pbc").withSplit("test").withSamples(y.length)
                        .withClassNames(List.of("basophil", "eosinophil", "erythroblast", "ig", "lymphocyte",
                                "monocyte", "neutrophil", "platelet"))
                        .withNote("bloodmnist-pbc: not the official split"));
        String[] settings = {"no DP, no SecAgg", "SecAgg+", "DP + SecAgg+"};
        for (int s = 0; s < settings.length; s++) {
            double[][] p = probabilities(y, 8, 2.5 - 0.3 * s, 10 + s);
            Series.Builder acc = Series.builder(settings[s], "accuracy", "round");
            for (int round = 1; round <= 5; round++) {
                acc.add(round, 0.5 + 0.08 * round - 0.02 * s);
            }
            b.series(acc.build());
            ReportRow.Builder row = ReportRow.builder(settings[s]).scores(y, p)
                    .times(PhaseTimes.ofMillis(Map.of("train", 5000.0 + s, "aggregate", 30.0 * (s + 1))))
                    .bytes(new ByteCounts(1_000_000L * (s + 1), 1_000_000))
                    .extra("clients", 10).extra("dp", s == 2).extra("secagg", s > 0);
            if (s == 2) {
                row.extra("epsilon", 6.0).extra("delta", 1.9e-4);
                b.series(Series.of(settings[s], "epsilon", "round", new double[] {1, 2, 3, 4, 5},
                        new double[] {1.9, 3.1, 4.1, 5.1, 6.0}));
            }
            b.row(row.build());
        }
        return b.build();
    }
}
