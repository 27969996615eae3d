package org.privmed.eval.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A complete report: title, dataset, rows of the common table, optional series, and context
 * (machine, threads, command line, …) printed under the title. Immutable; build with
 * {@link #builder(String)}.
 */
public record Report(String title, DatasetInfo dataset, List<ReportRow> rows, List<Series> series,
        Averaging averaging, Map<String, String> context) {

    public Report {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("report title must be non-blank, got "
                    + (title == null ? "null" : "'" + title + "'"));
        }
        if (dataset == null) {
            throw new IllegalArgumentException("report '" + title + "' has no dataset");
        }
        rows = rows == null ? List.of() : List.copyOf(rows);
        series = series == null ? List.of() : List.copyOf(series);
        averaging = averaging == null ? Averaging.MACRO : averaging;
        context = context == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(context));
        Set<String> labels = new HashSet<>();
        for (ReportRow r : rows) {
            if (!labels.add(r.label())) {
                throw new IllegalArgumentException("report '" + title + "' has two rows labelled '" + r.label()
                        + "'; labels name chart series and must be unique");
            }
            if (averaging == Averaging.POSITIVE_CLASS && r.metrics() != null && r.metrics().numClasses() != 2) {
                throw new IllegalArgumentException("row '" + r.label() + "' has " + r.metrics().numClasses()
                        + " classes; positive-class averaging needs a binary task");
            }
        }
        Set<String> lines = new HashSet<>();
        for (Series s : series) {
            if (!lines.add(s.metric() + "\u0000" + s.setting())) {
                throw new IllegalArgumentException("report '" + title + "' has two '" + s.metric()
                        + "' series for setting '" + s.setting() + "'");
            }
        }
    }

    public static Builder builder(String title) {
        return new Builder(title);
    }

    /** Rows that carry classification metrics. */
    public List<ReportRow> rowsWithMetrics() {
        List<ReportRow> out = new ArrayList<>();
        for (ReportRow r : rows) {
            if (r.metrics() != null) {
                out.add(r);
            }
        }
        return out;
    }

    public static final class Builder {
        private final String title;
        private DatasetInfo dataset;
        private final List<ReportRow> rows = new ArrayList<>();
        private final List<Series> series = new ArrayList<>();
        private Averaging averaging = Averaging.MACRO;
        private final Map<String, String> context = new LinkedHashMap<>();

        private Builder(String title) {
            this.title = title;
        }

        public Builder dataset(DatasetInfo d) {
            this.dataset = d;
            return this;
        }

        public Builder row(ReportRow r) {
            rows.add(r);
            return this;
        }

        public Builder series(Series s) {
            series.add(s);
            return this;
        }

        public Builder averaging(Averaging a) {
            this.averaging = a;
            return this;
        }

        /** Adds a line of context, e.g. ("threads", "2") or ("command", "privmed demo"). */
        public Builder context(String key, String value) {
            if (key == null || key.isBlank() || value == null) {
                throw new IllegalArgumentException("context entry needs a non-blank key and a value, got "
                        + key + " = " + value);
            }
            context.put(key, value);
            return this;
        }

        public Report build() {
            return new Report(title, dataset, rows, series, averaging, context);
        }
    }
}
