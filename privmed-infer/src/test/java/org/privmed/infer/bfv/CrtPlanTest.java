package org.privmed.infer.bfv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.he.bfv.BfvParameters;
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
