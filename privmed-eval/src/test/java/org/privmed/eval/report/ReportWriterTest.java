package org.privmed.eval.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.eval.metrics.ClassificationMetrics;

class ReportWriterTest {
    @TempDir
    Path dir;

    private static List<String> names(List<Path> paths) {
        List<String> out = new ArrayList<>();
        for (Path p : paths) {
            out.add(p.getFileName().toString());
        }
        return out;
    }

    private static void assertValidPng(Path p, int width, int height) throws IOException {
        byte[] bytes = Files.readAllBytes(p);
        assertTrue(bytes.length > 1000, p + " is suspiciously small: " + bytes.length + " bytes");
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(bytes, 4), p + " lacks the PNG signature");
        BufferedImage img = ImageIO.read(p.toFile());
        assertNotNull(img, "ImageIO could not decode " + p);
        assertEquals(width, img.getWidth());
        assertEquals(height, img.getHeight());
    }

    @Test
    void writesMarkdownJsonAndChartsForABinaryInferenceReport() throws IOException {
        Report report = ReportFixtures.binaryInference();
        List<Path> written = ReportWriter.write(report, dir.resolve("reports"), "infer-pneumoniamnist");
        assertEquals(List.of("infer-pneumoniamnist.md", "infer-pneumoniamnist.json",
                "infer-pneumoniamnist-metrics.png", "infer-pneumoniamnist-times.png",
                "infer-pneumoniamnist-roc.png"), names(written));
        for (Path p : written) {
            assertTrue(Files.size(p) > 0, p + " is empty");
        }
        assertValidPng(written.get(2), ChartWriter.WIDTH, ChartWriter.HEIGHT);
        assertValidPng(written.get(3), ChartWriter.WIDTH, ChartWriter.HEIGHT);
        assertValidPng(written.get(4), ChartWriter.ROC_SIZE, ChartWriter.ROC_SIZE);

        String md = Files.readString(written.get(0), StandardCharsets.UTF_8);
        for (ReportRow r : report.rows()) {
            assertTrue(md.contains(r.label().replace("|", "\\|")), "Markdown lacks row " + r.label());
        }
        ClassificationMetrics plain = report.rows().get(0).metrics();
        assertTrue(md.contains(String.format(java.util.Locale.ROOT, "%.4f", plain.accuracy())));
        assertTrue(md.contains("| Setting | Accuracy | Precision (macro) | Recall (macro) | F1 (macro) | AUROC |"
                + " Train | Encrypt | Evaluate | Decrypt | Total | Keygen | Bytes up | Bytes down | agreement |"
                + " packing | threads |"), md);
        assertTrue(md.contains("n/a"), "row without scores must show AUROC n/a");
        assertTrue(md.contains("| pneumonia |"), "per-class table must use class names");
        assertTrue(md.contains("81.00 s"), "train time must be rendered");
        assertTrue(md.contains("27.5 MiB"), "bytes up of the latency row must be rendered");
    }

    @Test
    void jsonParsesBackWithTheSameNumbers() throws IOException {
        Report report = ReportFixtures.binaryInference();
        List<Path> written = ReportWriter.write(report, dir, "r");
        JsonObject o = JsonParser.parseString(Files.readString(written.get(1))).getAsJsonObject();
        assertEquals(JsonReport.SCHEMA, o.get("schema").getAsString());
        JsonArray rows = o.getAsJsonArray("rows");
        assertEquals(report.rows().size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            ReportRow r = report.rows().get(i);
            JsonObject jr = rows.get(i).getAsJsonObject();
            assertEquals(r.label(), jr.get("label").getAsString());
            if (r.metrics() == null) {
                assertTrue(jr.get("metrics").isJsonNull());
                continue;
            }
            JsonObject m = jr.getAsJsonObject("metrics");
            assertEquals(r.metrics().accuracy(), m.get("accuracy").getAsDouble(), 0.0);
            assertEquals(r.metrics().macroF1(), m.getAsJsonObject("macro").get("f1").getAsDouble(), 0.0);
            assertEquals(r.metrics().weightedRecall(), m.getAsJsonObject("weighted").get("recall").getAsDouble(), 0.0);
            if (r.metrics().hasAuroc()) {
                assertEquals(r.metrics().auroc(), m.get("auroc").getAsDouble(), 0.0);
            } else {
                assertTrue(m.get("auroc").isJsonNull(), "undefined AUROC must be null in JSON");
            }
            long[][] cm = r.metrics().confusionMatrix().toArray();
            JsonArray jcm = m.getAsJsonArray("confusion_matrix");
            for (int a = 0; a < cm.length; a++) {
                for (int p = 0; p < cm.length; p++) {
                    assertEquals(cm[a][p], jcm.get(a).getAsJsonArray().get(p).getAsLong());
                }
            }
            r.times().nanos().forEach((k, v) -> assertEquals(v, jr.getAsJsonObject("times_ns").get(k).getAsLong()));
        }
        JsonObject latency = rows.get(1).getAsJsonObject();
        assertEquals(120L * 240_000, latency.getAsJsonObject("bytes").get("up").getAsLong());
        assertEquals("latency", latency.getAsJsonObject("extras").get("packing").getAsString());
        assertEquals(1, latency.getAsJsonArray("roc").size());
        assertTrue(rows.get(3).getAsJsonObject().get("metrics").isJsonNull());
    }

    @Test
    void jsonReadsBackIntoTheSameReport() {
        for (Report report : List.of(ReportFixtures.binaryInference(), ReportFixtures.federated())) {
            String json = JsonReport.render(report);
            Report back = JsonReport.read(json);
            assertEquals(json, JsonReport.render(back));
            assertEquals(MarkdownReport.render(report), MarkdownReport.render(back));
            for (int i = 0; i < report.rows().size(); i++) {
                assertEquals(report.rows().get(i).metrics(), back.rows().get(i).metrics());
                assertEquals(report.rows().get(i).times(), back.rows().get(i).times());
                assertEquals(report.rows().get(i).extras(), back.rows().get(i).extras());
            }
            assertEquals(report.series(), back.series());
        }
    }

    @Test
    void federatedReportDrawsSeriesAndOneVsRestCurves() throws IOException {
        Report report = ReportFixtures.federated();
        List<Path> written = ReportWriter.write(report, dir, "fl");
        List<String> names = names(written);
        assertEquals(List.of("fl.md", "fl.json", "fl-metrics.png", "fl-times.png", "fl-series-accuracy.png",
                "fl-series-epsilon.png", "fl-roc-no-dp-no-secagg.png", "fl-roc-secagg.png",
                "fl-roc-dp-secagg.png"), names);
        for (Path p : written.subList(2, written.size())) {
            BufferedImage img = ImageIO.read(p.toFile());
            assertNotNull(img, "ImageIO could not decode " + p);
            assertTrue(img.getWidth() > 0 && Files.size(p) > 0);
        }
        String md = Files.readString(written.get(0));
        assertTrue(md.contains("> **Note:** bloodmnist-pbc: not the official split"), md);
        assertTrue(md.contains("### accuracy per round"));
        assertTrue(md.contains("| round | no DP, no SecAgg | SecAgg+ | DP + SecAgg+ |"), md);
        assertTrue(md.contains("| round | DP + SecAgg+ |\n|---|---:|\n| 1 | 1.9 |"), md);
        assertTrue(md.contains("| 5 | 6 |"), md);
        for (ReportRow r : report.rows()) {
            assertTrue(md.contains("### " + r.label()));
        }
        assertTrue(md.contains("| erythroblast |"));
    }

    @Test
    void consoleTableListsEveryRowInAlignedColumns() {
        Report report = ReportFixtures.binaryInference();
        String text = ConsoleTable.render(report);
        for (ReportRow r : report.rows()) {
            assertTrue(text.contains(r.label()), "console table lacks " + r.label());
        }
        String[] lines = text.split("\n");
        int header = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("Setting")) {
                header = i;
            }
        }
        assertTrue(header >= 0, text);
        // Right-aligned numeric columns end where the header's column ends: the Accuracy cells line up.
        int accuracyEnd = lines[header].indexOf("Accuracy") + "Accuracy".length();
        for (int i = header + 2; i < header + 2 + report.rows().size(); i++) {
            String row = lines[i];
            String cell = row.substring(accuracyEnd - 6, accuracyEnd);
            assertTrue(cell.matches("0\\.\\d{4}|     —"), "misaligned accuracy cell '" + cell + "' in: " + row);
        }
    }

    @Test
    void crossValidatedAndAgreementRowsCarryTheirSpreadAndAgreement() throws IOException {
        List<ClassificationMetrics> folds = new ArrayList<>();
        for (int f = 0; f < 5; f++) {
            int[] y = ReportFixtures.labels(50, 2, 100 + f);
            folds.add(ClassificationMetrics.fromScores(y, ReportFixtures.probabilities(y, 2, 1.0 + 0.2 * f, 200 + f)));
        }
        org.privmed.eval.metrics.FoldSummary summary = org.privmed.eval.metrics.FoldSummary.of(folds);
        int[] y = ReportFixtures.labels(40, 2, 7);
        double[][] plain = ReportFixtures.probabilities(y, 2, 1.0, 8);
        double[][] enc = new double[plain.length][];
        for (int i = 0; i < plain.length; i++) {
            enc[i] = new double[] {plain[i][0] + 1e-4, plain[i][1] - 1e-4};
        }
        Report r = Report.builder("Brain MRI, 5-fold").dataset(DatasetInfo.of("brain-mri"))
                .row(ReportRow.builder("HE-friendly CNN").folds(summary)
                        .times(org.privmed.eval.timing.PhaseTimes.ofMillis(java.util.Map.of("train", 40.0, "evaluate", 2.0)))
                        .build())
                .row(ReportRow.builder("encrypted").scores(y, enc)
                        .agreement(org.privmed.eval.metrics.Agreement.ofScores(plain, enc)).build())
                .build();
        ReportRow cv = r.rows().get(0);
        assertEquals(5L, cv.extras().get("folds"));
        assertEquals(summary.accuracy().std(), (Double) cv.extras().get("accuracy sd"), 0.0);
        assertEquals(250, cv.metrics().total());
        assertEquals(summary.auroc().mean(), cv.metrics().auroc(), 1e-12);
        String md = MarkdownReport.render(r);
        assertTrue(md.contains("| accuracy sd | macro F1 sd | AUROC sd |"), md);
        Object agreement = r.rows().get(1).extras().get("agreement");
        assertTrue(agreement instanceof Double && (Double) agreement > 0.9, "agreement was " + agreement);
        assertEquals(1e-4, (Double) r.rows().get(1).extras().get("max |Δscore|"), 1e-9);
        assertEquals(MarkdownReport.render(r), MarkdownReport.render(JsonReport.read(JsonReport.render(r))));
        // Times within two decades: the linear-axis chart.
        List<Path> charts = ChartWriter.write(r, dir, "cv");
        assertEquals(List.of("cv-metrics.png", "cv-times.png", "cv-roc.png"), names(charts));
        for (Path p : charts) {
            assertNotNull(ImageIO.read(p.toFile()), "ImageIO could not decode " + p);
        }
    }

    @Test
    void positiveClassAveragingShowsClassOneFigures() {
        int[] y = {0, 0, 1, 1, 1};
        int[] p = {0, 1, 1, 1, 0};
        ClassificationMetrics m = ClassificationMetrics.of(2, y, p);
        Report r = Report.builder("t").dataset(DatasetInfo.of("d")).averaging(Averaging.POSITIVE_CLASS)
                .row(ReportRow.builder("a").metrics(m).build()).build();
        String md = MarkdownReport.render(r);
        assertTrue(md.contains("Recall (class 1)"), md);
        assertTrue(md.contains(String.format(java.util.Locale.ROOT, "%.4f", m.recall(1))), md);
        ClassificationMetrics three = ClassificationMetrics.of(3, new int[] {0, 1, 2}, new int[] {0, 1, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Report.builder("t")
                .dataset(DatasetInfo.of("d")).averaging(Averaging.POSITIVE_CLASS)
                .row(ReportRow.builder("b").metrics(three).build()).build());
        assertTrue(e.getMessage().contains("row 'b' has 3 classes"), e.getMessage());
    }

    @Test
    void rejectsInconsistentReportsWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Report.builder("t")
                .dataset(DatasetInfo.of("d")).row(ReportRow.builder("x").build())
                .row(ReportRow.builder("x").build()).build());
        assertTrue(e.getMessage().contains("two rows labelled 'x'"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> ReportRow.builder("x").extra("model", new Object()).build());
        assertTrue(e.getMessage().contains("extra 'model'"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Series.of("s", "accuracy", "round", new double[] {1, 3, 2}, new double[] {0.1, 0.2, 0.3}));
        assertTrue(e.getMessage().contains("x[2] = 2.0 does not increase"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> Series.of("s", "accuracy", "round", new double[] {1, 2}, new double[] {0.1, Double.NaN}));
        assertTrue(e.getMessage().contains("point 1"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> ReportWriter.write(ReportFixtures.binaryInference(), dir, "../escape"));
        assertTrue(e.getMessage().contains("'../escape'"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> JsonReport.read("{\"schema\": \"other/9\"}"));
        assertTrue(e.getMessage().contains("other/9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> JsonReport.read("{\"schema\": "));
        assertTrue(e.getMessage().contains("does not parse"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> JsonReport.read("[1]"));
        assertTrue(e.getMessage().contains("an array"), e.getMessage());
    }
}
