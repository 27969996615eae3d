package org.privmed.infer.bfv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.he.bfv.BfvCiphertext;
import org.privmed.he.bfv.BfvContext;
import org.privmed.infer.quant.QuantizedNetwork;
import org.privmed.infer.quant.TinyNets;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;

/** The BFV throughput program against the exact integer evaluation, on random nets and real images. */
class BfvThroughputTest {

  /** A random net at 7-bit quantization: more than one plaintext prime. */
  private static BfvProgram multiPrime(long seed, int width, ImageDataset data) {
    BfvProgram prog = BfvCompiler.compile(TinyNets.model(seed, width), data,
        new BfvCompiler.Options(40, 7, 7, 2, 10, 13));
    assertTrue(prog.primeCount() >= 2, prog.explain());
    return prog;
  }

  /** A multi-prime program on random images, its per-prime contexts and a client holding the keys. */
  private record Keyed(ImageDataset data, BfvProgram prog, List<BfvContext> ctx, BfvClient client) {}

  private static Keyed keyed(long dataSeed, long netSeed, int width) {
    ImageDataset data = TinyNets.images(dataSeed, 40);
    BfvProgram prog = multiPrime(netSeed, width, data);
    List<BfvContext> ctx = contexts(prog);
    return new Keyed(data, prog, ctx, new BfvClient(prog, ctx));
  }

  private static List<BfvContext> contexts(BfvProgram prog) {
    List<BfvContext> ctx = new ArrayList<>();
    for (int p = 0; p < prog.primeCount(); p++) {
      ctx.add(new BfvContext(prog.parameters(p)));
    }
    return ctx;
  }

  /** Encrypts, evaluates under every prime, decrypts; returns [image][class] and checks the budget. */
  private static BigInteger[][] runEncrypted(BfvProgram prog, float[][] images, int threads) {
    List<BfvContext> ctx = contexts(prog);
    BfvClient client = new BfvClient(prog, ctx);
    BfvCiphertext[][] out = evaluateEachPrime(prog, ctx, client, images, threads);
    int budget = client.noiseBudget(out);
    assertTrue(budget > 0, "noise budget exhausted");
    assertTrue(Math.abs(budget - prog.plan().predictedBudget()) <= 8,
        "measured budget " + budget + " vs predicted " + prog.plan().predictedBudget());
    return client.decrypt(out, images.length);
  }

  /** Encrypts under every prime and evaluates each prime on its own evaluator. */
  private static BfvCiphertext[][] evaluateEachPrime(BfvProgram prog, List<BfvContext> ctx,
      BfvClient client, float[][] images, int threads) {
    BfvCiphertext[][] in = client.encrypt(images, threads);
    BfvCiphertext[][] out = new BfvCiphertext[prog.primeCount()][];
    for (int p = 0; p < prog.primeCount(); p++) {
      try (BfvThroughputEvaluator server = new BfvThroughputEvaluator(prog, p, ctx.get(p),
          client.relinearizationKey(p), threads)) {
        out[p] = server.evaluate(in[p]);
      }
    }
    return out;
  }

  private static void assertExact(BfvProgram prog, float[][] images, BigInteger[][] got) {
    QuantizedNetwork net = prog.network();
    for (int b = 0; b < images.length; b++) {
      BigInteger[] want = net.evaluate(net.quantizeInput(
          org.privmed.nn.infer.PlainInference.normalize(prog.model(), images[b])));
      assertArrayEquals(want, got[b], "image " + b);
    }
  }

