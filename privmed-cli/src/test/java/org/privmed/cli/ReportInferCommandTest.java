package org.privmed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code privmed report infer}: a model the compiler refuses is named with its reason while the
 * other models' reports are still written.
 */
class ReportInferCommandTest {

  @TempDir Path reports;

  private static Path shipped(String name) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path f = dir.resolve("models").resolve(name);
      if (Files.isRegularFile(f)) {
        return f;
      }
    }
    throw new IllegalStateException("models/" + name + " not found");
  }

  @Test
  void aRefusedModelIsNamedAndTheOthersAreStillReported() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code;
    try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      System.setErr(capture);
      code = new CommandLine(new PrivMed()).execute("report", "infer",
          "--models", shipped("polycnn-breastmnist.pm") + "," + shipped("tenseal-breastmnist.pm"),
          "--limit", "16", "--latency-limit", "1", "--reports", reports.toString());
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    String text = buffer.toString(StandardCharsets.UTF_8);
    // a model the user named that cannot be reported fails the command
    assertEquals(2, code, text);
    assertTrue(text.contains("1 of 2 models not reported"), text);
    assertTrue(text.contains("polycnn-breastmnist.pm: layer"), text);
    assertTrue(text.contains("dense-lowering limit"), text);
    assertTrue(Files.isRegularFile(reports.resolve("infer-tenseal-breastmnist.md")), text);
    assertTrue(Files.isRegularFile(reports.resolve("infer-tenseal-breastmnist.json")), text);
  }
}
