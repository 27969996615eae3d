package org.privmed.infer.quant;

import java.math.BigInteger;
import java.util.Arrays;
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
  public record Result(BigInteger[] maxAbs, int images, int agree, int correctFloat,
      int correctInteger, double maxLogitError) {
    public Result {
      maxAbs = maxAbs.clone();
    }

    @Override
    public BigInteger[] maxAbs() {
      return maxAbs.clone();
    }

    /** Largest |value| anywhere in the network. */
    public BigInteger overallMaxAbs() {
      BigInteger m = BigInteger.ZERO;
      for (BigInteger v : maxAbs) {
        m = m.max(v);
      }
      return m;
    }

    /** Bits of the largest |value| (its magnitude, no sign). */
    public int valueBits() {
      return overallMaxAbs().bitLength();
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
    BigInteger[] max = new BigInteger[net.layers().size() + 1];
    Arrays.fill(max, BigInteger.ZERO);
    int agree = 0;
    int okFloat = 0;
    int okInt = 0;
    double err = 0;
    for (int i = from; i < from + count; i++) {
      float[] img = data.images()[i];
      QuantizedNetwork.Trace t = net.trace(net.quantizeInput(PlainInference.normalize(model, img)));
      for (int s = 0; s < t.stages(); s++) {
        max[s] = max[s].max(t.maxAbs(s));
      }
      BigInteger[] logits = t.output();
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
