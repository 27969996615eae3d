package org.privmed.eval.report;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.eval.timing.ByteCounts;
import org.privmed.eval.timing.PhaseTimes;

/** Any report written as JSON reads back into a report that renders identically. */
class JsonRoundTripPropertyTest {
    @Test
    void renderReadRenderIsStable() {
        qt().withExamples(60).forAll(integers().between(2, 400), integers().between(2, 6), longs().all())
                .check((n, k, seed) -> {
                    Random rnd = new Random(seed);
                    int[] y = ReportFixtures.labels(n, Math.min(k, n), seed);
                    double[][] p = ReportFixtures.probabilities(y, k, rnd.nextDouble() * 3, seed + 1);
                    Report report = Report.builder("run " + seed)
                            .dataset(DatasetInfo.of("set-" + k).withSamples(n).withNote(rnd.nextBoolean() ? "caveat | x" : ""))
                            .row(ReportRow.builder("row | " + n).scores(y, p)
                                    .times(PhaseTimes.ofNanos(Map.of("evaluate", (long) rnd.nextInt(1 << 30))))
                                    .bytes(rnd.nextBoolean() ? null : new ByteCounts(rnd.nextInt(1 << 20), 5))
                                    .extra("x", rnd.nextGaussian()).extra("i", rnd.nextInt()).extra("b", rnd.nextBoolean())
                                    .build())
                            .series(Series.of("row | " + n, "loss", "epoch", new double[] {1, 2}, new double[] {rnd.nextDouble(), 1e-9}))
                            .build();
                    String json = JsonReport.render(report);
                    Report back = JsonReport.read(json);
                    return json.equals(JsonReport.render(back))
                            && MarkdownReport.render(report).equals(MarkdownReport.render(back))
                            && report.rows().get(0).metrics().equals(back.rows().get(0).metrics());
                });
    }
}
