package org.privmed.bench.he;

import java.util.Map;

/**
 * Microsoft SEAL 4.4.3 medians (C++, -O3, no HEXL, one thread) measured on this 2-core machine with
 * the same two parameter sets, as stated in the HE-core issue. They are the anchors our own medians
 * are divided by; they are inputs, never outputs of our code.
 */
final class SealReference {
  private SealReference() {}

  private static final Map<String, double[]> MEDIAN_MS = Map.ofEntries(
      Map.entry("ntt_forward", new double[] {0.092, 0.193}),
      Map.entry("encode", new double[] {0.370, 1.91}),
      Map.entry("encrypt_pk", new double[] {2.58, 10.1}),
      Map.entry("decrypt", new double[] {0.092, 0.430}),
      Map.entry("decode", new double[] {0.698, 4.82}),
      Map.entry("add", new double[] {0.037, 0.176}),
      Map.entry("multiply_plain", new double[] {0.118, 0.557}),
      Map.entry("multiply", new double[] {0.263, 1.28}),
      Map.entry("relinearize", new double[] {1.77, 14.2}),
      Map.entry("rescale", new double[] {0.444, 2.35}),
      Map.entry("rotate", new double[] {1.79, 14.7}));

  /** SEAL's median for {@code op} at ring degree {@code n}, or NaN where SEAL was not measured. */
  static double medianMs(String op, int n) {
    double[] row = MEDIAN_MS.get(op);
    if (row == null) {
      return Double.NaN;
    }
    return switch (n) {
      case 8192 -> row[0];
      case 16384 -> row[1];
      default -> Double.NaN;
    };
  }
}
