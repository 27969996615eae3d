package org.privmed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code privmed compile --scheme bfv --explain} on the shipped CryptoNets model. */
class CompileBfvCommandTest {

  private static String run(int expectedCode, String... args) {
    CliRun.Result r = CliRun.run(args);
    assertEquals(expectedCode, r.code(), r.text());
    return r.text();
  }

  private static String model() {
    return CliRun.shippedModel("cryptonets-mnist.pm").toString();
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
  void shippedCryptoNetsAllCalibratesOnItsRecordedPaddedDataAndHasDepthTwo() {
    // no --data: the model's metadata names bloodmnist-pbc@pad32, which must load as 32x32x3 again
    String text = run(0, "compile", "--model", CliRun.shippedModel("cryptonets-all.pm").toString(),
        "--scheme", "bfv", "--packing", "throughput", "--calibration-images", "64", "--explain");
    // BFV calibrates on the training split, as privmed serve does, so the plan shown is the one served
    assertTrue(text.contains("bloodmnist-pbc@pad32/train"), text);
    assertTrue(text.contains("3072 input ciphertexts"), text);
    assertTrue(text.contains("1344 squarings"), text);
    assertEquals(2, text.split("square\\R", -1).length - 1, text);
  }

  @Test
  void benchInferTakesBfvBitsForBfvOnly() {
    assertTrue(run(2, "bench", "infer", "--model", model(), "--packing", "throughput",
        "--bfv-bits", "5").contains("--bfv-bits applies to --scheme bfv only"));
    assertTrue(run(2, "bench", "infer", "--model", model(), "--packing", "throughput",
        "--scheme", "bfv", "--bfv-bits", "17").contains("quantization bits must lie in [2, 16]"));
  }

  @Test
  void benchInferRefusesARepeatBelowOneAndForCkks() {
    assertTrue(run(2, "bench", "infer", "--model", model(), "--packing", "throughput",
        "--scheme", "bfv", "--repeat", "0").contains("--repeat must be >= 1, got 0"));
    assertTrue(run(2, "bench", "infer", "--model", model(), "--packing", "throughput",
        "--repeat", "3").contains("--repeat applies to --scheme bfv only"));
  }

  @Test
  void bfvRefusesTheLatencyPackingAndUnknownSchemes() {
    assertTrue(run(2, "compile", "--model", model(), "--scheme", "bfv", "--packing", "latency",
        "--data", "mnist").contains("throughput"));
    assertTrue(run(2, "compile", "--model", model(), "--scheme", "rsa", "--data", "mnist")
        .contains("unknown --scheme"));
  }
}
