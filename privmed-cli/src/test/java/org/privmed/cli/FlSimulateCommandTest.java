package org.privmed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code privmed fl simulate} end to end on a small subset and checks its JSON line and files. */
class FlSimulateCommandTest {

  @Test
  void simulateWithDpAndSecAggEndsWithTheJsonLine(@TempDir Path dir) throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code;
    try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      code = new CommandLine(new PrivMed()).setCaseInsensitiveEnumValuesAllowed(true).execute("fl", "simulate",
          "--clients", "3", "--rounds", "2", "--data", "pneumoniamnist", "--model", "tenseal-mnist",
          "--train-limit", "180", "--batch-size", "16", "--dp", "central", "--clip", "1",
          "--target-epsilon", "8", "--delta", "1e-4", "--secagg", "--json",
          "--reports", dir.resolve("reports").toString(), "--checkpoint", dir.resolve("ckpt").toString());
    } finally {
      System.setOut(saved);
    }
    String out = buffer.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    String[] lines = out.strip().split("\\R");
    JsonObject o = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
    for (String k : new String[] {"clients", "rounds", "dp", "secagg", "epsilon", "delta", "accuracy", "auroc",
        "round_ms_median", "bytes_per_client"}) {
      assertTrue(o.has(k), "JSON line lacks " + k + ": " + o);
    }
    assertEquals(3, o.get("clients").getAsInt());
    assertEquals(2, o.get("rounds").getAsInt());
    assertEquals("central", o.get("dp").getAsString());
    assertTrue(o.get("secagg").getAsBoolean());
    double eps = o.get("epsilon").getAsDouble();
    assertTrue(eps > 0 && eps <= 8.0, "epsilon " + eps);
    assertTrue(out.contains("round 2/2 | clients 3 sampled, 3 finished, 0 dropped"), out);
    assertTrue(Files.isRegularFile(dir.resolve("ckpt").resolve("state.json")));
    try (var files = Files.list(dir.resolve("reports"))) {
      assertTrue(files.anyMatch(p -> p.toString().endsWith("series-epsilon.png")));
    }
  }
}
