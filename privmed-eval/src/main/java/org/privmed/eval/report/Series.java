package org.privmed.eval.report;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of a per-step chart, e.g. validation accuracy per round for the setting "DP + SecAgg+".
 * Series with the same {@code metric} are drawn in one chart, one line per setting.
 *
 * @param setting the row label or setting the line belongs to
 * @param metric what y measures, e.g. "accuracy" or "epsilon"
 * @param xLabel what x counts, e.g. "round" or "epoch"
 * @param x strictly increasing finite positions
 * @param y finite values, one per x
 */
public record Series(String setting, String metric, String xLabel, List<Double> x, List<Double> y) {
    public Series {
        requireText(setting, "setting");
        requireText(metric, "metric");
        requireText(xLabel, "xLabel");
        if (x == null || y == null) {
            throw new IllegalArgumentException("series '" + metric + "' of '" + setting + "': x and y must not be null");
        }
        x = List.copyOf(x);
        y = List.copyOf(y);
        if (x.size() != y.size()) {
            throw new IllegalArgumentException("series '" + metric + "' of '" + setting + "' has " + x.size()
                    + " x values but " + y.size() + " y values");
        }
        for (int i = 0; i < x.size(); i++) {
            if (!Double.isFinite(x.get(i)) || !Double.isFinite(y.get(i))) {
                throw new IllegalArgumentException("series '" + metric + "' of '" + setting + "' point " + i
                        + " = (" + x.get(i) + ", " + y.get(i) + ") is not finite");
            }
            if (i > 0 && x.get(i) <= x.get(i - 1)) {
                throw new IllegalArgumentException("series '" + metric + "' of '" + setting + "': x[" + i + "] = "
                        + x.get(i) + " does not increase from x[" + (i - 1) + "] = " + x.get(i - 1));
            }
        }
    }

    private static void requireText(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("series " + what + " must be non-blank, got "
                    + (s == null ? "null" : "'" + s + "'"));
        }
    }

    public static Series of(String setting, String metric, String xLabel, double[] x, double[] y) {
        if (x == null || y == null) {
            throw new IllegalArgumentException("series '" + metric + "': x and y must not be null");
        }
        List<Double> xs = new ArrayList<>(x.length);
        List<Double> ys = new ArrayList<>(y.length);
        for (double v : x) {
            xs.add(v);
        }
        for (double v : y) {
            ys.add(v);
        }
        return new Series(setting, metric, xLabel, xs, ys);
    }

    /** Collects points one step at a time, e.g. once per federated round. Not thread-safe. */
    public static Builder builder(String setting, String metric, String xLabel) {
        return new Builder(setting, metric, xLabel);
    }

    public int size() {
        return x.size();
    }

    public static final class Builder {
        private final String setting;
        private final String metric;
        private final String xLabel;
        private final List<Double> x = new ArrayList<>();
        private final List<Double> y = new ArrayList<>();

        private Builder(String setting, String metric, String xLabel) {
            this.setting = setting;
            this.metric = metric;
            this.xLabel = xLabel;
        }

        public Builder add(double xValue, double yValue) {
            x.add(xValue);
            y.add(yValue);
            return this;
        }

        public Series build() {
            return new Series(setting, metric, xLabel, x, y);
        }
    }
}
