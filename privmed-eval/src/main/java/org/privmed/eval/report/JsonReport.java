package org.privmed.eval.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.privmed.eval.metrics.ClassificationMetrics;
import org.privmed.eval.metrics.ConfusionMatrix;
import org.privmed.eval.metrics.RocCurve;
import org.privmed.eval.timing.ByteCounts;
import org.privmed.eval.timing.PhaseTimes;

/**
 * JSON form of a report, schema {@value #SCHEMA}. Field names are snake_case and stable; a value
 * that is undefined (an AUROC of NaN) or not measured (bytes) is {@code null}. ROC curves are
 * stored thinned to at most {@value #ROC_POINTS} points, without thresholds. {@link #read} turns
 * the JSON back into a {@link Report}, so reports written by separate runs can be merged.
 *
 * <pre>
 * {
 *   "schema": "privmed-report/1", "title": …, "averaging": "macro",
 *   "dataset": {"name", "split", "samples", "class_names": [], "note"},
 *   "context": {key: value},
 *   "rows": [{
 *     "label",
 *     "metrics": null | {"samples", "accuracy", "precision", "recall", "f1", "auroc",
 *                        "macro": {"precision", "recall", "f1"}, "weighted": {…},
 *                        "per_class": [{"class", "name", "precision", "recall", "f1", "support", "auroc"}],
 *                        "confusion_matrix": [[…]]},
 *     "times_ns": {phase: n}, "times_ms": {phase: ms}, "laps": {phase: n},
 *     "bytes": null | {"up", "down"},
 *     "extras": {key: value},
 *     "roc": [{"class", "name", "fpr": [], "tpr": []}]   (the exact areas are in "per_class")
 *   }],
 *   "series": [{"setting", "metric", "x_label", "x": [], "y": []}]
 * }
 * </pre>
 * "precision", "recall" and "f1" at the top of "metrics" follow the report's averaging, the figures
 * the table shows.
 */
public final class JsonReport {
    public static final String SCHEMA = "privmed-report/1";
    static final int ROC_POINTS = 200;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls()
            .disableHtmlEscaping().create();

    private JsonReport() {}

    public static String render(Report report) {
        return GSON.toJson(toJson(report)) + "\n";
    }

    public static JsonObject toJson(Report report) {
        JsonObject o = new JsonObject();
        o.addProperty("schema", SCHEMA);
        o.addProperty("title", report.title());
        o.addProperty("averaging", report.averaging().name().toLowerCase(Locale.ROOT));
        DatasetInfo d = report.dataset();
        JsonObject ds = new JsonObject();
        ds.addProperty("name", d.name());
        ds.addProperty("split", d.split());
        ds.addProperty("samples", d.samples());
        JsonArray names = new JsonArray();
        d.classNames().forEach(names::add);
        ds.add("class_names", names);
        ds.addProperty("note", d.note());
        o.add("dataset", ds);
        JsonObject ctx = new JsonObject();
        report.context().forEach(ctx::addProperty);
        o.add("context", ctx);
        JsonArray rows = new JsonArray();
        for (ReportRow r : report.rows()) {
            rows.add(row(r, report));
        }
        o.add("rows", rows);
        JsonArray series = new JsonArray();
        for (Series s : report.series()) {
            JsonObject so = new JsonObject();
            so.addProperty("setting", s.setting());
            so.addProperty("metric", s.metric());
            so.addProperty("x_label", s.xLabel());
            so.add("x", numbers(s.x()));
            so.add("y", numbers(s.y()));
            series.add(so);
        }
        o.add("series", series);
        return o;
    }

