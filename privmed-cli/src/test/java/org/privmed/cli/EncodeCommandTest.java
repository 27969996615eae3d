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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the real encode commands end to end on shipped data, small sizes. */
class EncodeCommandTest {

  private record Result(int code, String out) {}

  private static Result run(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code;
    try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      code = new CommandLine(new PrivMed()).execute(args);
    } finally {
      System.setOut(saved);
    }
    return new Result(code, buffer.toString(StandardCharsets.UTF_8));
  }

  @Test
  void auditJsonEndsWithTheSixSummaryKeys(@TempDir Path dir) {
    Path key = dir.resolve("h.key");
    assertEquals(0, run("encode", "keygen", "--out", key.toString()).code());
    Result r = run("encode", "audit", "--key", key.toString(), "--data", "pneumoniamnist",
        "--candidates", "20", "--depth", "0", "--width", "32", "--json");
    assertEquals(0, r.code(), r.out());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    List<String> keys = new ArrayList<>(o.keySet());
    assertEquals(List.of("depth", "width", "shuffle", "candidates", "reidentified", "accuracy"),
        keys.subList(keys.size() - 6, keys.size()));
    assertEquals("patch", o.get("attack").getAsString());
    assertEquals(20, o.get("candidates").getAsInt());
    assertEquals(o.get("reidentified").getAsInt() / 20.0, o.get("accuracy").getAsDouble(), 1e-12);
    assertEquals(2, run("encode", "audit", "--key", key.toString(), "--data", "pneumoniamnist",
        "--attack", "guess").code());
  }

  @Test
  void benchWritesTheTableAndTheReport(@TempDir Path dir) {
    Result r = run("encode", "bench", "--data", "breastmnist", "--hospitals", "0,2", "--seeds",
        "1", "--epochs", "1", "--reports", dir.toString());
    assertEquals(0, r.code(), r.out());
    assertTrue(r.out().contains("| breastmnist | plaintext patches |"), r.out());
    assertTrue(r.out().contains("| breastmnist | encoded, 2 hospitals (independent keys) |"),
        r.out());
    assertTrue(r.out().contains("[2/2] "), r.out());
    for (String f : List.of("encode-bench-breastmnist.md", "encode-bench-breastmnist.json",
        "encode-bench-breastmnist-roc.png")) {
      assertTrue(Files.isRegularFile(dir.resolve(f)), f);
    }
  }

  @Test
  void benchTakesTheRecipeOptionsAndNamesThemInItsCommand(@TempDir Path dir) {
    Result r = run("encode", "bench", "--data", "breastmnist", "--hospitals", "0,2", "--seeds",
        "1", "--epochs", "1", "--copies", "2", "--lr-schedule", "cosine", "--embed", "32",
        "--dropout", "0.2", "--weight-decay", "0.0001", "--label-smoothing", "0.1", "--reports",
        dir.toString());
    assertEquals(0, r.code(), r.out());
    assertTrue(r.out().contains("--epochs 1 --lr-schedule cosine --embed 32 --dropout 0.2"
        + " --weight-decay 1.0E-4 --label-smoothing 0.1 --threads 1 --copies 2`"), r.out());
    assertTrue(r.out().contains("validation AUROC"), r.out());
    assertEquals(2, run("encode", "bench", "--data", "breastmnist", "--hospitals", "0",
        "--seeds", "1", "--epochs", "1", "--lr-schedule", "step", "--reports",
        dir.toString()).code());
  }

  @Test
  void benchTakesPerKeyWhiteningAndRefusesAShrinkageOfZero(@TempDir Path dir) {
    Result r = run("encode", "bench", "--data", "breastmnist", "--hospitals", "2", "--seeds", "1",
        "--epochs", "1", "--input", "per-key-whiten", "--whiten-shrinkage", "3", "--reports",
        dir.toString());
    assertEquals(0, r.code(), r.out());
    assertTrue(r.out().contains("--input per-key-whiten --whiten-shrinkage 3.0`"), r.out());
    // The refusal goes to stderr, which only CliRun captures.
    CliRun.Result zero = CliRun.run("encode", "bench", "--data", "breastmnist", "--hospitals", "2",
        "--seeds", "1", "--epochs", "1", "--input", "per-key-whiten", "--whiten-shrinkage", "0",
        "--reports", dir.toString());
    assertEquals(2, zero.code(), zero.text());
    assertTrue(zero.text().contains("whitenShrinkage 0.0 must be finite and > 0"), zero.text());
  }

  @Test
  void benchTakesPerKeyCentringAndNamesTheModesOnABadOne(@TempDir Path dir) {
    Result r = run("encode", "bench", "--data", "breastmnist", "--hospitals", "0,2", "--seeds",
        "1", "--epochs", "1", "--input", "per-key-center", "--reports", dir.toString());
    assertEquals(0, r.code(), r.out());
    assertTrue(r.out().contains("--input per-key-center`"), r.out());
    CliRun.Result bad = CliRun.run("encode", "bench", "--data", "breastmnist", "--hospitals", "2",
        "--seeds", "1", "--epochs", "1", "--input", "per-key-centre", "--reports", dir.toString());
    assertEquals(2, bad.code(), bad.text());
    assertTrue(bad.text().contains("per-key-center or per-key-group-norm"), bad.text());
  }

  @Test
  void copiesPublishSeveralEncodingsOfEachTrainingImageOnly(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("h.key");
    assertEquals(0, run("encode", "keygen", "--out", key.toString()).code());
    Path out = dir.resolve("enc");
    assertEquals(0, run("encode", "--key", key.toString(), "--data", "breastmnist", "--out",
        out.toString(), "--copies", "3").code());
    var train = org.privmed.encode.format.EncodedFile.read(out.resolve("breastmnist-train.pme"));
    var val = org.privmed.encode.format.EncodedFile.read(out.resolve("breastmnist-val.pme"));
    var plainTrain = org.privmed.data.catalog.Datasets.load("breastmnist",
        org.privmed.data.Split.TRAIN);
    assertEquals(3 * plainTrain.size(), train.size());
    assertEquals(plainTrain.labels()[5], train.labels()[3 * 5 + 2]);
    assertEquals(org.privmed.data.catalog.Datasets.load("breastmnist",
        org.privmed.data.Split.VAL).size(), val.size());
    assertEquals(2, run("encode", "--key", key.toString(), "--data", "breastmnist", "--out",
        dir.resolve("none").toString(), "--copies", "0").code());
  }
}
