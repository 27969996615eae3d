/**
 * The common report every PrivMed technique writes: a {@link org.privmed.eval.report.Report} of
 * rows (one technique or setting each, with metrics, phase times, bytes and extra figures) and
 * optional per-round series, rendered as a Markdown table, JSON, PNG charts and a fixed-width
 * console table by {@link org.privmed.eval.report.ReportWriter} and its parts.
 */
package org.privmed.eval.report;
