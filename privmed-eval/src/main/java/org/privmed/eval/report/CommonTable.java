package org.privmed.eval.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.privmed.eval.metrics.ClassificationMetrics;
import org.privmed.eval.timing.Phase;

/**
 * The columns every technique reports: metrics, time per standard phase (always present so all
 * reports line up), extra phases and extra figures (only when some row has them), bytes.
 */
final class CommonTable {
    final List<String> headers = new ArrayList<>();
    final List<Boolean> numeric = new ArrayList<>();
    final List<List<String>> rows = new ArrayList<>();

    CommonTable(Report report) {
        String avg = report.averaging().label();
        header("Setting", false);
        header("Accuracy", true);
        header("Precision (" + avg + ")", true);
        header("Recall (" + avg + ")", true);
        header("F1 (" + avg + ")", true);
        header("AUROC", true);
        for (Phase p : Phase.values()) {
            header(capitalize(p.label()), true);
        }
        Set<String> extraPhases = new LinkedHashSet<>();
        Set<String> extraKeys = new LinkedHashSet<>();
        for (ReportRow r : report.rows()) {
            extraPhases.addAll(r.times().extraPhases());
            extraKeys.addAll(r.extras().keySet());
        }
        for (String p : extraPhases) {
            header(capitalize(p), true);
        }
        header("Bytes up", true);
        header("Bytes down", true);
        for (String k : extraKeys) {
            header(k, true);
        }
        for (ReportRow r : report.rows()) {
            List<String> cells = new ArrayList<>();
            cells.add(r.label());
            ClassificationMetrics m = r.metrics();
            if (m == null) {
                for (int i = 0; i < 5; i++) {
                    cells.add(Cells.MISSING);
                }
            } else {
                cells.add(Cells.metric(m.accuracy()));
                cells.add(Cells.metric(report.averaging().precision(m)));
                cells.add(Cells.metric(report.averaging().recall(m)));
                cells.add(Cells.metric(report.averaging().f1(m)));
                cells.add(Cells.metric(m.auroc()));
            }
            for (Phase p : Phase.values()) {
                cells.add(Cells.millis(r.times().millis(p)));
            }
            for (String p : extraPhases) {
                cells.add(Cells.millis(r.times().millis(p)));
            }
            cells.add(r.bytes() == null ? Cells.MISSING : Cells.bytes(r.bytes().up()));
            cells.add(r.bytes() == null ? Cells.MISSING : Cells.bytes(r.bytes().down()));
            for (String k : extraKeys) {
                cells.add(Cells.extra(r.extras().get(k)));
            }
            rows.add(cells);
        }
    }

    private void header(String h, boolean isNumeric) {
        headers.add(h);
        numeric.add(isNumeric);
    }

    static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
