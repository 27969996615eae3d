package org.privmed.encode.neuracrypt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.encode.TestKeys;
import org.privmed.encode.key.EncoderKey;

class NeuraCryptEncoderTest {
  private static final EncoderConfig CFG = EncoderConfig.defaults(1, 28, 28);

  private static float[] image(long seed) {
    Random r = new Random(seed);
    float[] x = new float[28 * 28];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    return x;
  }

  @Test
  void defaultsAreDocumentedSizes() {
    assertEquals(7, CFG.patch());
    assertEquals(16, CFG.patches());
    assertEquals(64, CFG.width());
    assertEquals(2, CFG.depth());
    EncoderConfig big = EncoderConfig.defaults(1, 64, 64);
    assertEquals(8, big.patch());
    assertEquals(64, big.patches());
    assertEquals(128, big.width());
    assertEquals(3, big.depth());
  }

  @Test
  void sameKeySameEncodingDifferentKeyDifferent() {
    qt().withExamples(20).forAll(integers().between(0, 1_000_000)).checkAssert(seed -> {
      float[] x = image(seed);
      float[] a = new NeuraCryptEncoder(TestKeys.fixed(1), CFG).encode(x);
      float[] b = new NeuraCryptEncoder(TestKeys.fixed(1), CFG).encode(x.clone());
      float[] c = new NeuraCryptEncoder(TestKeys.fixed(2), CFG).encode(x);
      assertArrayEquals(a, b);
      assertFalse(Arrays.equals(a, c));
      assertEquals(CFG.encodedValues(), a.length);
    });
  }

  @Test
  void shuffledEncodingIsAPermutationOfTheUnshuffledOne() {
    EncoderKey key = TestKeys.fixed(3);
    float[] x = image(42);
    int[] perm = new int[CFG.patches()];
    float[] shuffled = new NeuraCryptEncoder(key, CFG).encode(x, perm);
    float[] plain = new NeuraCryptEncoder(key, CFG.withShuffle(false)).encode(x);
    int[] sorted = perm.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      assertEquals(i, sorted[i], "permutation covers every patch once");
    }
    boolean moved = false;
    int d = CFG.width();
    for (int slot = 0; slot < perm.length; slot++) {
      assertArrayEquals(Arrays.copyOfRange(plain, perm[slot] * d, perm[slot] * d + d),
          Arrays.copyOfRange(shuffled, slot * d, slot * d + d));
      moved |= perm[slot] != slot;
    }
    assertTrue(moved, "a 16-patch permutation should not be the identity");
    int[] other = new int[CFG.patches()];
    new NeuraCryptEncoder(key, CFG).encode(image(43), other);
    assertFalse(Arrays.equals(perm, other), "each image gets its own permutation");
  }

  @Test
  void outputDependsOnEveryPatch() {
    float[] x = image(7);
    NeuraCryptEncoder enc = new NeuraCryptEncoder(TestKeys.fixed(4), CFG.withShuffle(false));
    float[] base = enc.encode(x);
    float[] y = x.clone();
    y[27 * 28 + 27] += 0.5f; // last pixel, last patch
    float[] changed = enc.encode(y);
    int d = CFG.width();
    int last = CFG.patches() - 1;
    assertFalse(Arrays.equals(Arrays.copyOfRange(base, last * d, last * d + d),
        Arrays.copyOfRange(changed, last * d, last * d + d)));
  }

  @Test
  void badInputsAreNamed() {
    NeuraCryptEncoder enc = new NeuraCryptEncoder(TestKeys.fixed(1), CFG);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> enc.encode(new float[100]));
    assertTrue(e.getMessage().contains("100"), e.getMessage());
    float[] x = image(1);
    x[5] = Float.NaN;
    e = assertThrows(IllegalArgumentException.class, () -> enc.encode(x));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new EncoderConfig(1, 28, 28, 5, 64, 2, 1, true));
    assertTrue(e.getMessage().contains("patch 5"), e.getMessage());
  }
}
