package org.privmed.infer.bfv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.privmed.he.math.Primes;

class CrtRecombinerTest {
  private static final long[] PRIMES = Primes.nttPrimes(21, 8192, 3);
  private static final CrtRecombiner CRT = new CrtRecombiner(PRIMES);

  @Test
  void residuesOfAnyCentredValueJoinBackToIt() {
    long half = CRT.product().shiftRight(1).longValueExact();
    qt().forAll(longs().between(-half, half)).checkAssert(x -> {
      long[] r = new long[PRIMES.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = Math.floorMod(x, PRIMES[i]);
      }
      assertEquals(x, CRT.combineLong(r));
    });
  }

  @Test
  void aValueBeyondHalfTheProductComesBackWrapped() {
    BigInteger t = CRT.product();
    long x = t.shiftRight(1).longValueExact() + 5;
    long[] r = new long[PRIMES.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.floorMod(x, PRIMES[i]);
    }
    assertEquals(BigInteger.valueOf(x).subtract(t), CRT.combine(r));
  }

  @Test
  void refusesSharedFactorsAndWrongCounts() {
    assertThrows(IllegalArgumentException.class, () -> new CrtRecombiner(new long[] {15, 10}));
    assertThrows(IllegalArgumentException.class, () -> CRT.combine(new long[] {1, 2}));
  }
}
