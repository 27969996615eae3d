package org.privmed.infer.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.infer.plan.LinearStage;
import org.privmed.infer.plan.Lowering;
import org.privmed.infer.plan.PolynomialStage;
import org.privmed.infer.plan.Stage;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.Dense;
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
    QuantizedNetwork.Trace t = q.trace(x);
    QuantizedNetwork.Linear l0 = (QuantizedNetwork.Linear) q.layers().get(0);
    for (int r = 0; r < l0.rows(); r++) {
      long acc = l0.bias()[r].longValueExact();
      for (int c = 0; c < 16; c++) {
        acc += l0.weights()[r * 16 + c] * x[c];
      }
      assertEquals(acc, t.longs(1)[r]);
      assertEquals(acc * acc, t.longs(2)[r]);
    }
    for (long w : l0.weights()) {
      assertTrue(Math.abs(w) <= 31, "6-bit weights stay within ±31, got " + w);
    }
  }

  @Test
  void valuesBeyond63BitsAreExactNotWrapped() {
    QuantizedNetwork q = new QuantizedNetwork(8, 1.0, List.of(
        new QuantizedNetwork.Linear("l", 1, 2, new long[] {1L << 31, 1L << 31}, big(0), 1, 1),
        new QuantizedNetwork.Square("sq", 1),
        new QuantizedNetwork.Linear("out", 2, 1, new long[] {3, -1}, big(-5, 7), 1, 1)));
    QuantizedNetwork.Trace fits = q.trace(new long[] {1, 0});
    assertEquals(1L << 62, fits.longs(2)[0]);
    // 3·2^62 − 5 leaves the long range in the last stage only
    assertEquals(BigInteger.valueOf(3).shiftLeft(62).subtract(BigInteger.valueOf(5)), q.evaluate(new long[] {1, 0})[0]);
    assertNull(fits.longs(3));
    // (2^32)² = 2^64 overflows a long from the square on: those stages are BigInteger, exactly
    QuantizedNetwork.Trace over = q.trace(new long[] {1, 1});
    assertEquals(1L << 32, over.longs(1)[0]);
    assertNull(over.longs(2));
    BigInteger two64 = BigInteger.ONE.shiftLeft(64);
    assertArrayEquals(new BigInteger[] {two64.multiply(BigInteger.valueOf(3)).subtract(BigInteger.valueOf(5)),
        two64.negate().add(BigInteger.valueOf(7))}, q.evaluate(new long[] {1, 1}));
    assertEquals(two64.multiply(BigInteger.valueOf(3)).subtract(BigInteger.valueOf(5)), over.maxAbs(3));
  }

  private static BigInteger[] big(long... v) {
    return Arrays.stream(v).mapToObj(BigInteger::valueOf).toArray(BigInteger[]::new);
  }

  /**
   * The integer reference against a plain BigInteger evaluation of the same integer network, on a
   * depth-3 net at 16 bits whose values (and last biases) reach far beyond 2^63.
   */
  @Test
  void integerReferenceBeyond63BitsEqualsBigIntegerArithmetic() {
    Model m = TinyNets.model(4, 16, 16, 16);
    QuantizedNetwork q = Quantizer.quantize(Lowering.lower(m, false).stages(), 1.0, 16);
    QuantizedNetwork.Linear last = (QuantizedNetwork.Linear) q.layers().get(q.layers().size() - 1);
    assertTrue(Arrays.stream(last.bias()).anyMatch(b -> b.bitLength() > 63), "the last biases exceed a long");
    Random rnd = new Random(41);
    for (int image = 0; image < 20; image++) {
      long[] x = new long[16];
      for (int i = 0; i < 16; i++) {
        x[i] = rnd.nextInt(65535) - 32767;
      }
      BigInteger[] v = Arrays.stream(x).mapToObj(BigInteger::valueOf).toArray(BigInteger[]::new);
      for (QuantizedNetwork.Layer l : q.layers()) {
        v = l instanceof QuantizedNetwork.Linear lin ? plainMatVec(lin, v)
            : Arrays.stream(v).map(e -> e.multiply(e)).toArray(BigInteger[]::new);
      }
      BigInteger[] got = q.evaluate(x);
      assertArrayEquals(v, got, "image " + image);
      assertTrue(Arrays.stream(got).anyMatch(e -> e.bitLength() > 63), "image " + image + " stays in longs");
    }
  }

  private static BigInteger[] plainMatVec(QuantizedNetwork.Linear l, BigInteger[] x) {
    BigInteger[] y = l.bias();
    for (int r = 0; r < l.rows(); r++) {
      for (int c = 0; c < l.cols(); c++) {
        y[r] = y[r].add(BigInteger.valueOf(l.weights()[r * l.cols() + c]).multiply(x[c]));
      }
    }
    return y;
  }

  @Test
  void biasReducedModAPrimeIsTheResidueOfTheExactBias() {
    BigInteger b = BigInteger.ONE.shiftLeft(90).negate().add(BigInteger.valueOf(12345));
    QuantizedNetwork.Linear l = new QuantizedNetwork.Linear("l", 1, 1, new long[] {1},
        new BigInteger[] {b}, 1, 1);
    long t = 1032193;
    assertEquals(b.mod(BigInteger.valueOf(t)).longValueExact(), l.biasMod(0, t));
    assertTrue(l.biasMod(0, t) >= 0 && l.biasMod(0, t) < t);
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
    Quantizer.Choice c = Quantizer.choose(m, low, data, 200, 2, 14, 160);
    DryRun.Result r = c.dryRun();
    assertEquals(200, r.images());
    assertEquals(200, r.agree(), c.tried());
    assertEquals(smallestUniformValueBits(m, low, data, c.network()), r.valueBits(), c.tried());
    int b = c.network().bits();
    if (b > 2) {
      // one bit less must have disagreed somewhere, or it would have been chosen
      double inMax = ((1L << (b - 1)) - 1) / c.network().inputScale();
      QuantizedNetwork smaller = Quantizer.quantize(low.stages(), inMax, b - 1);
      assertTrue(DryRun.run(m, smaller, data, 0, 200).agree() < 200, c.tried());
    }
    BigInteger[] max = r.maxAbs();
    assertEquals(c.network().layers().size() + 1, max.length);
    assertTrue(r.bitsNeeded(2) >= max[max.length - 1].bitLength() + 3);
    assertArrayEquals(max, r.maxAbs());
  }

  @Test
  void noPerLayerSearchFromAPrecisionThatDisagrees() {
    Model m = TinyNets.model(11, 8);
    ImageDataset data = TinyNets.images(12, 300);
    Lowering.Lowered low = Lowering.lower(m, false);
    Quantizer.Choice u = Quantizer.choose(m, low, data, 300, 3, 3, 160);
    assertTrue(u.dryRun().agree() < 300, u.tried());
    assertNull(Quantizer.perLayer(m, low, data, 300, u));
  }

  @Test
  void eachLayerTakesItsOwnPrecision() {
    Model m = TinyNets.model(6, 8);
    List<Stage> stages = Lowering.lower(m, false).stages();
    QuantizedNetwork q = Quantizer.quantize(stages, 2.0, 5, new int[] {4, 9});
    assertEquals(5, q.bits());
    assertArrayEquals(new int[] {4, 9}, q.weightBits());
    assertEquals("5-bit inputs, weights 4/9 bits by layer", q.precision());
    assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(stages, 2.0, 5, new int[] {4}));
    assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(stages, 2.0, 5, new int[] {4, 17}));
  }

  @Test
  void aPerLayerPrecisionCanNeedFewerBitsThanAnyUniformOne() {
    // The bits of the first layer count twice through the square, the last layer's once, so a
    // network whose first layer tolerates coarse weights gains from giving the last layer more.
    Model m = TinyNets.model(11, 8);
    ImageDataset data = TinyNets.images(12, 300);
    Lowering.Lowered low = Lowering.lower(m, false);
    Quantizer.Choice u = Quantizer.choose(m, low, data, 300, 2, 14, 160);
    Quantizer.Choice c = Quantizer.perLayer(m, low, data, 300, u);
    assertEquals(300, c.dryRun().agree(), c.tried());
    int uniformBits = smallestUniformValueBits(m, low, data, c.network());
    assertTrue(c.dryRun().valueBits() < uniformBits, c.dryRun().valueBits() + " vs uniform "
        + uniformBits + ": " + c.tried());
    assertTrue(Arrays.stream(c.network().weightBits()).anyMatch(b -> b != c.network().bits()),
        c.network().precision());
  }

  /** Value bits of the smallest uniform precision agreeing on every image, -1 if none up to 14. */
  private static int smallestUniformValueBits(Model m, Lowering.Lowered low, ImageDataset data,
      QuantizedNetwork chosen) {
    double inMax = ((1L << (chosen.bits() - 1)) - 1) / chosen.inputScale();
    for (int b = 2; b <= 14; b++) {
      DryRun.Result u = DryRun.run(m, Quantizer.quantize(low.stages(), inMax, b), data, 0, data.size());
      if (u.agree() == data.size()) {
        return u.valueBits();
      }
    }
    return -1;
  }

  /** Float evaluation of lowered stages, to see that equalization keeps the function. */
  private static double[] run(List<Stage> stages, double[] x) {
    for (Stage s : stages) {
      if (s instanceof LinearStage l) {
        double[] y = l.bias().clone();
        for (int r = 0; r < l.rows(); r++) {
          for (int c = 0; c < l.cols(); c++) {
            y[r] += l.at(r, c) * x[c];
          }
        }
        x = y;
      } else {
        PolynomialStage p = (PolynomialStage) s;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          y[i] = p.apply(x[i]);
        }
        x = y;
      }
    }
    return x;
  }

  /**
   * A depth-2 net whose first-layer rows differ by up to 10^3.5 in size (compensated in the next
   * layer's columns, so the function is that of the original): one weight scale per stage rounds
   * the small rows to zero unless the squares are equalized.
   */
  private static Model unbalanced(long seed) {
    Model m = TinyNets.model(seed, 8, 6);
    List<Layer> layers = new ArrayList<>(m.layers());
    Dense first = (Dense) layers.get(1);
    Dense second = (Dense) layers.get(3);
    double[] w1 = first.weight().clone();
    double[] b1 = first.bias().clone();
    double[] w2 = second.weight().clone();
    for (int r = 0; r < first.outFeatures(); r++) {
      double a = Math.pow(10, -r / 2.0);
      for (int c = 0; c < first.inFeatures(); c++) {
        w1[r * first.inFeatures() + c] *= a;
      }
      b1[r] *= a;
      for (int o = 0; o < second.outFeatures(); o++) {
        w2[o * second.inFeatures() + r] /= a * a;
      }
    }
    layers.set(1, new Dense(first.inFeatures(), first.outFeatures(), w1, b1));
    layers.set(3, new Dense(second.inFeatures(), second.outFeatures(), w2, second.bias()));
    return m.withLayers(layers);
  }

  @Test
  void equalizationThroughSquaresKeepsTheFunctionAndBalancesEachUnit() {
    Model m = unbalanced(8);
    List<Stage> stages = Lowering.lower(m, false).stages();
    List<Stage> eq = Quantizer.equalize(stages);
    assertEquals(stages.size(), eq.size());
    ImageDataset data = TinyNets.images(9, 30);
    for (int i = 0; i < data.size(); i++) {
      double[] x = PlainInference.normalize(m, data.images()[i]);
      double[] want = run(stages, x);
      double[] got = run(eq, x);
      for (int o = 0; o < want.length; o++) {
        assertEquals(want[o], got[o], 1e-9 * (1 + Math.abs(want[o])), "image " + i);
      }
    }
    // after equalization each hidden unit's row (first map) and column (second map) have the
    // same largest |weight|; the last pair is the last one touched, a depth-1 net has only one
    assertBalanced((LinearStage) eq.get(2), (LinearStage) eq.get(4));
    List<Stage> one = Quantizer.equalize(Lowering.lower(TinyNets.model(3, 8), false).stages());
    assertBalanced((LinearStage) one.get(0), (LinearStage) one.get(2));
    assertTrue(stages.get(0) != eq.get(0), "the given stages are left alone");
  }

  private static void assertBalanced(LinearStage a, LinearStage b) {
    for (int r = 0; r < a.rows(); r++) {
      double row = 0;
      double col = 0;
      for (int c = 0; c < a.cols(); c++) {
        row = Math.max(row, Math.abs(a.at(r, c)));
      }
      for (int o = 0; o < b.rows(); o++) {
        col = Math.max(col, Math.abs(b.at(o, r)));
      }
      assertEquals(row, col, 1e-9 * row, a.label() + " unit " + r);
    }
  }

  @Test
  void unbalancedRowsQuantizeAsWellAsTheBalancedOriginal() {
    // the same function with and without the 10^3.5 spread: after equalization both integer
    // networks agree with the float network alike (without it, the small rows round to zero and
    // the unbalanced net's logits are off by far more)
    Model balanced = TinyNets.model(8, 8, 6);
    Model skewed = unbalanced(8);
    ImageDataset data = TinyNets.images(10, 100);
    double eb = DryRun.run(balanced, Quantizer.quantize(Lowering.lower(balanced, false).stages(),
        4.0, 5), data, 0, 100).maxLogitError();
    double es = DryRun.run(skewed, Quantizer.quantize(Lowering.lower(skewed, false).stages(),
        4.0, 5), data, 0, 100).maxLogitError();
    assertTrue(es < 2 * eb + 1e-3, "skewed " + es + " vs balanced " + eb);
  }
}
