package org.privmed.eval.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.privmed.eval.metrics.ClassificationMetrics;
import org.privmed.eval.metrics.RocCurve;
import org.privmed.eval.timing.Phase;

/**
 * PNG charts of a report, drawn with XChart off-screen (the JVM is switched to headless mode
 * unless the caller chose otherwise, so it works on servers without a display):
 * <ul>
 *   <li>{@code <base>-metrics.png}: grouped bars of accuracy, precision, recall, F1 and AUROC per row;</li>
 *   <li>{@code <base>-times.png}: grouped bars of milliseconds per phase per row, when any row was timed;</li>
 *   <li>{@code <base>-series-<metric>.png}: one line chart per series metric, a line per setting;</li>
 *   <li>{@code <base>-roc.png}: the ROC curves of rows with a single curve (binary tasks), one per row;</li>
 *   <li>{@code <base>-roc-<row>.png}: for a multiclass row, its one-vs-rest curves, one per class.</li>
 * </ul>
 * Undefined values (an AUROC of NaN, a phase not timed) are left out of the bars, never drawn as 0.
 */
public final class ChartWriter {
    static final int WIDTH = 1000;
    static final int HEIGHT = 560;
    static final int ROC_SIZE = 640;
    private static final int ROC_POINTS = 400;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ChartWriter() {}

    /** Writes every chart the report has data for into {@code dir}; returns the files written. */
    public static List<Path> write(Report report, Path dir, String baseName) throws IOException {
        ReportWriter.checkBaseName(baseName);
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Set<String> used = new HashSet<>();
        if (!report.rowsWithMetrics().isEmpty()) {
            written.add(save(metricsChart(report), dir.resolve(baseName + "-metrics.png")));
        }
        CategoryChart times = timesChart(report);
        if (times != null) {
            written.add(save(times, dir.resolve(baseName + "-times.png")));
        }
        for (Map.Entry<String, List<Series>> e : MarkdownReport.byMetric(report.series()).entrySet()) {
            String name = unique(baseName + "-series-" + slug(e.getKey()), used);
            written.add(save(seriesChart(e.getKey(), e.getValue()), dir.resolve(name + ".png")));
        }
        XYChart binaryRoc = null;
        for (ReportRow r : report.rows()) {
            if (r.rocCurves().size() == 1) {
                if (binaryRoc == null) {
                    binaryRoc = rocChart("ROC — " + report.dataset().name());
                }
                Map.Entry<Integer, RocCurve> only = r.rocCurves().entrySet().iterator().next();
                addRoc(binaryRoc, r.label(), only.getValue(), area(r, only.getKey(), only.getValue()));
            }
        }
        if (binaryRoc != null) {
            written.add(save(binaryRoc, dir.resolve(baseName + "-roc.png")));
        }
        for (ReportRow r : report.rows()) {
            if (r.rocCurves().size() > 1) {
                XYChart chart = rocChart("ROC one-vs-rest — " + r.label());
                r.rocCurves().forEach((c, curve) ->
                        addRoc(chart, report.dataset().className(c), curve, area(r, c, curve)));
                String name = unique(baseName + "-roc-" + slug(r.label()), used);
                written.add(save(chart, dir.resolve(name + ".png")));
            }
        }
        return written;
    }

    private static CategoryChart metricsChart(Report report) {
        String avg = report.averaging().label();
        List<String> categories = List.of("Accuracy", "Precision (" + avg + ")", "Recall (" + avg + ")",
                "F1 (" + avg + ")", "AUROC");
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(report.title() + " — " + report.dataset().name())
                .xAxisTitle("Metric").yAxisTitle("Value").build();
        style(chart.getStyler());
        double lowest = 1.0;
        for (ReportRow r : report.rowsWithMetrics()) {
            ClassificationMetrics m = r.metrics();
            List<Double> values = new ArrayList<>();
            values.add(m.accuracy());
            values.add(report.averaging().precision(m));
            values.add(report.averaging().recall(m));
            values.add(report.averaging().f1(m));
            values.add(m.auroc());
            for (int i = 0; i < values.size(); i++) {
                if (Double.isNaN(values.get(i))) {
                    values.set(i, null);
                } else {
                    lowest = Math.min(lowest, values.get(i));
                }
            }
            chart.addSeries(r.label(), categories, values);
        }
        // Figures near 1 differ in the second decimal: start the axis just below the lowest bar.
        chart.getStyler().setYAxisMin(Math.max(0.0, Math.floor((lowest - 0.05) * 10) / 10));
        chart.getStyler().setYAxisMax(1.0);
        return chart;
    }

