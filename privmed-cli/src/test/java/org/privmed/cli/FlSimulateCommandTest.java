package org.privmed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    assertEquals("adam", o.get("dp_sgd_optimizer").getAsString());
    assertTrue(out.contains("round 2/2 | clients 3 sampled, 3 finished, 0 dropped"), out);
    assertTrue(out.contains("| dp-sgd eps 0:"), out);
    assertTrue(Files.isRegularFile(dir.resolve("ckpt").resolve("hospital-2-dpsgd.json")));
  }

  /** --select-by accuracy tests the best-validation round's model, the one the checkpoint keeps; the default is the last round; average the last quarter's. */
  @Test
  void selectByAccuracyTestsTheCheckpointsBestRound(@TempDir Path dir) throws Exception {
    String[] common = {"fl", "simulate", "--clients", "2", "--rounds", "3", "--data", "pneumoniamnist", "--model", "tenseal-mnist",
        "--train-limit", "120", "--batch-size", "16", "--json", "--reports", dir.resolve("reports").toString(),
        "--checkpoint", dir.resolve("ckpt").toString()};
    CliRun.Result r = run(concat(common, "--select-by", "accuracy"));
    assertEquals(0, r.code(), r.text());
    String[] lines = r.text().strip().split("\\R");
    JsonObject best = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
    JsonObject state = JsonParser.parseString(Files.readString(dir.resolve("ckpt").resolve("state.json"))).getAsJsonObject();
    int bestRound = state.get("bestRound").getAsInt();
    assertEquals("accuracy", best.get("select_by").getAsString());
    assertEquals(bestRound, best.get("selected_round").getAsInt());
    double top = 0;
    for (var rec : state.getAsJsonArray("records")) top = Math.max(top, rec.getAsJsonObject().get("validationAccuracy").getAsDouble());
    assertEquals(top, state.getAsJsonArray("records").get(bestRound - 1).getAsJsonObject().get("validationAccuracy").getAsDouble());
    assertTrue(Files.isRegularFile(dir.resolve("ckpt").resolve(String.format("best-round-%04d.pm", bestRound))));
    assertTrue(r.text().contains("testing the global model of round " + bestRound + " (best validation accuracy)"), r.text());
    assertTrue(Files.isRegularFile(dir.resolve("ckpt").resolve("average-sum-round-0003.pm")));

    CliRun.Result last = run(concat(common, "--resume"));
    assertEquals(0, last.code(), last.text());
    String[] l2 = last.text().strip().split("\\R");
    JsonObject o = JsonParser.parseString(l2[l2.length - 1]).getAsJsonObject();
    assertEquals("last", o.get("select_by").getAsString());
    assertEquals(3, o.get("selected_round").getAsInt());
    if (bestRound == 3) assertEquals(best.get("accuracy").getAsDouble(), o.get("accuracy").getAsDouble(), 0.0);

    // Three rounds: the last quarter is round 3 alone, so its average is the last model.
    CliRun.Result avg = run(concat(common, "--resume", "--select-by", "average"));
    assertEquals(0, avg.code(), avg.text());
    String[] l3 = avg.text().strip().split("\\R");
    JsonObject a = JsonParser.parseString(l3[l3.length - 1]).getAsJsonObject();
    assertEquals("average", a.get("select_by").getAsString());
    assertEquals(3, a.get("selected_first_round").getAsInt());
    assertEquals(3, a.get("selected_round").getAsInt());
    assertEquals(o.get("accuracy").getAsDouble(), a.get("accuracy").getAsDouble(), 0.0);
    assertEquals(o.get("auroc").getAsDouble(), a.get("auroc").getAsDouble(), 1e-12);
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
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
    String[][] optimizerCases = {{"--dp-sgd-optimizer", "rmsprop", "--dp-sgd-optimizer must be adam or sgd, got rmsprop"},
        {"--dp-sgd-momentum", "0.5", "--dp-sgd-momentum needs --dp-sgd-optimizer sgd"}};
    for (String[] c : optimizerCases) {
      CliRun.Result o = run("fl", "simulate", "--clients", "2", "--rounds", "1", "--data", "pneumoniamnist", "--model", "tenseal-mnist",
          "--train-limit", "20", "--dp-sgd", "--dp-sgd-clip", "1", "--dp-sgd-noise", "1", c[0], c[1],
          "--reports", dir.resolve("reports").toString(), "--checkpoint", dir.resolve("ckpt").toString());
      assertEquals(2, o.code(), o.text());
      assertTrue(o.text().contains(c[2]), c[0] + " " + c[1] + ": " + o.text());
    }
    CliRun.Result m = run("fl", "simulate", "--clients", "2", "--rounds", "1", "--data", "pneumoniamnist", "--model", "tenseal-mnist",
        "--train-limit", "20", "--dp-sgd", "--dp-sgd-clip", "1", "--dp-sgd-noise", "1", "--dp-sgd-optimizer", "sgd", "--dp-sgd-momentum", "1",
        "--reports", dir.resolve("reports").toString(), "--checkpoint", dir.resolve("ckpt").toString());
    assertEquals(2, m.code(), m.text());
    assertTrue(m.text().contains("--dp-sgd-momentum must be in [0, 1), got 1.0"), m.text());
  }

  @Test
  void injectedDropoutsAtMaskedInputLeaveTheSurvivorsSumAndAreReportedPerRound(@TempDir Path dir) {
    // 5 clients: k = 5, t = 3; 40% = 2 silent before their masked inputs, 3 remain in the sum.
    CliRun.Result r = run("fl", "simulate", "--clients", "5", "--rounds", "2", "--data", "pneumoniamnist", "--model", "tenseal-mnist",
        "--train-limit", "150", "--batch-size", "16", "--secagg", "--drop-fraction", "0.4", "--drop-stage", "masked-input", "--json",
        "--reports", dir.resolve("reports").toString(), "--checkpoint", dir.resolve("ckpt").toString());
    String out = r.text();
    assertEquals(0, r.code(), out);
    assertTrue(out.contains("round 1/2 | clients 5 sampled, 3 finished, 2 dropped"), out);
    assertTrue(out.contains("silent from masked-input on"), out);
    String[] lines = out.strip().split("\\R");
    JsonObject o = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
    assertEquals(0.4, o.get("drop_fraction").getAsDouble());
    assertEquals("masked-input", o.get("drop_stage").getAsString());
    var rounds = o.getAsJsonArray("secagg_rounds");
    assertEquals(2, rounds.size());
    for (int k = 0; k < 2; k++) {
      JsonObject round = rounds.get(k).getAsJsonObject();
      assertEquals(k + 1, round.get("round").getAsInt());
      assertEquals(2, round.get("silenced").getAsInt());
      assertEquals(5, round.get("shared_keys").getAsInt());
      assertEquals(3, round.get("masked_inputs").getAsInt());
      assertTrue(round.get("sum_equals_plain_sum").getAsBoolean(), round.toString());
    }
  }

  @Test
  void injectedDropoutsBelowTheThresholdAbortCleanly(@TempDir Path dir) {
    // 60% of 5 = 3 silent at share keys: 2 remain, below t = 3; nothing is released, exit 0.
    CliRun.Result r = run("fl", "simulate", "--clients", "5", "--rounds", "1", "--data", "pneumoniamnist", "--model", "tenseal-mnist",
        "--train-limit", "100", "--secagg", "--drop-fraction", "0.6", "--drop-stage", "share-keys", "--json",
        "--reports", dir.resolve("reports").toString(), "--checkpoint", dir.resolve("ckpt").toString());
    String out = r.text();
    assertEquals(0, r.code(), out);
    assertTrue(out.contains("round 1/1 | aborted, model unchanged: SecAgg+ round aborted at stage"), out);
    String[] lines = out.strip().split("\\R");
    JsonObject round = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject().getAsJsonArray("secagg_rounds").get(0).getAsJsonObject();
    assertEquals(3, round.get("silenced").getAsInt());
    assertTrue(round.get("aborted").getAsString().contains("need 3"), round.toString());
  }

  @Test
  void badDropoutArgumentsAreRefused(@TempDir Path dir) {
    String[][] cases = {{"--drop-fraction", "0.3", "needs --secagg"}, {"--secagg --drop-fraction", "1", "must be in [0, 1), got 1.0"},
        {"--secagg --drop-stage masking --drop-fraction", "0.3", "unknown SecAgg+ stage 'masking'"}};
    for (String[] c : cases) {
      List<String> args = new ArrayList<>(List.of("fl", "simulate", "--clients", "3", "--rounds", "1", "--data", "pneumoniamnist",
          "--model", "tenseal-mnist", "--train-limit", "30", "--reports", dir.resolve("reports").toString()));
      args.addAll(List.of(c[0].split(" ")));
      args.add(c[1]);
      CliRun.Result r = run(args.toArray(String[]::new));
      assertEquals(2, r.code(), r.text());
      assertTrue(r.text().contains(c[2]), c[0] + " " + c[1] + ": " + r.text());
    }
  }
}
