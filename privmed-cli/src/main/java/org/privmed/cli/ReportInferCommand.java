package org.privmed.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.privmed.data.Split;
import org.privmed.eval.report.ConsoleTable;
import org.privmed.eval.report.Report;
import org.privmed.eval.report.ReportRow;
import org.privmed.eval.report.ReportWriter;
import org.privmed.infer.compile.Packing;
import org.privmed.infer.demo.EncryptedDiagnosisDemo;
import org.privmed.nn.io.ModelFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code privmed report infer}: for every shipped HE-friendly model, the encrypted-diagnosis run
 * in both packings beside plaintext, one common-table report per data set under {@code reports/}.
 * Throughput packing classifies the whole test split; latency packing (one request per image) the
 * first {@code --latency-limit} images, with a plaintext row on the same images for comparison.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write evaluation reports.", subcommands = {ReportInferCommand.Infer.class})
final class ReportInferCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "infer", mixinStandardHelpOptions = true,
      description = "Encrypted vs plaintext diagnosis, both packings, for each model (default: every"
          + " models/*.pm trained on a shipped data set).")
  static final class Infer implements Callable<Integer> {

    @Option(names = "--models", split = ",", description = "Model files (default: models/*.pm).")
    List<Path> models = new ArrayList<>();

    @Option(names = "--latency-limit", defaultValue = "8",
        description = "Images in the latency-packing run (default: ${DEFAULT-VALUE}).")
    int latencyLimit;

    @Option(names = "--limit", defaultValue = "0",
        description = "Images in the throughput run (0 = whole test split).")
    int limit;

    @Option(names = "--he-threads", defaultValue = "1",
        description = "Threads inside HE operations (default: ${DEFAULT-VALUE}).")
    int heThreads;

    @Option(names = "--reports", defaultValue = "reports",
        description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path reports;

    @Override
    public Integer call() throws Exception {
      List<Path> todo = models.isEmpty() ? shippedModels() : models;
      if (todo.isEmpty()) {
        System.err.println("privmed report infer: no models given and none under models/");
        return 2;
      }
      Path scratch = Files.createTempDirectory("privmed-report-infer");
      // A model the compiler refuses (too large a layer, a ReLU) must not cost the user the
      // reports of every other model: it is named with the reason and the rest go on.
      List<String> refused = new ArrayList<>();
      PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
      for (Path model : todo) {
        String data = ModelFile.read(model).metadata().getOrDefault("train.data", "")
            .replaceFirst("[/\\[].*$", "");
        if (data.isEmpty()) {
          System.err.println("privmed report infer: " + model + " names no training data; skipped");
          continue;
        }
        System.out.printf(Locale.ROOT, "%s on %s: throughput packing…%n", model, data);
        EncryptedDiagnosisDemo.Result thr;
        EncryptedDiagnosisDemo.Result lat;
        try {
          thr = EncryptedDiagnosisDemo.run(new EncryptedDiagnosisDemo.Options(model, data, Split.TEST,
              limit, Packing.THROUGHPUT, heThreads, scratch, quiet));
          System.out.printf(Locale.ROOT, "%s on %s: latency packing on %d images…%n", model, data,
              latencyLimit);
          lat = EncryptedDiagnosisDemo.run(new EncryptedDiagnosisDemo.Options(model, data, Split.TEST,
              latencyLimit, Packing.LATENCY, heThreads, scratch, quiet));
        } catch (java.io.IOException | RuntimeException e) {
          System.err.println("privmed report infer: " + model + ": " + e.getMessage());
          refused.add(model + ": " + e.getMessage());
          continue;
        }
        String suffix = " (first " + lat.report().dataset().samples() + ")";
        Report.Builder b = Report.builder("Encrypted diagnosis: " + thr.report().title()
                .replaceFirst("^Encrypted diagnosis: ", ""))
            .dataset(thr.report().dataset());
        for (ReportRow r : thr.report().rows()) {
          b.row(r);
        }
        for (ReportRow r : lat.report().rows()) {
          b.row(relabel(r, r.label() + suffix));
        }
        thr.report().context().forEach((k, v) -> {
          if (!k.equals("command") && !k.equals("wall time")) {
            b.context(k, v);
          }
        });
        b.context("latency run", "first " + lat.report().dataset().samples() + " test images, one request each");
        b.context("command", "privmed report infer --models " + model + " --latency-limit " + latencyLimit
            + (limit > 0 ? " --limit " + limit : ""));
        Report report = b.build();
        System.out.println(ConsoleTable.render(report));
        List<Path> files = ReportWriter.write(report, reports, "infer-" + stem(model));
        System.out.println("report: " + files.get(0) + " (+ " + (files.size() - 1) + " more files)");
      }
      if (refused.isEmpty()) {
        return 0;
      }
      System.err.printf(Locale.ROOT, "privmed report infer: %d of %d models not reported:%n",
          refused.size(), todo.size());
      refused.forEach(r -> System.err.println("  " + r));
      // Named models are the user's request, so any refusal fails the command; for the default
      // scan of models/, models that are not HE-compilable are expected and only reported.
      return models.isEmpty() && refused.size() < todo.size() ? 0 : 2;
    }

    private static ReportRow relabel(ReportRow r, String label) {
      return new ReportRow(label, r.metrics(), r.times(), r.bytes(), r.extras(), r.rocCurves());
    }

    private static List<Path> shippedModels() throws java.io.IOException {
      Path dir = Path.of("models");
      String home = System.getProperty("privmed.home");
      if (!Files.isDirectory(dir) && home != null) {
        dir = Path.of(home).resolve("models");
      }
      if (!Files.isDirectory(dir)) {
        return List.of();
      }
      try (Stream<Path> s = Files.list(dir)) {
        return s.filter(p -> p.getFileName().toString().endsWith(".pm")).sorted().toList();
      }
    }

    private static String stem(Path p) {
      String s = p.getFileName().toString().replaceFirst("\\.pm$", "").replaceAll("[^A-Za-z0-9._-]", "_");
      return s.isEmpty() ? "x" : s;
    }
  }
}
