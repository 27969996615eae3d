package org.privmed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code privmed compile --scheme bfv --explain} on the shipped CryptoNets model. */
class CompileBfvCommandTest {

  private static String run(int expectedCode, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      System.setErr(capture);
      int code = new CommandLine(new PrivMed()).execute(args);
      assertEquals(expectedCode, code, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  private static String model() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path f = dir.resolve("models").resolve("cryptonets-mnist.pm"); // models/ sits at the project root
      if (f.toFile().isFile()) {
        return f.toString();
      }
    }
    throw new IllegalStateException("models/cryptonets-mnist.pm not found");
  }

  @Test
  void explainPrintsBitsPrimesAndBudget() {
    String text = run(0, "compile", "--model", model(), "--scheme", "bfv", "--packing", "throughput",
        "--data", "mnist", "--calibration-images", "200", "--explain");
    assertTrue(text.contains("bits needed"), text);
    assertTrue(text.contains("plaintext primes (k = "), text);
    assertTrue(text.contains("predicted noise budget"), text);
    assertTrue(text.contains("N = 8192"), text);
  }

  @Test
  void bfvRefusesTheLatencyPackingAndUnknownSchemes() {
    assertTrue(run(2, "compile", "--model", model(), "--scheme", "bfv", "--packing", "latency",
        "--data", "mnist").contains("throughput"));
    assertTrue(run(2, "compile", "--model", model(), "--scheme", "rsa", "--data", "mnist")
        .contains("unknown --scheme"));
  }
}
