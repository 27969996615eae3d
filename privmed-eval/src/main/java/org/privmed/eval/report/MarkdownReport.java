package org.privmed.eval.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.privmed.eval.metrics.ClassificationMetrics;
import org.privmed.eval.metrics.ConfusionMatrix;

/**
 * Markdown rendering: title, dataset and caveat, context, the common table, then per-class results
 * and confusion matrices for each row with metrics, then one table per series metric.
 */
public final class MarkdownReport {
    private MarkdownReport() {}

    public static String render(Report report) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(oneLine(report.title())).append("\n\n");
        sb.append(datasetLine(report.dataset(), true)).append("\n\n");
        if (!report.dataset().note().isEmpty()) {
            sb.append("> **Note:** ").append(oneLine(report.dataset().note())).append("\n\n");
        }
        for (Map.Entry<String, String> e : report.context().entrySet()) {
            sb.append("- ").append(oneLine(e.getKey())).append(": ").append(oneLine(e.getValue())).append('\n');
        }
        if (!report.context().isEmpty()) {
            sb.append('\n');
        }
        CommonTable t = new CommonTable(report);
        sb.append(TextTable.markdown(t.headers, t.rows)).append('\n');
        sb.append("Times are wall-clock totals per phase over the whole evaluation; \"—\" means not measured;"
                + " AUROC \"n/a\" means undefined (a single class in the labels, or no scores). Precision is 0"
                + " for a class that is never predicted (zero_division = 0). Bytes are in binary units"
                + " (1 KiB = 1024 B).\n");

        List<ReportRow> withMetrics = report.rowsWithMetrics();
        if (!withMetrics.isEmpty()) {
            sb.append("\n## Per-class results\n");
            for (ReportRow r : withMetrics) {
                perClass(sb, r, report.dataset());
            }
        }
        if (!report.series().isEmpty()) {
            sb.append("\n## Series\n");
            for (Map.Entry<String, List<Series>> e : byMetric(report.series()).entrySet()) {
                seriesTable(sb, e.getKey(), e.getValue());
            }
        }
        return sb.toString();
    }

    static String datasetLine(DatasetInfo d, boolean markdown) {
        StringBuilder sb = new StringBuilder("Dataset: ");
        sb.append(markdown ? "**" + oneLine(d.name()) + "**" : d.name());
        List<String> parts = new ArrayList<>();
        if (!d.split().isEmpty()) {
            parts.add(d.split() + " split");
        }
        if (d.samples() > 0) {
            parts.add(d.samples() + " samples");
        }
        if (!d.classNames().isEmpty()) {
            parts.add(d.classNames().size() + " classes: " + String.join(", ", d.classNames()));
        }
        if (!parts.isEmpty()) {
            sb.append(" (").append(markdown ? oneLine(String.join("; ", parts)) : String.join("; ", parts)).append(')');
        }
        return sb.toString();
    }

    private static void perClass(StringBuilder sb, ReportRow r, DatasetInfo d) {
        ClassificationMetrics m = r.metrics();
        sb.append("\n### ").append(oneLine(r.label())).append("\n\n");
        List<String> headers = List.of("Class", "Precision", "Recall", "F1", "Support", "AUROC (one-vs-rest)");
        List<List<String>> rows = new ArrayList<>();
        double[] auroc = m.aurocPerClass();
        for (int c = 0; c < m.numClasses(); c++) {
            rows.add(List.of(d.className(c), Cells.metric(m.precision(c)), Cells.metric(m.recall(c)),
                    Cells.metric(m.f1(c)), Long.toString(m.support(c)), Cells.metric(auroc[c])));
        }
        rows.add(List.of("macro", Cells.metric(m.macroPrecision()), Cells.metric(m.macroRecall()),
                Cells.metric(m.macroF1()), Long.toString(m.total()), Cells.metric(m.auroc())));
        rows.add(List.of("weighted", Cells.metric(m.weightedPrecision()), Cells.metric(m.weightedRecall()),
                Cells.metric(m.weightedF1()), Long.toString(m.total()), Cells.MISSING));
        sb.append(TextTable.markdown(headers, rows));

        sb.append("\nConfusion matrix (rows: true class, columns: predicted class):\n\n");
        ConfusionMatrix cm = m.confusionMatrix();
        List<String> cmHeaders = new ArrayList<>();
        cmHeaders.add("true \\ predicted");
        for (int c = 0; c < cm.numClasses(); c++) {
            cmHeaders.add(d.className(c));
        }
        List<List<String>> cmRows = new ArrayList<>();
        for (int a = 0; a < cm.numClasses(); a++) {
            List<String> row = new ArrayList<>();
            row.add(d.className(a));
            for (int p = 0; p < cm.numClasses(); p++) {
                row.add(Long.toString(cm.count(a, p)));
            }
            cmRows.add(row);
        }
        sb.append(TextTable.markdown(cmHeaders, cmRows));
    }

    static Map<String, List<Series>> byMetric(List<Series> series) {
        Map<String, List<Series>> out = new LinkedHashMap<>();
        for (Series s : series) {
            out.computeIfAbsent(s.metric(), k -> new ArrayList<>()).add(s);
        }
        return out;
    }

    private static void seriesTable(StringBuilder sb, String metric, List<Series> lines) {
        String xLabel = lines.get(0).xLabel();
        sb.append("\n### ").append(oneLine(metric)).append(" per ").append(oneLine(xLabel)).append("\n\n");
        TreeSet<Double> xs = new TreeSet<>();
        for (Series s : lines) {
            xs.addAll(s.x());
        }
        List<String> headers = new ArrayList<>();
        headers.add(xLabel);
        for (Series s : lines) {
            headers.add(s.setting());
        }
        List<List<String>> rows = new ArrayList<>();
        for (double x : xs) {
            List<String> row = new ArrayList<>();
            row.add(Cells.extra(x == Math.rint(x) && Math.abs(x) < 1e15 ? (Object) (long) x : (Object) x));
            for (Series s : lines) {
                int i = s.x().indexOf(x);
                row.add(i < 0 ? Cells.MISSING : Cells.extra(s.y().get(i)));
            }
            rows.add(row);
        }
        sb.append(TextTable.markdown(headers, rows));
    }

    private static String oneLine(String s) {
        return s.replace("\r", " ").replace("\n", " ");
    }
}
