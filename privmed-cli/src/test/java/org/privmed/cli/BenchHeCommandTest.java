package org.privmed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.privmed.bench.he.BfvOpsBenchmark;
import org.privmed.bench.he.HeOpsBenchmark;
import picocli.CommandLine;

/** Runs the real benchmark command end to end (one repetition, preset A) and checks its output. */
class BenchHeCommandTest {

  private static String runCapturingStdout(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      int code = new CommandLine(new PrivMed()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
      assertEquals(0, code, "exit code of privmed " + String.join(" ", args));
    } finally {
      System.setOut(saved);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void jsonHasEveryOpOnceWithPositiveTimesAndSealSizedObjects() {
    String out = runCapturingStdout("bench", "he", "--json", "--set", "A", "--reps", "1",
        "--warmup-ms", "0");
    JsonObject root = JsonParser.parseString(out).getAsJsonObject();
    assertEquals(1, root.get("threads").getAsInt());
    assertEquals(8192, root.getAsJsonObject("params").getAsJsonObject("A").get("n").getAsInt());

    JsonArray ops = root.getAsJsonArray("ops");
    Set<String> names = new HashSet<>();
    for (JsonElement e : ops) {
      JsonObject op = e.getAsJsonObject();
      assertTrue(names.add(op.get("op").getAsString()), "duplicate op " + op);
      assertEquals(8192, op.get("n").getAsInt());
      assertTrue(op.get("median_ms").getAsDouble() > 0, "non-positive median in " + op);
      assertTrue(op.get("min_ms").getAsDouble() <= op.get("median_ms").getAsDouble(), op.toString());
      assertEquals(1, op.get("reps").getAsInt());
    }
    assertEquals(Set.copyOf(HeOpsBenchmark.OPS), names);

    JsonObject sizes = root.getAsJsonObject("sizes").getAsJsonObject("A");
    long ct = sizes.get("ciphertext_bytes").getAsLong();
    long seeded = sizes.get("ciphertext_seeded_bytes").getAsLong();
    // SEAL's sizes for this parameter set are the ceiling the issue sets.
    assertTrue(ct > 0 && ct <= 393_329, "ciphertext bytes " + ct);
    assertTrue(seeded > 0 && seeded <= 196_802 && seeded < ct, "seeded ciphertext bytes " + seeded);
    assertTrue(sizes.get("relin_key_bytes").getAsLong() > ct, sizes.toString());
  }

  @Test
  void bfvJsonHasEveryOpWithSealRatiosOnlyWhereSealWasMeasured() {
    String out = runCapturingStdout("bench", "he", "--scheme", "bfv", "--json", "--reps", "1",
        "--warmup-ms", "0");
    JsonObject root = JsonParser.parseString(out).getAsJsonObject();
    JsonObject params = root.getAsJsonObject("params").getAsJsonObject(BfvOpsBenchmark.SET_NAME);
    assertEquals("bfv", params.get("scheme").getAsString());
    assertEquals(8192, params.get("n").getAsInt());
    assertEquals(1032193L, params.get("plain_modulus").getAsLong());
    Set<String> names = new HashSet<>();
    Set<String> withSeal = new HashSet<>();
    for (JsonElement e : root.getAsJsonArray("ops")) {
      JsonObject op = e.getAsJsonObject();
      assertTrue(names.add(op.get("op").getAsString()), "duplicate op " + op);
      assertTrue(op.get("median_ms").getAsDouble() > 0, "non-positive median in " + op);
      if (!op.get("ratio").isJsonNull()) {
        withSeal.add(op.get("op").getAsString());
        assertEquals(op.get("median_ms").getAsDouble() / op.get("seal_median_ms").getAsDouble(),
            op.get("ratio").getAsDouble(), 1e-3);
      }
    }
    assertEquals(Set.copyOf(BfvOpsBenchmark.OPS), names);
    assertEquals(Set.of("encrypt_pk", "multiply_relinearize", "rotate_rows"), withSeal);
    JsonObject sizes = root.getAsJsonObject("sizes").getAsJsonObject(BfvOpsBenchmark.SET_NAME);
    assertTrue(sizes.get("ciphertext_seeded_bytes").getAsLong()
        < sizes.get("ciphertext_bytes").getAsLong(), sizes.toString());
    JsonObject budget = root.getAsJsonObject("noise_budget_bits")
        .getAsJsonObject(BfvOpsBenchmark.SET_NAME);
    assertTrue(budget.get("fresh").getAsLong() > budget.get("after_multiply_relinearize").getAsLong(),
        budget.toString());
  }

  @Test
  void helpListsTheCommands() {
    String out = runCapturingStdout("--help");
    for (String command : new String[] {"bench", "train", "evaluate", "data"}) {
      assertTrue(out.contains(command), "--help does not list " + command + ":\n" + out);
    }
  }
}