    private static CategoryChart timesChart(Report report) {
        Set<String> phases = new LinkedHashSet<>();
        for (Phase p : Phase.values()) {
            for (ReportRow r : report.rows()) {
                if (r.times().has(p)) {
                    phases.add(p.label());
                }
            }
        }
        for (ReportRow r : report.rows()) {
            phases.addAll(r.times().extraPhases());
        }
        if (phases.isEmpty()) {
            return null;
        }
        List<String> categories = new ArrayList<>();
        for (String p : phases) {
            categories.add(CommonTable.capitalize(p));
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Time per phase — " + report.dataset().name())
                .xAxisTitle("Phase").yAxisTitle("Milliseconds").build();
        style(chart.getStyler());
        double smallest = Double.POSITIVE_INFINITY;
        double largest = 0;
        List<List<Double>> all = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (ReportRow r : report.rows()) {
            if (r.times().nanos().isEmpty()) {
                continue;
            }
            List<Double> values = new ArrayList<>();
            for (String p : phases) {
                double ms = r.times().has(p) ? r.times().millis(p) : Double.NaN;
                values.add(Double.isNaN(ms) ? null : ms);
                if (ms > 0) {
                    smallest = Math.min(smallest, ms);
                    largest = Math.max(largest, ms);
                }
            }
            all.add(values);
            labels.add(r.label());
        }
        // Training can take 10^4 times longer than decryption: beyond two decades a linear axis
        // hides the short phases, so switch to a log axis (zero times are then left out).
        boolean log = largest / smallest > 100;
        if (log) {
            chart.getStyler().setYAxisLogarithmic(true);
            // Bars grow from the axis minimum, which must be positive on a log axis.
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(smallest))));
            chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(largest))));
            chart.setYAxisTitle("Milliseconds (log scale)");
        }
        for (int i = 0; i < all.size(); i++) {
            List<Double> values = all.get(i);
            if (log) {
                values.replaceAll(v -> v != null && v > 0 ? v : null);
            }
            chart.addSeries(labels.get(i), categories, values);
        }
        return chart;
    }

    private static XYChart seriesChart(String metric, List<Series> lines) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(metric + " per " + lines.get(0).xLabel())
                .xAxisTitle(lines.get(0).xLabel()).yAxisTitle(metric).build();
        style(chart.getStyler());
        for (Series s : lines) {
            XYSeries line = chart.addSeries(s.setting(), s.x(), s.y());
            line.setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    private static XYChart rocChart(String title) {
        XYChart chart = new XYChartBuilder().width(ROC_SIZE).height(ROC_SIZE).title(title)
                .xAxisTitle("False positive rate").yAxisTitle("True positive rate").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setMarkerSize(0);
        XYSeries chance = chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
        chance.setLineColor(Color.GRAY);
        chance.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 6f}, 0f));
        chance.setMarker(SeriesMarkers.NONE);
        return chart;
    }

    /**
     * The exact area from the metrics when present: a curve read back from JSON is thinned, and
     * its trapezoidal area is only close to the true one.
     */
    private static double area(ReportRow r, int c, RocCurve curve) {
        if (r.metrics() != null) {
            double exact = r.metrics().aurocPerClass()[c];
            if (!Double.isNaN(exact)) {
                return exact;
            }
        }
        return curve.area();
    }

    private static void addRoc(XYChart chart, String name, RocCurve curve, double area) {
        RocCurve thin = curve.thinned(ROC_POINTS);
        String label = String.format(Locale.ROOT, "%s (AUC %.4f)", name, area);
        XYSeries s = chart.addSeries(label, thin.falsePositiveRates(), thin.truePositiveRates());
        s.setMarker(SeriesMarkers.NONE);
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setAntiAlias(true);
    }

    private static Path save(Chart<?, ?> chart, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            if (!ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", out)) {
                throw new IOException("no PNG encoder available in this JVM for " + file);
            }
        }
        return file;
    }

    /** File-name-safe form of a label: lower case, runs of other characters become one dash. */
    static String slug(String s) {
        String out = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return out.isEmpty() ? "x" : out;
    }

    private static String unique(String name, Set<String> used) {
        String candidate = name;
        for (int i = 2; !used.add(candidate); i++) {
            candidate = name + "-" + i;
        }
        return candidate;
    }
}
