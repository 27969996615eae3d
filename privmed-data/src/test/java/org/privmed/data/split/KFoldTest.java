package org.privmed.data.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KFoldTest {
  @Test
  void foldsAreDisjointCoveringAndStratified() {
    qt().withExamples(200)
        .forAll(lists().of(integers().between(0, 4)).ofSizeBetween(10, 300),
            integers().between(2, 10), longs().all())
        .assuming((l, k, s) -> k <= l.size())
        .checkAssert((list, k, seed) -> {
          int[] labels = list.stream().mapToInt(Integer::intValue).toArray();
          List<Fold> folds = KFold.stratified(labels, k, seed);
          assertEquals(k, folds.size());
          int[] inTest = new int[labels.length];
          int[] classTotal = new int[5];
          for (int l : labels) {
            classTotal[l]++;
          }
          for (Fold f : folds) {
            boolean[] test = new boolean[labels.length];
            for (int i : f.test()) {
              inTest[i]++;
              test[i] = true;
            }
            // train is exactly the complement of test
            assertArrayEquals(IntStream.range(0, labels.length).filter(i -> !test[i]).toArray(),
                f.train());
            int[] classInFold = new int[5];
            for (int i : f.test()) {
              classInFold[labels[i]]++;
            }
            for (int c = 0; c < 5; c++) {
              double expected = (double) classTotal[c] / k;
              assertTrue(Math.abs(classInFold[c] - expected) < 1.0 + 1e-9,
                  "class " + c + ": " + classInFold[c] + " in fold " + f.index() + ", expected ~"
                      + expected);
            }
            assertTrue(Math.abs(f.test().length - (double) labels.length / k) < 1.0 + 1e-9);
          }
          for (int i = 0; i < labels.length; i++) {
            assertEquals(1, inTest[i], "row " + i);
          }
          List<Fold> again = KFold.stratified(labels, k, seed);
          for (int f = 0; f < k; f++) {
            assertArrayEquals(folds.get(f).test(), again.get(f).test());
          }
        });
  }

  @Test
  void seedChangesTheFolds() {
    int[] labels = IntStream.range(0, 100).map(i -> i % 2).toArray();
    int[] a = KFold.stratified(labels, 5, 1).get(0).test();
    int[] b = KFold.stratified(labels, 5, 2).get(0).test();
    assertTrue(!java.util.Arrays.equals(a, b));
  }

  @Test
  void refusesBadK() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KFold.stratified(new int[] {0, 1, 0}, 1, 0));
    assertTrue(e.getMessage().contains("k = 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> KFold.stratified(new int[] {0, 1, 0}, 4, 0));
    assertTrue(e.getMessage().contains("k = 4"), e.getMessage());
  }

  @Test
  void holdOutIsStratifiedDisjointAndDeterministic() {
    int[] labels = new int[253];
    for (int i = 98; i < 253; i++) {
      labels[i] = 1;
    }
    SplitIndices s = HoldOut.stratified(labels, 0.1, 0.2, 0);
    assertEquals(176, s.train().length);
    assertEquals(26, s.val().length);
    assertEquals(51, s.test().length);
    int[] seen = new int[253];
    for (int[] part : new int[][] {s.train(), s.val(), s.test()}) {
      for (int i : part) {
        seen[i]++;
      }
    }
    assertTrue(IntStream.of(seen).allMatch(x -> x == 1));
    assertEquals(20, IntStream.of(s.test()).filter(i -> labels[i] == 0).count());
    assertArrayEquals(s.test(), HoldOut.stratified(labels, 0.1, 0.2, 0).test());

    SplitIndices r = HoldOut.random(60_000, 5_000, 0);
    assertEquals(55_000, r.train().length);
    assertEquals(5_000, r.val().length);
    assertArrayEquals(r.val(), HoldOut.random(60_000, 5_000, 0).val());
  }
}
