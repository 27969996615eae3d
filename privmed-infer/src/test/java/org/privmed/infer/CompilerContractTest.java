package org.privmed.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.data.Normalization;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.infer.compile.ClientProgram;
import org.privmed.infer.compile.CompileOptions;
import org.privmed.infer.compile.HeCompiler;
import org.privmed.infer.compile.HeProgram;
import org.privmed.infer.compile.Packing;
import org.privmed.infer.compile.ProgramFormatException;
import org.privmed.infer.plan.NonPolynomialLayerException;
import org.privmed.infer.runtime.ClientKeys;
import org.privmed.infer.runtime.ClientSession;
import org.privmed.infer.runtime.ServerEvaluator;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.AvgPool2d;
import org.privmed.nn.model.Conv2d;
import org.privmed.nn.model.Dense;
import org.privmed.nn.model.Flatten;
import org.privmed.nn.model.Layer;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.Polynomial;
import org.privmed.nn.model.Relu;
import org.privmed.nn.model.ResidueActivation;
import org.privmed.nn.model.ScaledPower;
import org.privmed.nn.model.Square;
import org.privmed.nn.model.TensorShape;

/** A tiny random polynomial network: every activation kind, both packings, and the contracts. */
class CompilerContractTest {
  private static final SplittableRandom RND = new SplittableRandom(4);

