package org.privmed.infer.bfv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.privmed.infer.plan.Lowering;
import org.privmed.infer.quant.QuantizedNetwork;
import org.privmed.infer.quant.Quantizer;
import org.privmed.infer.quant.TinyNets;

class CrtPlanTest {
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
