package org.privmed.encode.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.privmed.data.ImageDataset;
import org.privmed.eval.metrics.ClassificationMetrics;
import org.privmed.eval.metrics.FoldSummary;
import org.privmed.eval.metrics.Spread;
import org.privmed.eval.report.DatasetInfo;
import org.privmed.eval.report.Report;
import org.privmed.eval.report.ReportRow;
import org.privmed.eval.report.Series;

/**
 * Puts {@link EncodingComparison} runs into the common metrics harness (one row per setting and
 * seed with its test scores and ROC curve, one summary row per setting, validation AUROC per
 * epoch as series) and into a compact Markdown table of mean ± sd per setting.
 */
public final class ComparisonReport {
  private ComparisonReport() {}

  /** How far below the control's mean AUROC an encoded setting may fall (issue 7's goal). */
  public static final double GOAL = 0.03;

  /** Mean, spread and per-seed test AUROCs of one setting. */
  public record Summary(String setting, int hospitals, Spread auroc, Spread accuracy,
      List<Double> perSeed) {
    public Summary {
      perSeed = List.copyOf(perSeed);
    }
  }

  /** Settings in first-seen order. */
  public static List<Summary> summarise(List<EncodingComparison.Run> runs) {
    Map<String, List<EncodingComparison.Run>> by = bySetting(runs);
    List<Summary> out = new ArrayList<>();
    for (List<EncodingComparison.Run> rs : by.values()) {
      double[] au = rs.stream().mapToDouble(r -> r.result().testAuroc()).toArray();
      double[] acc = rs.stream().mapToDouble(r -> r.result().testAccuracy()).toArray();
      List<Double> per = new ArrayList<>();
      for (double v : au) {
        per.add(v);
      }
      out.add(new Summary(rs.get(0).setting(), rs.get(0).hospitals(), Spread.of(au),
          Spread.of(acc), per));
    }
    return out;
  }

  /** The report of one dataset's runs, scored on {@code test}. */
  public static Report report(ImageDataset test, List<EncodingComparison.Run> runs,
      Map<String, String> context) {
    Report.Builder b = Report.builder("Training on NeuraCrypt encodings vs plaintext patches, "
        + test.name())
        .dataset(new DatasetInfo(test.name(), "test", test.size(), test.classNames(),
            "patch-set transformer; AUROC of class " + test.classNames().get(
                test.classNames().size() == 2 ? 1 : 0) + (test.classNames().size() == 2 ? ""
                : " (macro one-vs-rest)")));
    context.forEach(b::context);
    double control = Double.NaN;
    for (Summary s : summarise(runs)) {
      if (s.hospitals() == 0) {
        control = s.auroc().mean();
      }
    }
    for (Map.Entry<String, List<EncodingComparison.Run>> e : bySetting(runs).entrySet()) {
      List<ClassificationMetrics> perSeed = new ArrayList<>();
      for (EncodingComparison.Run r : e.getValue()) {
        String label = r.setting() + ", seed " + r.seed();
        ReportRow.Builder row = ReportRow.builder(label)
            .scores(test.labels(), r.result().testScores())
            .extra("seed", r.seed())
            .extra("best epoch", r.result().bestEpoch())
            .extra("seconds", r.seconds());
        if (!r.keyFingerprints().isEmpty()) {
          row.extra("keys", String.join(" ", r.keyFingerprints()));
        }
        ReportRow built = row.build();
        perSeed.add(built.metrics());
        b.row(built);
        Series.Builder val = Series.builder(label, "validation AUROC", "epoch");
        for (PatchSetResult.Epoch ep : r.result().epochs()) {
          if (Double.isFinite(ep.validationAuroc())) {
            val.add(ep.epoch(), ep.validationAuroc());
          }
        }
        b.series(val.build());
      }
      FoldSummary f = FoldSummary.of(perSeed);
      ReportRow.Builder mean = ReportRow.builder(e.getKey() + ", mean of " + perSeed.size()
          + " seeds")
          .metrics(f.pooled())
          .extra("seeds", perSeed.size())
          .extra("AUROC sd", f.auroc().std())
          .extra("accuracy sd", f.accuracy().std());
      if (Double.isFinite(control) && e.getValue().get(0).hospitals() > 0) {
        mean.extra("AUROC minus plaintext", f.auroc().mean() - control);
      }
      b.row(mean.build());
    }
    return b.build();
  }

  /**
   * Markdown rows {@code | data | setting | AUROC mean ± sd | per seed | Δ vs plaintext | goal |},
   * header included, for docs/results.md.
   */
  public static String markdown(String dataset, List<Summary> summaries, String command) {
    StringBuilder sb = new StringBuilder();
    sb.append("| data | setting | test AUROC, mean ± sd | per seed | vs plaintext | within ")
        .append(GOAL).append(" |\n|---|---|---:|---|---:|:---:|\n");
    double control = summaries.stream().filter(s -> s.hospitals() == 0)
        .mapToDouble(s -> s.auroc().mean()).findFirst().orElse(Double.NaN);
    for (Summary s : summaries) {
      StringBuilder per = new StringBuilder();
      for (double v : s.perSeed()) {
        per.append(per.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", v));
      }
      String delta = s.hospitals() == 0 || Double.isNaN(control) ? "—"
          : String.format(Locale.ROOT, "%+.3f", s.auroc().mean() - control);
      String goal = s.hospitals() == 0 || Double.isNaN(control) ? "—"
          : s.auroc().mean() >= control - GOAL ? "yes" : "no";
      sb.append(String.format(Locale.ROOT, "| %s | %s | %.3f ± %.3f | %s | %s | %s |%n", dataset,
          s.setting(), s.auroc().mean(), s.auroc().std(), per, delta, goal));
    }
    if (command != null) {
      sb.append("\n`").append(command).append("`\n");
    }
    return sb.toString();
  }

  private static Map<String, List<EncodingComparison.Run>> bySetting(
      List<EncodingComparison.Run> runs) {
    Map<String, List<EncodingComparison.Run>> by = new LinkedHashMap<>();
    for (EncodingComparison.Run r : runs) {
      by.computeIfAbsent(r.setting(), k -> new ArrayList<>()).add(r);
    }
    return by;
  }
}
