package org.privmed.eval.report;

import java.util.ArrayList;
import java.util.List;

/** Renders a header and rows of cells as a fixed-width text table or a Markdown table. */
public final class TextTable {
    private TextTable() {}

    /**
     * A fixed-width table for terminals: columns padded to their widest cell, numeric-looking
     * cells right-aligned, a dashed rule under the header.
     *
     * @throws IllegalArgumentException if a row has a different number of cells than the header
     */
    public static String fixedWidth(List<String> headers, List<List<String>> rows) {
        checkShape(headers, rows);
        int cols = headers.size();
        int[] width = new int[cols];
        boolean[] right = new boolean[cols];
        for (int c = 0; c < cols; c++) {
            width[c] = headers.get(c).length();
            right[c] = c > 0;
        }
        for (List<String> row : rows) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], row.get(c).length());
                if (!looksNumeric(row.get(c))) {
                    right[c] = false;
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, width, right);
        List<String> rule = new ArrayList<>();
        for (int c = 0; c < cols; c++) {
            rule.add("-".repeat(width[c]));
        }
        line(sb, rule, width, right);
        for (List<String> row : rows) {
            line(sb, row, width, right);
        }
        return sb.toString();
    }

    /** A GitHub-flavoured Markdown table; cells are escaped, numeric columns right-aligned. */
    public static String markdown(List<String> headers, List<List<String>> rows) {
        checkShape(headers, rows);
        int cols = headers.size();
        boolean[] right = new boolean[cols];
        for (int c = 0; c < cols; c++) {
            right[c] = c > 0;
            for (List<String> row : rows) {
                if (!looksNumeric(row.get(c))) {
                    right[c] = false;
                }
            }
        }
        StringBuilder sb = new StringBuilder("|");
        for (String h : headers) {
            sb.append(' ').append(Cells.markdown(h)).append(" |");
        }
        sb.append("\n|");
        for (int c = 0; c < cols; c++) {
            sb.append(right[c] ? "---:|" : "---|");
        }
        sb.append('\n');
        for (List<String> row : rows) {
            sb.append('|');
            for (String cell : row) {
                sb.append(' ').append(Cells.markdown(cell)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width, boolean[] right) {
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                sb.append("  ");
            }
            String s = cells.get(c);
            String pad = " ".repeat(width[c] - s.length());
            sb.append(right[c] ? pad + s : (c == cells.size() - 1 ? s : s + pad));
        }
        sb.append('\n');
    }

    /** Figures, possibly with a unit, and the markers for missing or undefined values. */
    static boolean looksNumeric(String s) {
        return s.equals(Cells.MISSING) || s.equals(Cells.UNDEFINED)
                || s.matches("[-+]?[0-9][0-9.,eE+-]*( ?[a-zA-Z%]+)?") || s.equals("∞");
    }

    private static void checkShape(List<String> headers, List<List<String>> rows) {
        if (headers == null || headers.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one header");
        }
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).size() != headers.size()) {
                throw new IllegalArgumentException("row " + r + " has " + rows.get(r).size() + " cells but there are "
                        + headers.size() + " headers");
            }
        }
    }
}