  /** An output whose noise has reached the decryption bound is refused, not joined into a logit. */
  @Test
  void anOutputWithoutNoiseBudgetIsRefused() {
    Keyed k = keyed(113, 13, 6);
    BfvProgram prog = k.prog();
    List<BfvContext> ctx = k.ctx();
    BfvClient client = k.client();
    float[][] images = Arrays.copyOf(k.data().images(), 3);
    BfvCiphertext[][] out = evaluateEachPrime(prog, ctx, client, images, 1);
    assertEquals(images.length, client.decrypt(out, images.length).length);
    // noise of about a quarter of Q in every coefficient of c0 under the last prime
    int last = prog.primeCount() - 1;
    BfvCiphertext victim = out[last][0];
    org.privmed.he.ring.RnsPoly[] polys = victim.polys();
    org.privmed.he.ring.RnsPoly c0 = polys[0].copy();
    for (int l = 0; l < c0.limbCount(); l++) {
      long q = ctx.get(last).rlwe().qAtLevel(victim.level()).modulus(l).value();
      long[] limb = c0.limb(l);
      for (int i = 0; i < limb.length; i++) {
        limb[i] = (limb[i] + (i % 2 == 0 ? q / 4 : q / 3)) % q;
      }
    }
    polys[0] = c0;
    out[last][0] = new BfvCiphertext(polys, victim.paramsId());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> client.decrypt(out, images.length));
    assertTrue(e.getMessage().contains("no noise budget left"), e.getMessage());
  }

  @Test
  void randomNetsUnderSeveralPrimesMatchTheIntegerEvaluationExactly() {
    for (long seed : new long[] {11, 12}) {
      Model m = TinyNets.model(seed, 8);
      ImageDataset data = TinyNets.images(seed + 100, 120);
      // 7-bit quantization needs more than one 30-bit prime: the CRT path is exercised
      BfvProgram prog = BfvCompiler.compile(m, data,
          new BfvCompiler.Options(120, 7, 7, 2, 10, 13));
      assertTrue(prog.primeCount() >= 2, prog.explain());
      long[] primes = prog.plan().plainPrimes();
      for (long t : primes) {
        assertEquals(1, t % (2L * prog.plan().ringDegree()), "t ≡ 1 mod 2N");
      }
      assertTrue(prog.plan().logPlainProduct() >= prog.plan().bitsNeeded());
      float[][] images = data.images();
      assertExact(prog, images, runEncrypted(prog, images, 2));
    }
  }

  @Test
  void shippedMnistModelOnRealImagesIsExact() throws Exception {
    Path file = null;
    for (Path dir = Path.of("").toAbsolutePath(); dir != null && file == null; dir = dir.getParent()) {
      Path f = dir.resolve("models").resolve("tenseal-mnist.pm"); // models/ sits at the project root
      file = f.toFile().isFile() ? f : null;
    }
    assertTrue(file != null, "models/tenseal-mnist.pm not found");
    Model m = ModelFile.read(file);
    ImageDataset val = Datasets.load("mnist", Split.VAL);
    ImageDataset test = Datasets.load("mnist", Split.TEST);
    BfvProgram prog = BfvCompiler.compile(m, val, new BfvCompiler.Options(128, 2, 12, 2, 10, 13));
    float[][] images = Arrays.copyOf(test.images(), 24);
    assertExact(prog, images, runEncrypted(prog, images, 2));
  }

  @Test
  void primesEvaluatedAtOnceOnASharedPoolGiveTheSequentialCiphertextsBitForBit() {
    Keyed k = keyed(32, 31, 6);
    BfvProgram prog = k.prog();
    List<BfvContext> ctx = k.ctx();
    BfvClient client = k.client();
    BfvCiphertext[][] in = client.encrypt(Arrays.copyOf(k.data().images(), 5), 1);
    List<BfvThroughputEvaluator> alone = new ArrayList<>();
    List<BfvThroughputEvaluator> shared = new ArrayList<>();
    ForkJoinPool pool = new ForkJoinPool(3);
    try {
      for (int p = 0; p < prog.primeCount(); p++) {
        alone.add(new BfvThroughputEvaluator(prog, p, ctx.get(p), client.relinearizationKey(p), 1));
        shared.add(new BfvThroughputEvaluator(prog, p, ctx.get(p), client.relinearizationKey(p), pool));
      }
      BfvCiphertext[][] want = BfvThroughputEvaluator.evaluateAll(alone, in, null);
      BfvCiphertext[][] got = BfvThroughputEvaluator.evaluateAll(shared, in, pool);
      for (int p = 0; p < want.length; p++) {
        assertEquals(want[p].length, got[p].length);
        for (int o = 0; o < want[p].length; o++) {
          for (int i = 0; i < want[p][o].size(); i++) {
            assertTrue(Arrays.deepEquals(want[p][o].poly(i).limbs(), got[p][o].poly(i).limbs()),
                "prime " + p + ", output " + o + ", poly " + i);
          }
        }
      }
      assertExact(prog, Arrays.copyOf(k.data().images(), 5), client.decrypt(got, 5));
      shared.forEach(BfvThroughputEvaluator::close);
      assertTrue(!pool.isShutdown(), "closing an evaluator must leave the shared pool to its owner");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aCiphertextOfAnotherPrimeIsRefused() {
    Keyed k = keyed(22, 21, 4);
    BfvProgram prog = k.prog();
    List<BfvContext> ctx = k.ctx();
    BfvClient client = k.client();
    BfvCiphertext[][] in = client.encrypt(Arrays.copyOf(k.data().images(), 3), 1);
    try (BfvThroughputEvaluator server = new BfvThroughputEvaluator(prog, 0, ctx.get(0),
        client.relinearizationKey(0), 1)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> server.evaluate(in[1]));
      assertTrue(e.getMessage().contains("parameter id"), e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> server.evaluate(Arrays.copyOf(in[0], in[0].length - 1)));
    }
    assertThrows(IllegalArgumentException.class,
        () -> new BfvThroughputEvaluator(prog, 1, ctx.get(0), client.relinearizationKey(0), 1));
  }
}
