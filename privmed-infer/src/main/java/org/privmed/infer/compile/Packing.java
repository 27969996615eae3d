package org.privmed.infer.compile;

/** How images are laid out in ciphertext slots. */
public enum Packing {
  /** One image per request, its values spread over the slots of one ciphertext (rotations). */
  LATENCY,
  /** CryptoNets: slot b of every ciphertext is image b, one ciphertext per value (no rotations). */
  THROUGHPUT;

  /** Parses {@code latency} / {@code throughput}, any case. */
  public static Packing parse(String s) {
    for (Packing p : values()) {
      if (p.name().equalsIgnoreCase(s.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown packing '" + s + "'; use latency or throughput");
  }
}
