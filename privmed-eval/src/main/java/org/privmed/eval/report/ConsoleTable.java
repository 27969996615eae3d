package org.privmed.eval.report;

/** The common table for terminal output: dataset line, caveat, then the fixed-width table. */
public final class ConsoleTable {
    private ConsoleTable() {}

    public static String render(Report report) {
        StringBuilder sb = new StringBuilder();
        sb.append(report.title()).append('\n');
        sb.append(MarkdownReport.datasetLine(report.dataset(), false)).append('\n');
        if (!report.dataset().note().isEmpty()) {
            sb.append("NOTE: ").append(report.dataset().note()).append('\n');
        }
        sb.append('\n');
        CommonTable t = new CommonTable(report);
        sb.append(TextTable.fixedWidth(t.headers, t.rows));
        return sb.toString();
    }
}
