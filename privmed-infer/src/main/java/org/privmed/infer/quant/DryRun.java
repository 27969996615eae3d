package org.privmed.infer.quant;

import org.privmed.data.ImageDataset;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.Model;

/**
 * Runs a quantized network on images in the clear: the largest absolute value at every layer
 * boundary (what the plaintext primes must hold) and how often the integer argmax is the float
 * network's — the step the acute-lymphoid-leukaemia study did by hand.
 */
public final class DryRun {
  private DryRun() {}

  /**
   * @param maxAbs element 0: largest |quantized input|, element i+1: largest |output of layer i|
   * @param agree images whose integer argmax equals the float network's
   * @param maxLogitError largest |dequantized integer logit − float logit|
   */
  public record Result(long[] maxAbs, int images, int agree, int correctFloat, int correctInteger,
      double maxLogitError) {
    public Result {
      maxAbs = maxAbs.clone();
    }

    /** Largest |value| anywhere in the network. */
    public long overallMaxAbs() {
      long m = 0;
      for (long v : maxAbs) {
        m = Math.max(m, v);
      }
      return m;
    }

    /** Bits of the largest |value| (its magnitude, no sign). */
    public int valueBits() {
      return 64 - Long.numberOfLeadingZeros(overallMaxAbs());
    }

    /**
     * Bits a plaintext modulus T needs so that every value v of this run satisfies |v| &lt; T/2:
     * log2(2·max|v| + 1), plus {@code margin} bits for images whose values exceed the run's.
     */
    public int bitsNeeded(int margin) {
      return valueBits() + 1 + margin;
    }
  }

  /** Dry run on images [from, from + count) of a dataset. */
  public static Result run(Model model, QuantizedNetwork net, ImageDataset data, int from, int count) {
    PlainInference.requireCompatible(model, data);
    if (from < 0 || count < 1 || from + count > data.size()) {
      throw new IllegalArgumentException("images [" + from + ", " + (from + count) + ") outside [0, "
          + data.size() + ")");
    }
    long[] max = new long[net.layers().size() + 1];
    int agree = 0;
    int okFloat = 0;
    int okInt = 0;
    double err = 0;
    for (int i = from; i < from + count; i++) {
      float[] img = data.images()[i];
      long[][] t = net.trace(net.quantizeInput(PlainInference.normalize(model, img)));
      for (int s = 0; s < t.length; s++) {
        for (long v : t[s]) {
          max[s] = Math.max(max[s], Math.abs(v));
        }
      }
      long[] logits = t[t.length - 1];
      double[] fl = PlainInference.logits(model, img);
      int fa = PlainInference.argmax(fl);
      int ia = QuantizedNetwork.argmax(logits);
      agree += fa == ia ? 1 : 0;
      okFloat += fa == data.labels()[i] ? 1 : 0;
      okInt += ia == data.labels()[i] ? 1 : 0;
      double[] dq = net.dequantize(logits);
      for (int o = 0; o < dq.length; o++) {
        err = Math.max(err, Math.abs(dq[o] - fl[o]));
      }
    }
    return new Result(max, count, agree, okFloat, okInt, err);
  }
}
