package org.privmed.infer.bfv;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import org.privmed.he.bfv.BfvParameters;
import org.privmed.infer.quant.DryRun;
import org.privmed.infer.quant.QuantizedNetwork;
import org.privmed.nn.model.Model;

/**
 * A compiled exact BFV throughput program: the model (for the client's normalisation), its
 * quantized integer network, the dry run it was sized from and the CRT plan. Slot b of every
 * ciphertext is image b (CryptoNets packing), so one batch holds N images; the program runs once
 * per plaintext prime.
 */
public record BfvProgram(Model model, QuantizedNetwork network, DryRun.Result dryRun,
    String quantizationTried, CrtPlan plan, int marginBits, String calibrationSource) {

  public int imagesPerBatch() {
    return plan.ringDegree();
  }

  public int primeCount() {
    return plan.plainPrimes().length;
  }

  public BfvParameters parameters(int prime) {
    return plan.parameters().get(prime);
  }

  /** Scalar multiply-adds and ciphertext squarings of one evaluation (one prime). */
  public long[] operationCounts() {
    long macs = 0;
    long squares = 0;
    for (QuantizedNetwork.Layer l : network.layers()) {
      if (l instanceof QuantizedNetwork.Linear lin) {
        for (long w : lin.weights()) {
          macs += w != 0 ? 1 : 0;
        }
      } else {
        squares += l.outputSize();
      }
    }
    return new long[] {macs, squares};
  }

  /** Key switches per prime: one per square, or one per sum of the next layer when relinearized late. */
  long relinearizations() {
    List<QuantizedNetwork.Layer> layers = network.layers();
    long n = 0;
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) instanceof QuantizedNetwork.Square sq) {
        n += CrtPlan.relinearizesLate(layers, i) ? layers.get(i + 1).outputSize() : sq.outputSize();
      }
    }
    return n;
  }

  /** The plan in words: quantization, value ranges, primes, parameters, levels, budget. */
  public String explain() {
    StringBuilder sb = new StringBuilder();
    List<QuantizedNetwork.Layer> layers = network.layers();
    sb.append(String.format(Locale.ROOT, "BFV program for %s (throughput packing, exact integers)%n",
        model.name()));
    sb.append(String.format(Locale.ROOT, "  quantization: %s, input scale %.4g; "
        + "tried:%s%n", network.precision(), network.inputScale(), " " + quantizationTried));
    sb.append(String.format(Locale.ROOT, "  dry run on %s: integer argmax = float argmax on %d/%d; "
        + "accuracy float %.4f, integer %.4f; max |dequantized - float logit| %.3g%n",
        calibrationSource, dryRun.agree(), dryRun.images(),
        (double) dryRun.correctFloat() / dryRun.images(),
        (double) dryRun.correctInteger() / dryRun.images(), dryRun.maxLogitError()));
    BigInteger[] max = dryRun.maxAbs();
    int[] levels = plan.levels();
    sb.append(String.format(Locale.ROOT, "  %-3s %-44s %8s %10s %22s %6s %5s%n", "#", "layer", "in→out",
        "scale", "max |value| (bits)", "level", ""));
    sb.append(String.format(Locale.ROOT, "  %-3s %-44s %8d %10.3g %15d (%2d)%n", "in", "input",
        network.inputSize(), network.inputScale(), max[0], max[0].bitLength()));
    double scale = network.inputScale();
    for (int i = 0; i < layers.size(); i++) {
      QuantizedNetwork.Layer l = layers.get(i);
      scale = l instanceof QuantizedNetwork.Linear lin ? scale * lin.weightScale() : scale * scale;
      String label = l.label().length() > 44 ? l.label().substring(0, 41) + "..." : l.label();
      String kind = l instanceof QuantizedNetwork.Linear lin
          ? String.format(Locale.ROOT, "w×%.3g", lin.weightScale()) : "square";
      sb.append(String.format(Locale.ROOT, "  %-3d %-44s %8s %10.3g %15d (%2d) %6d  %s%n", i, label,
          l.inputSize() + "→" + l.outputSize(), scale, max[i + 1], max[i + 1].bitLength(), levels[i], kind));
    }
    sb.append(String.format(Locale.ROOT, "  bits needed: log2(2·max|value|) = %d + margin %d = %d%n",
        dryRun.valueBits() + 1, marginBits, plan.bitsNeeded()));
    long[] primes = plan.plainPrimes();
    StringBuilder ps = new StringBuilder();
    for (long t : primes) {
      ps.append(ps.length() == 0 ? "" : ", ").append(t).append(" (").append(bits(t)).append(" bits)");
    }
    sb.append(String.format(Locale.ROOT, "  plaintext primes (k = %d, each ≡ 1 mod 2N, product %.1f bits): %s%n",
        primes.length, plan.logPlainProduct(), ps));
    BfvParameters p = parameters(0);
    sb.append(String.format(Locale.ROOT, "  ring degree N = %d (%d images per batch), q bits %s + special %s, "
        + "log2(QP) = %.1f, 128-bit secure%n", p.ringDegree(), p.ringDegree(),
        java.util.Arrays.toString(p.qBits()), java.util.Arrays.toString(p.pBits()), p.logQP()));
    sb.append(String.format(Locale.ROOT, "  predicted noise budget left at the output (level %d, largest t): "
        + "%.1f bits%n", plan.outputLevel(), plan.predictedBudget()));
    long[] ops = operationCounts();
    sb.append(String.format(Locale.ROOT, "  per prime: %d input ciphertexts, %d scalar multiply-adds, "
        + "%d squarings, %d relinearizations (a square followed by a linear layer is relinearized "
        + "after its sums), %d output ciphertexts; keys: relinearization only, no rotations%n",
        network.inputSize(), ops[0], ops[1], relinearizations(), network.outputSize()));
    sb.append("  parameter search:").append(" ").append(plan.tried()).append(System.lineSeparator());
    return sb.toString();
  }

  private static int bits(long v) {
    return 64 - Long.numberOfLeadingZeros(Math.abs(v));
  }
}
