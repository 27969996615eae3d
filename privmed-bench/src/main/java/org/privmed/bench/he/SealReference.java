package org.privmed.bench.he;

import java.util.Map;

/**
 * Microsoft SEAL 4.4.3 medians (C++, -O3, no HEXL, one thread) measured on this 2-core machine with
 * the same parameter sets, as stated in the HE-core issue (CKKS, sets A and B) and the BFV issue
 * (N = 8192, 20-bit t, q = {43, 43, 44, 44, 44}: encrypt, multiply+relinearize, rotate rows only).
 * They are the anchors our own medians are divided by; they are inputs, never outputs of our code.
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

  private static final Map<String, Double> BFV_8192_MS = Map.of(
      "encrypt_pk", 2.42,
      "multiply_relinearize", 12.3,
      "rotate_rows", 2.87);

  /** SEAL's median for {@code op} of a scheme at ring degree {@code n}, or NaN where not measured. */
  static double medianMs(String scheme, String op, int n) {
    if (scheme.equals("bfv")) {
      Double v = n == 8192 ? BFV_8192_MS.get(op) : null;
      return v == null ? Double.NaN : v;
    }
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
