package org.privmed.infer.bfv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.he.bfv.BfvParameters;
import org.privmed.he.math.Primes;
import org.privmed.infer.plan.Lowering;
import org.privmed.infer.quant.QuantizedNetwork;
import org.privmed.infer.quant.Quantizer;
import org.privmed.infer.quant.TinyNets;

/** The parameter choice: chains, late relinearization in the level plan, least work. */
class CrtPlanTest {

  private static BfvProgram program(long seed, int... hidden) {
    ImageDataset data = TinyNets.images(seed + 100, 60);
    return BfvCompiler.compile(TinyNets.model(seed, hidden), data,
        new BfvCompiler.Options(60, 5, 5, 2, 10, 13));
  }

  /**
   * The primes of a plan: each ≡ 1 mod 2N and prime, descending, their product at least 2^bits,
   * and no k primes of the progression below the largest reach it (so no plan with a smaller t
   * exists for that k).
   */
  @Test
  void thePrimesReachTheBitsWithTheSmallestLargestPrime() {
    qt().withExamples(40).forAll(integers().between(13, 14), integers().between(1, 5),
        integers().between(20, 110)).checkAssert((logN, k, bits) -> {
          int n = 1 << logN;
          long[] primes = CrtPlan.smallestPrimes(n, k, bits);
          if (primes == null) {
            // only when k primes below 2^30 cannot reach the bits
            assertTrue((long) k * BfvParameters.MAX_PLAIN_BITS <= bits + k, k + " primes, " + bits + " bits");
            return;
          }
          assertEquals(k, primes.length);
          BigInteger product = BigInteger.ONE;
          for (int i = 0; i < k; i++) {
            assertTrue(Primes.isPrime(primes[i]) && primes[i] % (2L * n) == 1, "t = " + primes[i]);
            assertTrue(i == 0 || primes[i] < primes[i - 1], Arrays.toString(primes));
            product = product.multiply(BigInteger.valueOf(primes[i]));
          }
          assertTrue(product.bitLength() > bits, Arrays.toString(primes) + " for " + bits + " bits");
          BigInteger below = BigInteger.ONE;
          int found = 0;
          for (long v = primes[0] - 2L * n; v > 2L * n && found < k; v -= 2L * n) {
            if (Primes.isPrime(v)) {
              below = below.multiply(BigInteger.valueOf(v));
              found++;
            }
          }
          assertTrue(found < k || below.bitLength() <= bits,
              "the " + k + " primes below " + primes[0] + " already reach " + bits + " bits");
        });
  }

  @Test
  void fixedBitsQuantizeEveryLayerAlike() {
    BfvProgram prog = program(11, 8);
    assertEquals(5, prog.network().bits());
    assertArrayEquals(new int[] {5, 5}, prog.network().weightBits());
    assertFalse(prog.quantizationTried().contains("per layer"), prog.quantizationTried());
  }

  @Test
  void aPerLayerPrecisionIsTakenOnlyWhenItsPlanIsCheaper() {
    ImageDataset data = TinyNets.images(12, 300);
    var model = TinyNets.model(11, 8);
    BfvProgram open = BfvCompiler.compile(model, data, new BfvCompiler.Options(300, 2, 14, 2, 10, 13));
    Quantizer.Choice uniform = Quantizer.choose(model, Lowering.lower(model, false), data, 300, 2, 14,
        CrtPlan.MAX_PRODUCT_BITS - 2);
    CrtPlan uniformPlan = CrtPlan.choose(uniform.network(), uniform.dryRun().bitsNeeded(2), 10, 13);
    double chosen = CrtPlan.work(open.network(), open.plan());
    double uniformWork = CrtPlan.work(uniform.network(), uniformPlan);
    assertTrue(chosen <= uniformWork, chosen + " > " + uniformWork);
    assertEquals(300, open.dryRun().agree(), open.quantizationTried());
    boolean perLayer = Arrays.stream(open.network().weightBits())
        .anyMatch(b -> b != open.network().bits());
    assertEquals(perLayer, BfvCompiler.clearlyCheaper(chosen, uniformWork), open.quantizationTried());
    assertTrue(open.quantizationTried().contains(perLayer ? "per layer taken" : "uniform kept"),
        open.quantizationTried());
  }

