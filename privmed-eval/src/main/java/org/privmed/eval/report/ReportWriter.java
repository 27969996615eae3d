package org.privmed.eval.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a report in every format: {@code <baseName>.md}, {@code <baseName>.json} and the PNG
 * charts of {@link ChartWriter}. Existing files of the same names are replaced.
 */
public final class ReportWriter {
    private ReportWriter() {}

    /**
     * Writes the Markdown, JSON and PNG forms of {@code report} into {@code dir} (created if needed).
     *
     * @param baseName file name stem without directory or extension, e.g. "infer-pneumoniamnist"
     * @return the written files: Markdown first, then JSON, then the charts
     */
    public static List<Path> write(Report report, Path dir, String baseName) throws IOException {
        if (report == null || dir == null) {
            throw new IllegalArgumentException("report and dir must not be null");
        }
        checkBaseName(baseName);
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Path md = dir.resolve(baseName + ".md");
        Files.writeString(md, MarkdownReport.render(report), StandardCharsets.UTF_8);
        written.add(md);
        Path json = dir.resolve(baseName + ".json");
        Files.writeString(json, JsonReport.render(report), StandardCharsets.UTF_8);
        written.add(json);
        written.addAll(ChartWriter.write(report, dir, baseName));
        return written;
    }

    static void checkBaseName(String baseName) {
        if (baseName == null || baseName.isBlank() || !baseName.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("baseName must be a plain file stem (letters, digits, '.', '_', '-'),"
                    + " got " + (baseName == null ? "null" : "'" + baseName + "'"));
        }
    }
}
