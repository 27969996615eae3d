package org.privmed.bench.he;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;
import org.privmed.bench.timing.OpTiming;

/** Renders the results of {@link HeOpsBenchmark} as the JSON object or a readable table. */
public final class HeBenchReport {
  private HeBenchReport() {}

  /**
   * One JSON object: {@code {"params": {SET: {...}}, "threads": T, "ops": [...], "sizes": {SET:
   * {...}}}}; each op carries n and limbs, so the two parameter sets stay apart in one list.
   */
  public static String json(List<HeOpsBenchmark.Result> results) {
    JsonObject root = new JsonObject();
    JsonObject params = new JsonObject();
    JsonObject sizes = new JsonObject();
    JsonArray ops = new JsonArray();
    JsonObject budgets = new JsonObject();
    int threads = results.isEmpty() ? 1 : results.get(0).threads();
    for (HeOpsBenchmark.Result r : results) {
      params.add(r.name(), describe(r.params()));
      JsonObject s = new JsonObject();
      r.sizes().forEach(s::addProperty);
      sizes.add(r.name(), s);
      if (!r.noiseBudgetBits().isEmpty()) {
        JsonObject b = new JsonObject();
        r.noiseBudgetBits().forEach(b::addProperty);
        budgets.add(r.name(), b);
      }
      for (OpTiming t : r.ops()) {
        JsonObject o = new JsonObject();
        o.addProperty("op", t.op());
        o.addProperty("n", t.n());
        o.addProperty("limbs", t.limbs());
        o.addProperty("median_ms", round(t.medianMs()));
        o.addProperty("min_ms", round(t.minMs()));
        o.addProperty("reps", t.reps());
        double seal = SealReference.medianMs(r.params().scheme(), t.op(), t.n());
        o.addProperty("seal_median_ms", Double.isNaN(seal) ? null : seal);
        o.addProperty("ratio", Double.isNaN(seal) ? null : round(t.medianMs() / seal));
        ops.add(o);
      }
    }
    root.add("params", params);
    root.addProperty("threads", threads);
    root.add("ops", ops);
    root.add("sizes", sizes);
    if (budgets.size() > 0) {
      root.add("noise_budget_bits", budgets);
    }
    return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root);
  }

  private static JsonObject describe(ParamSummary p) {
    JsonObject o = new JsonObject();
    o.addProperty("scheme", p.scheme());
    o.addProperty("n", p.n());
    JsonArray q = new JsonArray();
    for (int b : p.qBits()) {
      q.add(b);
    }
    JsonArray sp = new JsonArray();
    for (int b : p.pBits()) {
      sp.add(b);
    }
    o.add("q_bits", q);
    o.add("p_bits", sp);
    o.addProperty("dnum", p.dnum());
    if (p.log2Scale() != null) {
      o.addProperty("log2_scale", p.log2Scale());
    }
    if (p.plainModulus() != null) {
      o.addProperty("plain_modulus", p.plainModulus());
    }
    o.addProperty("log2_qp", round(p.logQP()));
    o.addProperty("security", p.security());
    return o;
  }

  /** A fixed-width table with SEAL's median and our ratio beside each op. */
  public static String table(List<HeOpsBenchmark.Result> results) {
    StringBuilder sb = new StringBuilder();
    for (HeOpsBenchmark.Result r : results) {
      ParamSummary p = r.params();
      String extra = p.plainModulus() != null ? ", t = " + p.plainModulus() : "";
      sb.append(String.format(Locale.ROOT, "Parameter set %s (%s): N = %d, q bits %s, special %s%s,"
              + " dnum %d, log2(QP) = %.1f, %d thread(s)%n", r.name(), p.scheme(), p.n(),
          java.util.Arrays.toString(p.qBits()), java.util.Arrays.toString(p.pBits()), extra,
          p.dnum(), p.logQP(), r.threads()));
      sb.append(String.format(Locale.ROOT, "  %-22s %6s %11s %9s %9s %10s%n", "op", "limbs",
          "median ms", "min ms", "SEAL ms", "ratio"));
      for (OpTiming t : r.ops()) {
        double seal = SealReference.medianMs(p.scheme(), t.op(), t.n());
        String sealText = Double.isNaN(seal) ? "-" : String.format(Locale.ROOT, "%.3f", seal);
        String ratio = Double.isNaN(seal) ? "-"
            : String.format(Locale.ROOT, "%.2fx", t.medianMs() / seal);
        sb.append(String.format(Locale.ROOT, "  %-22s %6d %11.3f %9.3f %9s %10s%n", t.op(),
            t.limbs(), t.medianMs(), t.minMs(), sealText, ratio));
      }
      sb.append("  sizes (bytes):");
      r.sizes().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
      if (!r.noiseBudgetBits().isEmpty()) {
        sb.append(String.format("%n  invariant noise budget (bits):"));
        r.noiseBudgetBits().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
      }
      sb.append(String.format("%n%n"));
    }
    return sb.toString();
  }

  private static double round(double v) {
    return Math.round(v * 1e4) / 1e4;
  }
}
