package org.privmed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code privmed report infer}: a model the compiler refuses is named with its reason while the
 * other models' reports are still written.
 */
class ReportInferCommandTest {

  @TempDir Path reports;

  @Test
  void aRefusedModelIsNamedAndTheOthersAreStillReported() {
    CliRun.Result r = CliRun.run("report", "infer",
        "--models", CliRun.shippedModel("polycnn-breastmnist.pm") + ","
            + CliRun.shippedModel("tenseal-breastmnist.pm"),
        "--limit", "16", "--latency-limit", "1", "--reports", reports.toString());
    int code = r.code();
    String text = r.text();
    // a model the user named that cannot be reported fails the command
    assertEquals(2, code, text);
    assertTrue(text.contains("1 of 2 models not reported"), text);
    assertTrue(text.contains("polycnn-breastmnist.pm: layer"), text);
    assertTrue(text.contains("dense-lowering limit"), text);
    assertTrue(Files.isRegularFile(reports.resolve("infer-tenseal-breastmnist.md")), text);
    assertTrue(Files.isRegularFile(reports.resolve("infer-tenseal-breastmnist.json")), text);
  }
}
