package org.privmed.eval.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** How figures print in tables: one place so Markdown and console agree. */
final class Cells {
    static final String MISSING = "—";
    static final String UNDEFINED = "n/a";

    private Cells() {}

    /** A metric in [0, 1] to four decimals; NaN (undefined) prints as "n/a". */
    static String metric(double v) {
        return Double.isNaN(v) ? UNDEFINED : String.format(Locale.ROOT, "%.4f", v);
    }

    /** A duration with a unit chosen for readability; NaN (not measured) prints as "—". */
    static String millis(double ms) {
        if (Double.isNaN(ms)) {
            return MISSING;
        }
        if (ms < 1) {
            return String.format(Locale.ROOT, "%.3f ms", ms);
        }
        if (ms < 1_000) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        if (ms < 600_000) {
            return String.format(Locale.ROOT, "%.2f s", ms / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f min", ms / 6e4);
    }

    /** Byte count in binary units (KiB = 1024 B) so it is never confused with decimal kB. */
    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        if (b < 1024L * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        if (b < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    }

    /** An extra figure: integers as they are, other numbers to six significant digits. */
    static String extra(Object v) {
        if (v == null) {
            return MISSING;
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) {
                return UNDEFINED;
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "∞" : "-∞";
            }
            return new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toPlainString();
        }
        return v.toString();
    }

    /** Markdown cell text: pipes and newlines would break the table. */
    static String markdown(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