  private static double[] random(int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (RND.nextDouble() * 2 - 1) * scale;
    }
    return v;
  }

  static Model tinyModel(Layer activation) {
    List<Layer> layers = new ArrayList<>();
    layers.add(new Conv2d(1, 2, 3, 1, 1, random(18, 0.4), random(2, 0.1)));
    layers.add(new AvgPool2d(2, 2));
    layers.add(activation);
    layers.add(new Flatten());
    layers.add(new Dense(32, 8, random(256, 0.25), random(8, 0.1)));
    layers.add(new ResidueActivation(2, 0.1));
    layers.add(new Dense(8, 8, random(64, 0.4), random(8, 0.1)));
    layers.add(new ScaledPower(3, 0.3, false));
    layers.add(new Dense(8, 3, random(24, 0.5), random(3, 0.1)));
    return new Model("tiny", new TensorShape(1, 8, 8), layers, List.of("a", "b", "c"),
        new Normalization(new double[] {0.5}, new double[] {0.25}), Map.of());
  }

  /** conv → avgpool → square → dense: depth 3, for the contract tests that need no depth. */
  static Model shallowModel() {
    List<Layer> layers = List.of(new Conv2d(1, 2, 3, 1, 1, random(18, 0.4), random(2, 0.1)),
        new AvgPool2d(2, 2), new Square(), new Flatten(),
        new Dense(32, 3, random(96, 0.3), random(3, 0.1)));
    return new Model("shallow", new TensorShape(1, 8, 8), layers, List.of("a", "b", "c"),
        new Normalization(new double[] {0.5}, new double[] {0.25}), Map.of());
  }

  static ImageDataset images(int n) {
    float[][] img = new float[n][64];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 64; j++) {
        img[i][j] = (float) RND.nextDouble();
      }
      labels[i] = i % 3;
    }
    return new ImageDataset("random8x8", 1, 8, 8, img, labels, List.of("a", "b", "c"));
  }

  private static void checkAgainstPlain(Model model, Packing packing) {
    ImageDataset data = images(2);
    HeProgram prog = HeCompiler.compile(model, packing, CompileOptions.defaults(), data);
    try (CkksContext ctx = new CkksContext(prog.parameters(), 1)) {
      ClientKeys keys = ClientKeys.generate(prog, ctx);
      // the client works from the serialised client form, as over the wire
      ClientSession client = new ClientSession(ClientProgram.fromBytes(prog.clientProgram().toBytes(),
          false), ctx, keys.secretKey());
      try (ServerEvaluator server = new ServerEvaluator(prog, ctx, keys.relinearizationKey(),
          keys.galoisKeys())) {
        for (int i = 0; i < data.size(); i++) {
          float[][] one = {data.images()[i]};
          double[] got = client.decrypt(server.evaluate(client.encrypt(one)), 1)[0];
          double[] want = PlainInference.logits(model, data.images()[i]);
          for (int o = 0; o < want.length; o++) {
            assertTrue(Math.abs(got[o] - want[o]) <= prog.predictedError(), packing + " image " + i
                + " logit " + o + ": " + got[o] + " vs " + want[o] + ", predicted error "
                + prog.predictedError());
          }
        }
      }
    }
  }

  @Test
  void tinyPolynomialNetworkLatency() {
    checkAgainstPlain(tinyModel(new Polynomial(new double[] {0.1, 0.5, 0.2})), Packing.LATENCY);
  }

  @Test
  void tinyPolynomialNetworkThroughput() {
    checkAgainstPlain(tinyModel(new Polynomial(new double[] {0.1, 0.5, 0.2})), Packing.THROUGHPUT);
  }

  /**
   * Logits in the hundreds (as a trained network's): the program is accepted against the target
   * relative to the largest logit, and the encrypted logits still stay within its predicted error.
   */
  @Test
  void largeLogitsAreJudgedAgainstTheRelativeTarget() {
    Model base = shallowModel();
    List<Layer> layers = new ArrayList<>(base.layers());
    Dense last = (Dense) layers.get(layers.size() - 1);
    double[] w = last.weight().clone();
    for (int i = 0; i < w.length; i++) {
      w[i] *= 2000;
    }
    layers.set(layers.size() - 1, new Dense(last.inFeatures(), last.outFeatures(), w, last.bias()));
    Model loud = base.withLayers(layers);
    HeProgram prog = HeCompiler.compile(loud, Packing.LATENCY, CompileOptions.defaults(), images(2));
    double[] ranges = prog.calibrationMaxAbs();
    double largest = ranges[ranges.length - 1];
    assertTrue(largest > 100, "logits reach " + largest);
    assertTrue(prog.predictedError() <= Math.max(0.05, 2e-3 * largest), "predicted "
        + prog.predictedError());
    checkAgainstPlain(loud, Packing.LATENCY);
  }

  @Test
  void reluIsRefusedNamingTheLayerAndItsReplacement() {
    Model m = tinyModel(new Relu());
    NonPolynomialLayerException e = assertThrows(NonPolynomialLayerException.class,
        () -> HeCompiler.compile(m, Packing.LATENCY, CompileOptions.defaults(), images(2)));
    assertTrue(e.getMessage().contains("layer 2 (relu)"), e.getMessage());
    assertTrue(e.getMessage().contains("square"), e.getMessage());
  }

  @Test
  void galoisKeysAreExactlyTheRotationsUsed() {
    HeProgram prog = HeCompiler.compile(shallowModel(), Packing.LATENCY, CompileOptions.defaults(), images(2));
    int[] steps = prog.rotationSteps();
    assertTrue(steps.length > 0);
    try (CkksContext ctx = new CkksContext(prog.parameters(), 1)) {
      ClientKeys keys = ClientKeys.generate(prog, ctx);
      assertEquals(steps.length, keys.galoisKeys().keys().size());
      ClientSession client = new ClientSession(prog.clientProgram(), ctx, keys.secretKey());
      Ciphertext[] in = client.encrypt(new float[][] {images(1).images()[0]});
      // sufficient: the exact set evaluates
      try (ServerEvaluator full = new ServerEvaluator(prog, ctx, keys.relinearizationKey(),
          keys.galoisKeys())) {
        full.evaluate(in);
      }
      // necessary: every key is used, so the evaluation fails without any single one
      for (int s : steps) {
        Map<Integer, org.privmed.he.rlwe.SwitchingKey> fewer = new java.util.HashMap<>(
            keys.galoisKeys().keys());
        fewer.remove(ctx.galoisElementForRotation(s));
        org.privmed.he.rlwe.GaloisKeys gk = new org.privmed.he.rlwe.GaloisKeys(fewer, ctx.paramsId());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ServerEvaluator.unchecked(prog, ctx, keys.relinearizationKey(), gk).evaluate(in));
        assertTrue(e.getMessage().contains("rotation by " + s), e.getMessage());
      }
    }
  }

  @Test
  void throughputUsesNoRotations() {
    HeProgram prog = HeCompiler.compile(tinyModel(new Square()), Packing.THROUGHPUT,
        CompileOptions.defaults(), images(2));
    assertEquals(0, prog.rotationSteps().length);
    assertEquals(prog.parameters().slots(), prog.imagesPerBatch());
    assertEquals(64, prog.inputCiphertexts());
    assertEquals(3, prog.outputCiphertexts());
  }

  /**
   * Squares after linear stages: the throughput program multiplies by integer weights without
   * rescaling, so the chain has one prime per square only, and still agrees with the plaintext
   * within its prediction. A cube (scaled power 3) keeps the plan that rescales every stage.
   */
  @Test
  void throughputSquaresShareTheirLevelWithTheLinearStageBefore() {
    HeProgram prog = HeCompiler.compile(shallowModel(), Packing.THROUGHPUT, CompileOptions.defaults(),
        images(2));
    assertTrue(prog.integerWeights());
    assertEquals(1, prog.parameters().maxLevel());
    assertTrue(prog.explain().contains("integer weights"), prog.explain());
    checkAgainstPlain(shallowModel(), Packing.THROUGHPUT);
    HeProgram cube = HeCompiler.compile(tinyModel(new Square()), Packing.THROUGHPUT,
        CompileOptions.defaults(), images(2));
    assertTrue(!cube.integerWeights());
  }

  /** The throughput evaluation split over two threads gives exactly the one-thread ciphertexts. */
  @Test
  void throughputWithTwoThreadsIsBitIdentical() {
    HeProgram prog = HeCompiler.compile(shallowModel(), Packing.THROUGHPUT, CompileOptions.defaults(),
        images(2));
    try (CkksContext one = new CkksContext(prog.parameters(), 1);
        CkksContext two = new CkksContext(prog.parameters(), 2)) {
      ClientKeys keys = ClientKeys.generate(prog, one);
      ClientSession client = new ClientSession(prog.clientProgram(), one, keys.secretKey());
      Ciphertext[] in = client.encrypt(images(3).images());
      Ciphertext[] a;
      Ciphertext[] b;
      try (ServerEvaluator s1 = new ServerEvaluator(prog, one, keys.relinearizationKey(), null);
          ServerEvaluator s2 = new ServerEvaluator(prog, two, keys.relinearizationKey(), null)) {
        a = s1.evaluate(in);
        b = s2.evaluate(in);
      }
      assertEquals(a.length, b.length);
      for (int o = 0; o < a.length; o++) {
        assertEquals(a[o].scale(), b[o].scale());
        for (int p = 0; p < a[o].size(); p++) {
          for (int i = 0; i <= a[o].level(); i++) {
            assertArrayEquals(a[o].poly(p).limb(i), b[o].poly(p).limb(i), "output " + o);
          }
        }
      }
    }
  }

  /**
   * A convolution on a large activation (16×28×28 after pooling to 16×14×14, then 16→32 channels):
   * refused in both packings, naming the layer, the matrix size and what is missing.
   */
  @Test
  void convolutionsBeyondTheDenseLimitAreRefusedNamingTheLayer() {
    List<Layer> layers = List.of(new Conv2d(1, 16, 3, 1, 1, random(144, 0.3), random(16, 0.1)),
        new Square(), new AvgPool2d(2, 2), new Conv2d(16, 32, 3, 1, 1, random(4608, 0.1),
            random(32, 0.1)), new Flatten(), new Dense(6272, 2, random(12544, 0.01), random(2, 0.1)));
    Model big = new Model("big", new TensorShape(1, 28, 28), layers, List.of("a", "b"),
        new Normalization(new double[] {0.5}, new double[] {0.25}), Map.of());
    IllegalArgumentException thr = assertThrows(IllegalArgumentException.class,
        () -> org.privmed.infer.plan.Lowering.lower(big, false));
    assertTrue(thr.getMessage().startsWith("layer 3 (conv2d 16x14x14 -> 32x14x14"), thr.getMessage());
    assertTrue(thr.getMessage().contains("from layer 2 (avgpool2d"), thr.getMessage());
    assertTrue(thr.getMessage().contains("6272x12544"), thr.getMessage());
    assertTrue(thr.getMessage().contains("sparse convolution lowering"), thr.getMessage());
    IllegalArgumentException lat = assertThrows(IllegalArgumentException.class,
        () -> org.privmed.infer.plan.Lowering.lower(big, true));
    assertTrue(lat.getMessage().contains("multi-ciphertext convolution packing"), lat.getMessage());
  }

  @Test
  void programRoundTripsAndTamperingIsRefused() {
    HeProgram prog = HeCompiler.compile(tinyModel(new Square()), Packing.LATENCY,
        CompileOptions.defaults(), images(2));
    byte[] bytes = prog.toBytes();
    HeProgram back = HeProgram.fromBytes(bytes);
    assertEquals(prog.parameters().id(), back.parameters().id());
    assertArrayEquals(prog.rotationSteps(), back.rotationSteps());
    assertEquals(prog.explain(), back.explain());
    assertArrayEquals(bytes, back.toBytes());
    for (int pos : new int[] {0, 12, bytes.length / 2, bytes.length - 40, bytes.length - 1}) {
      byte[] bad = bytes.clone();
      bad[pos] ^= 0x10;
      assertThrows(ProgramFormatException.class, () -> HeProgram.fromBytes(bad), "flip at " + pos);
    }
    assertThrows(ProgramFormatException.class,
        () -> HeProgram.fromBytes(java.util.Arrays.copyOf(bytes, bytes.length - 7)));
  }

  @Test
  void serverRefusesInputsOfTheWrongShape() {
    HeProgram prog = HeCompiler.compile(shallowModel(), Packing.LATENCY,
        CompileOptions.defaults(), images(2));
    try (CkksContext ctx = new CkksContext(prog.parameters(), 1)) {
      ClientKeys keys = ClientKeys.generate(prog, ctx);
      ClientSession client = new ClientSession(prog.clientProgram(), ctx, keys.secretKey());
      Ciphertext[] in = client.encrypt(new float[][] {images(1).images()[0]});
      try (ServerEvaluator server = new ServerEvaluator(prog, ctx, keys.relinearizationKey(),
          keys.galoisKeys())) {
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
            () -> server.evaluate(new Ciphertext[] {in[0], in[0]}));
        assertTrue(count.getMessage().contains("expected 1 input"), count.getMessage());
        org.privmed.he.ckks.Evaluator ev = new org.privmed.he.ckks.Evaluator(ctx, null, null);
        Ciphertext low = ev.dropLevel(in[0], in[0].level() - 1);
        IllegalArgumentException level = assertThrows(IllegalArgumentException.class,
            () -> server.evaluate(new Ciphertext[] {low}));
        assertTrue(level.getMessage().contains("level"), level.getMessage());
      }
    }
  }
}
