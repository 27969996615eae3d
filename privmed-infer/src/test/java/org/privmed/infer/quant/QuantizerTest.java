package org.privmed.infer.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.infer.plan.Lowering;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.Layer;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.Polynomial;

class QuantizerTest {

  @Test
  void integerNetworkIsTheFloatNetworkAtItsScale() {
    Model m = TinyNets.model(1, 8);
    ImageDataset data = TinyNets.images(2, 50);
    Lowering.Lowered low = Lowering.lower(m, false);
    QuantizedNetwork q = Quantizer.quantize(low.stages(), 2.0, 12);
    assertEquals(1, q.depth());
    for (int i = 0; i < data.size(); i++) {
      double[] x = PlainInference.normalize(m, data.images()[i]);
      double[] f = PlainInference.logits(m, data.images()[i]);
      double[] d = q.dequantize(q.evaluate(q.quantizeInput(x)));
      for (int o = 0; o < f.length; o++) {
        assertEquals(f[o], d[o], 0.02 * (1 + Math.abs(f[o])), "image " + i + " logit " + o);
      }
    }
  }

  @Test
  void traceIsExactIntegerArithmetic() {
    Model m = TinyNets.model(3, 4);
    QuantizedNetwork q = Quantizer.quantize(Lowering.lower(m, false).stages(), 2.0, 6);
    long[] x = new long[16];
    for (int i = 0; i < 16; i++) {
      x[i] = i - 8;
    }
    long[][] t = q.trace(x);
    QuantizedNetwork.Linear l0 = (QuantizedNetwork.Linear) q.layers().get(0);
    for (int r = 0; r < l0.rows(); r++) {
      long acc = l0.bias()[r];
      for (int c = 0; c < 16; c++) {
        acc += l0.weights()[r * 16 + c] * x[c];
      }
      assertEquals(acc, t[1][r]);
      assertEquals(acc * acc, t[2][r]);
    }
    for (long w : l0.weights()) {
      assertTrue(Math.abs(w) <= 31, "6-bit weights stay within ±31, got " + w);
    }
  }

  @Test
  void overflowIsReportedNotWrapped() {
    QuantizedNetwork q = new QuantizedNetwork(8, 1.0, List.of(
        new QuantizedNetwork.Linear("l", 1, 2, new long[] {1L << 31, 1L << 31}, new long[] {0}, 1, 1),
        new QuantizedNetwork.Square("sq", 1)));
    assertEquals(1L << 62, q.evaluate(new long[] {1, 0})[0]);
    assertThrows(ArithmeticException.class, () -> q.evaluate(new long[] {1, 1})); // (2^32)² overflows
  }

  @Test
  void biasesBeyond62BitsAreRefusedAtQuantization() {
    Model m = TinyNets.model(4, 16, 16, 16);
    assertThrows(ArithmeticException.class,
        () -> Quantizer.quantize(Lowering.lower(m, false).stages(), 1.0, 16));
  }

  @Test
  void refusesPolynomialsOtherThanSquares() {
    Model m = TinyNets.model(5, 4);
    List<Layer> layers = new ArrayList<>(m.layers());
    layers.set(2, Polynomial.quadratic(0.1, 0.5, 0.25));
    Model poly = m.withLayers(layers);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Quantizer.quantize(Lowering.lower(poly, false).stages(), 1.0, 8));
    assertTrue(e.getMessage().contains("bare squares"), e.getMessage());
  }

  @Test
  void chooseTakesTheSmallestPrecisionThatAgreesEverywhere() {
    Model m = TinyNets.model(6, 8);
    ImageDataset data = TinyNets.images(7, 200);
    Lowering.Lowered low = Lowering.lower(m, false);
    Quantizer.Choice c = Quantizer.choose(m, low, data, 200, 2, 14);
    DryRun.Result r = c.dryRun();
    assertEquals(200, r.images());
    assertEquals(200, r.agree(), c.tried());
    int b = c.network().bits();
    if (b > 2) {
      // one bit less must have disagreed somewhere, or it would have been chosen
      double inMax = c.network().inputScale() == 0 ? 0 : ((1L << (b - 1)) - 1) / c.network().inputScale();
      QuantizedNetwork smaller = Quantizer.quantize(low.stages(), inMax, b - 1);
      assertTrue(DryRun.run(m, smaller, data, 0, 200).agree() < 200, c.tried());
    }
    long[] max = r.maxAbs();
    assertEquals(c.network().layers().size() + 1, max.length);
    assertTrue(r.bitsNeeded(2) >= 64 - Long.numberOfLeadingZeros(max[max.length - 1]) + 3);
    assertArrayEquals(max, r.maxAbs());
  }
}
