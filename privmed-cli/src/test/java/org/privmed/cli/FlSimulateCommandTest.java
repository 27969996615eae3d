package org.privmed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.fl.dp.accountant.MechanismSteps;
import org.privmed.fl.dp.accountant.RdpAccountant;

/** Runs {@code privmed fl simulate} end to end on a small subset and checks its JSON line and files. */
class FlSimulateCommandTest {

  @Test
  void simulateWithDpAndSecAggEndsWithTheJsonLine(@TempDir Path dir) throws Exception {
    CliRun.Result r = run("fl", "simulate",
          "--clients", "3", "--rounds", "2", "--data", "pneumoniamnist", "--model", "tenseal-mnist",
          "--train-limit", "180", "--batch-size", "16", "--dp", "central", "--clip", "1",
          "--target-epsilon", "8", "--delta", "1e-4", "--secagg", "--json",
          "--reports", dir.resolve("reports").toString(), "--checkpoint", dir.resolve("ckpt").toString());
    String out = r.text();
    assertEquals(0, r.code(), out);
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

  private static CliRun.Result run(String... args) {
    return CliRun.run(args);
  }

  @Test
  void simulateWithDpSgdReportsEachHospitalsEpsilonPerRound(@TempDir Path dir) {
    CliRun.Result r = run("fl", "simulate", "--clients", "3", "--rounds", "2", "--data", "pneumoniamnist", "--model", "tenseal-mnist",
        "--train-limit", "150", "--batch-size", "10", "--dp-sgd", "--dp-sgd-clip", "1.0", "--dp-sgd-noise", "1.0",
        "--dp-sgd-delta", "1e-3", "--json", "--reports", dir.resolve("reports").toString(),
        "--checkpoint", dir.resolve("ckpt").toString());
    String out = r.text();
    assertEquals(0, r.code(), out);
    String[] lines = out.strip().split("\\R");
    JsonObject o = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
    // 50 examples per hospital, batch 10: q = 0.2, 5 steps per local epoch, one epoch per round.
    var perRound = o.getAsJsonArray("dp_sgd_epsilon_per_round");
    assertEquals(2, perRound.size());
    for (int round = 1; round <= 2; round++) {
      RdpAccountant expected = new RdpAccountant();
      expected.record(new MechanismSteps(1.0, 0.2, 5L * round));
      JsonObject eps = perRound.get(round - 1).getAsJsonObject();
      assertEquals(3, eps.size(), eps.toString());
      for (int h = 0; h < 3; h++) assertEquals(expected.epsilon(1e-3), eps.get(Integer.toString(h)).getAsDouble(), 1e-12, "round " + round);
    }
    assertEquals(perRound.get(1).getAsJsonObject(), o.getAsJsonObject("dp_sgd_epsilon"));
    assertTrue(out.contains("round 2/2 | clients 3 sampled, 3 finished, 0 dropped"), out);
    assertTrue(out.contains("| dp-sgd eps 0:"), out);
    assertTrue(Files.isRegularFile(dir.resolve("ckpt").resolve("hospital-2-dpsgd.json")));
  }

  @Test
  void badDpSgdArgumentsAreRefusedWithTheirValue(@TempDir Path dir) {
    String[][] cases = {{"--dp-sgd-noise", "NaN", "--dp-sgd-noise must be finite and > 0"}, {"--dp-sgd-noise", "0", "(0 gives no privacy)"},
        {"--dp-sgd-clip", "-1", "--dp-sgd-clip must be finite and > 0, got -1.0"}, {"--dp-sgd-clip", "Infinity", "--dp-sgd-clip must be finite"},
        {"--dp-sgd-target-epsilon", "NaN", "--dp-sgd-target-epsilon must be finite and > 0, got NaN"},
        {"--dp-sgd-target-epsilon", "-2", "--dp-sgd-target-epsilon must be finite and > 0, got -2.0"}};
    for (String[] c : cases) {
      String clip = c[0].equals("--dp-sgd-clip") ? c[1] : "1";
      String privacy = c[0].equals("--dp-sgd-target-epsilon") ? "--dp-sgd-target-epsilon" : "--dp-sgd-noise";
      String value = c[0].equals("--dp-sgd-clip") ? "1" : c[1];
      CliRun.Result r = run("fl", "simulate", "--clients", "2", "--rounds", "1", "--data", "pneumoniamnist", "--model", "tenseal-mnist",
          "--train-limit", "20", "--dp-sgd", "--dp-sgd-clip", clip, privacy, value,
          "--reports", dir.resolve("reports").toString(), "--checkpoint", dir.resolve("ckpt").toString());
      assertEquals(2, r.code(), r.text());
      assertTrue((r.text()).contains(c[2]), c[0] + " " + c[1] + ": " + r.text());
    }
    CliRun.Result r = run("fl", "simulate", "--clients", "2", "--rounds", "1", "--data", "pneumoniamnist", "--model", "tenseal-mnist",
        "--train-limit", "20", "--dp-sgd-noise", "1", "--reports", dir.resolve("reports").toString());
    assertEquals(2, r.code(), r.text());
    assertTrue((r.text()).contains("need --dp-sgd"), r.text());
  }
}