    private static JsonObject row(ReportRow r, Report report) {
        JsonObject o = new JsonObject();
        o.addProperty("label", r.label());
        ClassificationMetrics m = r.metrics();
        if (m == null) {
            o.add("metrics", JsonNull.INSTANCE);
        } else {
            JsonObject mo = new JsonObject();
            mo.addProperty("samples", m.total());
            mo.add("accuracy", number(m.accuracy()));
            mo.add("precision", number(report.averaging().precision(m)));
            mo.add("recall", number(report.averaging().recall(m)));
            mo.add("f1", number(report.averaging().f1(m)));
            mo.add("auroc", number(m.auroc()));
            mo.add("macro", prf(m.macroPrecision(), m.macroRecall(), m.macroF1()));
            mo.add("weighted", prf(m.weightedPrecision(), m.weightedRecall(), m.weightedF1()));
            JsonArray per = new JsonArray();
            double[] auroc = m.aurocPerClass();
            for (int c = 0; c < m.numClasses(); c++) {
                JsonObject pc = new JsonObject();
                pc.addProperty("class", c);
                pc.addProperty("name", report.dataset().className(c));
                pc.add("precision", number(m.precision(c)));
                pc.add("recall", number(m.recall(c)));
                pc.add("f1", number(m.f1(c)));
                pc.addProperty("support", m.support(c));
                pc.add("auroc", number(auroc[c]));
                per.add(pc);
            }
            mo.add("per_class", per);
            JsonArray cm = new JsonArray();
            for (long[] line : m.confusionMatrix().toArray()) {
                JsonArray a = new JsonArray();
                for (long v : line) {
                    a.add(v);
                }
                cm.add(a);
            }
            mo.add("confusion_matrix", cm);
            o.add("metrics", mo);
        }
        JsonObject ns = new JsonObject();
        JsonObject ms = new JsonObject();
        JsonObject laps = new JsonObject();
        r.times().nanos().forEach((k, v) -> {
            ns.addProperty(k, v);
            ms.addProperty(k, v / 1e6);
            laps.addProperty(k, r.times().laps().get(k));
        });
        o.add("times_ns", ns);
        o.add("times_ms", ms);
        o.add("laps", laps);
        if (r.bytes() == null) {
            o.add("bytes", JsonNull.INSTANCE);
        } else {
            JsonObject b = new JsonObject();
            b.addProperty("up", r.bytes().up());
            b.addProperty("down", r.bytes().down());
            o.add("bytes", b);
        }
        JsonObject extras = new JsonObject();
        r.extras().forEach((k, v) -> extras.add(k, extraValue(v)));
        o.add("extras", extras);
        JsonArray roc = new JsonArray();
        r.rocCurves().forEach((c, curve) -> {
            RocCurve thin = curve.thinned(ROC_POINTS);
            JsonObject co = new JsonObject();
            co.addProperty("class", c);
            co.addProperty("name", report.dataset().className(c));
            co.add("fpr", numbers(thin.falsePositiveRates()));
            co.add("tpr", numbers(thin.truePositiveRates()));
            roc.add(co);
        });
        o.add("roc", roc);
        return o;
    }

    private static JsonObject prf(double p, double r, double f) {
        JsonObject o = new JsonObject();
        o.add("precision", number(p));
        o.add("recall", number(r));
        o.add("f1", number(f));
        return o;
    }

    private static JsonElement number(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
    }

    private static JsonArray numbers(double[] vs) {
        JsonArray a = new JsonArray();
        for (double v : vs) {
            a.add(number(v));
        }
        return a;
    }

    private static JsonArray numbers(List<Double> vs) {
        JsonArray a = new JsonArray();
        for (double v : vs) {
            a.add(number(v));
        }
        return a;
    }

    private static JsonElement extraValue(Object v) {
        if (v instanceof Boolean b) {
            return new JsonPrimitive(b);
        }
        if (v instanceof Number n) {
            if (n instanceof Double || n instanceof Float) {
                return number(n.doubleValue());
            }
            return new JsonPrimitive(n);
        }
        return new JsonPrimitive(v.toString());
    }

    // ---- reading back ----