  @Test
  void squaresFollowedByALinearLayerAreRelinearizedLateAndNotSwitchedBefore() {
    BfvProgram prog = program(3, 8, 6);
    List<QuantizedNetwork.Layer> layers = prog.network().layers();
    int[] levels = prog.plan().levels();
    int late = 0;
    for (int i = 0; i < layers.size(); i++) {
      boolean square = layers.get(i) instanceof QuantizedNetwork.Square;
      assertEquals(square && i + 1 < layers.size(), CrtPlan.relinearizesLate(layers, i), "layer " + i);
      if (CrtPlan.relinearizesLate(layers, i)) {
        late++;
        assertEquals(levels[i], levels[i + 1], "products of layer " + i + " must not be switched");
      }
    }
    assertEquals(2, late);
    // 8 and 6 squares: their relinearizations become one per sum of the next layer (6 and 3)
    assertEquals(6 + 3, prog.relinearizations());
  }

  @Test
  void theChosenChainIsTheLeastWorkAmongThoseThatKeepTheBudget() {
    BfvProgram prog = program(5, 12);
    CrtPlan plan = prog.plan();
    assertTrue(plan.predictedBudget() >= 10, plan.tried());
    QuantizedNetwork net = prog.network();
    // SEAL's default chain with the same primes: if it keeps the budget, it must not be cheaper
    List<BfvParameters> seal = new java.util.ArrayList<>();
    for (long t : plan.plainPrimes()) {
      seal.add(BfvParameters.builder().logN(13).qBits(43, 43, 44, 44).pBits(44).plainModulus(t).build());
    }
    CrtPlan.Schedule s = CrtPlan.schedule(net, seal.get(0), 10);
    CrtPlan alternative = new CrtPlan(13, plan.plainPrimes(), plan.bitsNeeded(), seal, s.levels(),
        s.outputLevel(), s.budget(), "");
    if (s.budget() >= 10) {
      assertTrue(CrtPlan.work(net, plan) <= CrtPlan.work(net, alternative),
          plan.tried() + ": chosen work " + CrtPlan.work(net, plan) + ", SEAL's " + CrtPlan.work(net, alternative));
    }
    assertTrue(plan.tried().contains("wide") && plan.tried().contains("SEAL default"), plan.tried());
    // 128-bit secure whichever chain won
    for (BfvParameters p : plan.parameters()) {
      assertFalse(p.toString().contains("INSECURE"), p.toString());
      assertTrue(p.logQP() <= 218, p.toString());
    }
  }

private static final QuantizedNetwork NET =
      Quantizer.quantize(Lowering.lower(TinyNets.model(21, 8, 6), false).stages(), 2.0, 6);

  @Test
  void wideValuesGetAsManyBatchingPrimesAsTheirBitsNeed() {
    for (int need : new int[] {40, 90, 130}) {
      CrtPlan plan = CrtPlan.choose(NET, need, 10, 13);
      long[] t = plan.plainPrimes();
      assertTrue(plan.logPlainProduct() >= need, need + " bits: product of " + Arrays.toString(t));
      long twoN = 2L * plan.ringDegree();
      for (long p : t) {
        assertEquals(1, p % twoN, p + " does not batch at N = " + plan.ringDegree());
      }
      assertEquals(t.length, Arrays.stream(t).distinct().count(), Arrays.toString(t));
      assertTrue(plan.predictedBudget() >= 10, plan.tried());
      if (need >= 90) {
        assertTrue(t.length >= 4, need + " bits in " + t.length + " primes: " + plan.tried());
      }
    }
  }

  @Test
  void fewerBitsNeverTakeMorePrimes() {
    int last = 0;
    for (int need = 20; need <= 150; need += 26) {
      int k = CrtPlan.choose(NET, need, 10, 13).plainPrimes().length;
      assertTrue(k >= last, need + " bits took " + k + " primes, fewer bits took " + last);
      last = k;
    }
  }
}
