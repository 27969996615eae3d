package org.privmed.infer.bfv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.privmed.he.math.Primes;

class CrtRecombinerTest {
  private static final long[] PRIMES = Primes.nttPrimes(21, 8192, 3);
  private static final CrtRecombiner CRT = new CrtRecombiner(PRIMES);
  // seven 21-bit primes: a product of about 140 bits, far beyond a long
  private static final long[] WIDE = Primes.nttPrimes(21, 8192, 7);
  private static final CrtRecombiner WIDE_CRT = new CrtRecombiner(WIDE);

  private static long[] residues(BigInteger x, long[] primes) {
    long[] r = new long[primes.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = x.mod(BigInteger.valueOf(primes[i])).longValueExact();
    }
    return r;
  }

  @Test
  void residuesOfAnyCentredValueJoinBackToIt() {
    long half = CRT.product().shiftRight(1).longValueExact();
    qt().forAll(longs().between(-half, half)).checkAssert(x ->
        assertEquals(BigInteger.valueOf(x), CRT.combine(residues(BigInteger.valueOf(x), PRIMES))));
  }

  @Test
  void valuesOfMoreThan64BitsJoinBackExactly() {
    BigInteger half = WIDE_CRT.product().shiftRight(1);
    assertTrue(half.bitLength() > 128, "the test must reach past 128 bits");
    // three random 64-bit limbs and a random width: x = ±(limbs mod T/2) >> shift
    qt().forAll(longs().all(), longs().all(), longs().all(), integers().between(0, 140))
        .checkAssert((a, b, c, shift) -> {
          BigInteger mag = BigInteger.valueOf(a).shiftLeft(128)
              .add(BigInteger.valueOf(b).shiftLeft(64)).add(BigInteger.valueOf(c)).abs()
              .mod(half).shiftRight(shift);
          BigInteger x = (a & 1) == 0 ? mag : mag.negate();
          assertEquals(x, WIDE_CRT.combine(residues(x, WIDE)));
        });
  }

  @Test
  void theExtremesOfTheCentredRangeJoinBack() {
    BigInteger t = WIDE_CRT.product();
    BigInteger half = t.shiftRight(1); // T is odd: the range is [-(T-1)/2, (T-1)/2]
    for (BigInteger x : new BigInteger[] {half, half.negate(), BigInteger.ONE.negate(), BigInteger.ZERO}) {
      assertEquals(x, WIDE_CRT.combine(residues(x, WIDE)));
    }
  }

  @Test
  void aValueBeyondHalfTheProductComesBackWrapped() {
    BigInteger t = CRT.product();
    BigInteger x = t.shiftRight(1).add(BigInteger.valueOf(5));
    assertEquals(x.subtract(t), CRT.combine(residues(x, PRIMES)));
  }

  @Test
  void refusesSharedFactorsWrongCountsAndWidePrimes() {
    assertThrows(IllegalArgumentException.class, () -> new CrtRecombiner(new long[] {15, 10}));
    assertThrows(IllegalArgumentException.class, () -> new CrtRecombiner(new long[] {1L << 40}));
    assertThrows(IllegalArgumentException.class, () -> CRT.combine(new long[] {1, 2}));
  }
}