    /**
     * Parses a report written by {@link #render}.
     *
     * @throws IllegalArgumentException naming the field when the JSON is malformed, of another
     *     schema, or inconsistent (e.g. a non-square confusion matrix)
     */
    public static Report read(String json) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException("report JSON must be an object, got " + kind(e));
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("report JSON does not parse: " + e.getMessage(), e);
        }
        try {
            String schema = string(o, "schema");
            if (!SCHEMA.equals(schema)) {
                throw new IllegalArgumentException("report JSON has schema '" + schema + "', expected '" + SCHEMA + "'");
            }
            JsonObject ds = object(o, "dataset");
            List<String> classNames = new ArrayList<>();
            for (JsonElement n : array(ds, "class_names")) {
                classNames.add(n.getAsString());
            }
            DatasetInfo dataset = new DatasetInfo(string(ds, "name"), string(ds, "split"),
                    ds.get("samples").getAsLong(), classNames, string(ds, "note"));
            Report.Builder b = Report.builder(string(o, "title")).dataset(dataset)
                    .averaging(Averaging.valueOf(string(o, "averaging").toUpperCase(Locale.ROOT)));
            for (Map.Entry<String, JsonElement> e : object(o, "context").entrySet()) {
                b.context(e.getKey(), e.getValue().getAsString());
            }
            for (JsonElement re : array(o, "rows")) {
                b.row(readRow(re.getAsJsonObject()));
            }
            for (JsonElement se : array(o, "series")) {
                JsonObject so = se.getAsJsonObject();
                b.series(new Series(string(so, "setting"), string(so, "metric"), string(so, "x_label"),
                        doubles(array(so, "x")), doubles(array(so, "y"))));
            }
            return b.build();
        } catch (IllegalStateException | ClassCastException | NullPointerException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("report JSON has a field of the wrong type or a missing field: " + e, e);
        }
    }

    private static ReportRow readRow(JsonObject o) {
        String label = string(o, "label");
        ReportRow.Builder b = ReportRow.builder(label);
        JsonElement me = o.get("metrics");
        if (me != null && !me.isJsonNull()) {
            JsonObject mo = me.getAsJsonObject();
            JsonArray cmJson = array(mo, "confusion_matrix");
            long[][] counts = new long[cmJson.size()][];
            for (int r = 0; r < counts.length; r++) {
                JsonArray line = cmJson.get(r).getAsJsonArray();
                counts[r] = new long[line.size()];
                for (int c = 0; c < line.size(); c++) {
                    counts[r][c] = line.get(c).getAsLong();
                }
            }
            JsonArray per = array(mo, "per_class");
            double[] perAuroc = new double[per.size()];
            for (int c = 0; c < perAuroc.length; c++) {
                perAuroc[c] = nullableDouble(per.get(c).getAsJsonObject().get("auroc"));
            }
            b.metrics(ClassificationMetrics.fromConfusion(ConfusionMatrix.fromCounts(counts),
                    nullableDouble(mo.get("auroc")), perAuroc));
        }
        Map<String, Long> ns = new LinkedHashMap<>();
        Map<String, Long> laps = new LinkedHashMap<>();
        object(o, "times_ns").entrySet().forEach(e -> ns.put(e.getKey(), e.getValue().getAsLong()));
        object(o, "laps").entrySet().forEach(e -> laps.put(e.getKey(), e.getValue().getAsLong()));
        b.times(new PhaseTimes(ns, laps));
        JsonElement be = o.get("bytes");
        if (be != null && !be.isJsonNull()) {
            JsonObject bo = be.getAsJsonObject();
            b.bytes(new ByteCounts(bo.get("up").getAsLong(), bo.get("down").getAsLong()));
        }
        for (Map.Entry<String, JsonElement> e : object(o, "extras").entrySet()) {
            b.extra(e.getKey(), readExtra(e.getValue()));
        }
        for (JsonElement ce : array(o, "roc")) {
            JsonObject co = ce.getAsJsonObject();
            double[] fpr = doubleArray(array(co, "fpr"));
            double[] tpr = doubleArray(array(co, "tpr"));
            double[] th = new double[fpr.length];
            java.util.Arrays.fill(th, Double.NaN); // thresholds are not stored
            b.rocCurve(co.get("class").getAsInt(), RocCurve.fromPoints(fpr, tpr, th));
        }
        return b.build();
    }

    private static Object readExtra(JsonElement v) {
        if (v.isJsonNull()) {
            return Double.NaN;
        }
        JsonPrimitive p = v.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isNumber()) {
            String text = p.getAsString();
            boolean integral = !(text.contains(".") || text.contains("e") || text.contains("E"));
            return integral ? (Object) p.getAsLong() : (Object) p.getAsDouble();
        }
        return p.getAsString();
    }

    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive()) {
            throw new IllegalArgumentException("report JSON: field '" + field + "' is missing or not a string");
        }
        return e.getAsString();
    }

    private static JsonObject object(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonObject()) {
            throw new IllegalArgumentException("report JSON: field '" + field + "' is missing or not an object");
        }
        return e.getAsJsonObject();
    }

    private static JsonArray array(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonArray()) {
            throw new IllegalArgumentException("report JSON: field '" + field + "' is missing or not an array");
        }
        return e.getAsJsonArray();
    }

    private static double nullableDouble(JsonElement e) {
        return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }

    private static List<Double> doubles(JsonArray a) {
        List<Double> out = new ArrayList<>(a.size());
        for (JsonElement e : a) {
            out.add(nullableDouble(e));
        }
        return out;
    }

    private static double[] doubleArray(JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = nullableDouble(a.get(i));
        }
        return out;
    }

    private static String kind(JsonElement e) {
        return e.isJsonArray() ? "an array" : e.isJsonNull() ? "null" : "a primitive";
    }
}
