package org.privmed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.fl.dp.accountant.RdpAccountant;

/** {@code --resume --rounds R2} on a checkpoint planned for fewer rounds, through the real command lines. */
class FlExtendCommandTest {

  private static List<String> simulate(Path dir, int rounds, String... more) {
    List<String> args = new ArrayList<>(List.of("fl", "simulate", "--clients", "3", "--rounds", Integer.toString(rounds),
        "--data", "pneumoniamnist", "--model", "tenseal-mnist", "--train-limit", "90", "--batch-size", "16", "--json",
        "--reports", dir.resolve("reports").toString(), "--checkpoint", dir.resolve("ckpt").toString()));
    args.addAll(List.of(more));
    return args;
  }

  private static CliRun.Result run(List<String> args) {
    return CliRun.run(args.toArray(String[]::new));
  }

  private static JsonObject lastJson(String out) {
    String[] lines = out.strip().split("\\R");
    return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
  }

  @Test
  void simulateExtendsARunWithAFixedNoiseMultiplier(@TempDir Path dir) throws Exception {
    String[] dp = {"--dp", "central", "--clip", "1", "--noise-multiplier", "1.5", "--delta", "1e-4"};
    CliRun.Result first = run(simulate(dir, 1, dp));
    assertEquals(0, first.code(), first.text());
    double epsOne = lastJson(first.text()).get("epsilon").getAsDouble();

    List<String> more = simulate(dir, 2, dp);
    more.add("--resume");
    CliRun.Result second = run(more);
    String out = second.text();
    assertEquals(0, second.code(), out);
    assertTrue(out.contains("extending run from 1 to 2 rounds (fixed noise multiplier z=1.5000"), out);
    assertTrue(out.contains("resuming after round 1 of 2"), out);
    assertFalse(out.contains("round 1/2 |"), "round 1 must not be trained again: " + out);
    assertTrue(out.contains("round 2/2 | clients 3 sampled, 3 finished, 0 dropped"), out);
    JsonObject o = lastJson(out);
    assertEquals(2, o.get("rounds").getAsInt());
    // Two rounds at z = 1.5, q = 1, each recorded once.
    RdpAccountant ledger = RdpAccountant.fromJson(Files.readString(dir.resolve("ckpt").resolve("accountant.json")));
    assertEquals(2, ledger.totalSteps());
    assertEquals(ledger.epsilon(1e-4), o.get("epsilon").getAsDouble(), 1e-12);
    assertTrue(o.get("epsilon").getAsDouble() > epsOne);
  }

  @Test
  void simulateRefusesToStretchAHospitalsDpSgdBudget(@TempDir Path dir) {
    String[] sgd = {"--dp-sgd", "--dp-sgd-clip", "1", "--dp-sgd-target-epsilon", "5", "--dp-sgd-delta", "1e-3"};
    CliRun.Result first = run(simulate(dir, 1, sgd));
    assertEquals(0, first.code(), first.text());
    List<String> more = simulate(dir, 2, sgd);
    more.add("--resume");
    CliRun.Result second = run(more);
    assertEquals(2, second.code(), second.text());
    assertTrue(second.text().contains("cannot extend the run from 1 to 2 rounds: each hospital's DP-SGD sigma was calibrated"
        + " by --dp-sgd-target-epsilon 5.0"), second.text());
    assertFalse(second.text().contains("round 2/2"), second.text());
  }

  @Test
  void serverRefusesToExtendATargetEpsilonRunBeforeWaitingForHospitals(@TempDir Path dir) {
    String[] budget = {"--dp", "central", "--clip", "1", "--target-epsilon", "6", "--delta", "1e-4"};
    CliRun.Result first = run(simulate(dir, 1, budget));
    assertEquals(0, first.code(), first.text());
    // No hospital ever connects: a server that listened first would sit out its join timeout and fail otherwise.
    List<String> server = new ArrayList<>(List.of("fl", "server", "--port", "0", "--clients", "3", "--insecure",
        "--join-timeout", "1", "--data", "pneumoniamnist", "--model", "tenseal-mnist", "--rounds", "2", "--batch-size", "16", "--resume",
        "--checkpoint", dir.resolve("ckpt").toString()));
    server.addAll(List.of(budget));
    CliRun.Result r = run(server);
    assertEquals(2, r.code(), r.text());
    assertTrue(r.text().contains("cannot extend the run in " + dir.resolve("ckpt") + " from 1 to 2 rounds"), r.text());
    assertTrue(r.text().contains("calibrated by --target-epsilon 6.0 (delta 1.0E-4) to spend that budget over exactly 1 rounds"), r.text());
    assertFalse(r.text().contains("listening"), r.text());
  }
}
