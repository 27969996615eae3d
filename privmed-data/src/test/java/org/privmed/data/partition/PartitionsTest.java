package org.privmed.data.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class PartitionsTest {
  /** Label vectors of 40..400 rows over up to 10 classes. */
  private static Gen<int[]> labelVectors() {
    return lists().of(integers().between(0, 9)).ofSizeBetween(40, 400)
        .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Fails unless every row 0..n-1 is held by exactly one client and no client is empty. */
  static void assertExactCover(Partition p, int n) {
    int[] seen = new int[n];
    for (int c = 0; c < p.numClients(); c++) {
      assertTrue(p.clientSize(c) > 0, "client " + c + " is empty in " + p);
      for (int row : p.client(c)) {
        seen[row]++;
      }
    }
    for (int i = 0; i < n; i++) {
      assertEquals(1, seen[i], "row " + i + " held " + seen[i] + " times in " + p);
    }
  }

  @Test
  void iidCoversEveryRowOnceWithBalancedSizes() {
    qt().withExamples(200).forAll(integers().between(1, 2000), integers().between(1, 40),
        longs().all()).assuming((n, k, s) -> k <= n).checkAssert((n, k, seed) -> {
          Partition p = Partitions.iid(n, k, seed);
          assertExactCover(p, n);
          int min = IntStream.range(0, k).map(p::clientSize).min().getAsInt();
          int max = IntStream.range(0, k).map(p::clientSize).max().getAsInt();
          assertTrue(max - min <= 1, p.toString());
        });
  }

  @Test
  void dirichletCoversEveryRowOnceForAnyAlpha() {
    Gen<Double> alphas = integers().between(-3, 3).map(e -> Math.pow(10, e));
    qt().withExamples(150).forAll(labelVectors(), integers().between(1, 12), alphas, longs().all())
        .checkAssert((labels, k, alpha, seed) -> {
          Partition p = Partitions.dirichlet(labels, k, alpha, seed);
          assertExactCover(p, labels.length);
          assertEquals(p, Partitions.dirichlet(labels, k, alpha, seed), "same seed, same split");
        });
  }

  @Test
  void shardsCoverEveryRowOnceAndLimitClassesPerClient() {
    qt().withExamples(150).forAll(labelVectors(), integers().between(1, 15),
        integers().between(1, 4), longs().all())
        .assuming((labels, k, s, seed) -> k * s <= labels.length
            && k * s >= IntStream.of(labels).distinct().count())
        .checkAssert((labels, k, s, seed) -> {
          Partition p = Partitions.shards(labels, k, s, seed);
          assertExactCover(p, labels.length);
          int[][] counts = p.classCounts(labels, 10);
          for (int c = 0; c < k; c++) {
            long classes = IntStream.of(counts[c]).filter(x -> x > 0).count();
            assertTrue(classes <= s, "client " + c + " holds " + classes + " classes > " + s);
          }
        });
  }

  @Test
  void largeAlphaIsCloseToIid() {
    // 10 classes x 500 rows over 5 clients: with alpha = 1e6 every share is 1/5 up to ~1e-3,
    // so each client gets 100 +- 2 rows of each class.
    int[] labels = IntStream.range(0, 5000).map(i -> i % 10).toArray();
    qt().withExamples(20).forAll(longs().all()).checkAssert(seed -> {
      int[][] counts = Partitions.dirichlet(labels, 5, 1e6, seed).classCounts(labels, 10);
      for (int[] client : counts) {
        for (int count : client) {
          assertTrue(Math.abs(count - 100) <= 2, "count " + count + " far from 100");
        }
      }
    });
  }

  @Test
  void smallAlphaSkewsLabels() {
    int[] labels = IntStream.range(0, 5000).map(i -> i % 10).toArray();
    double skewSmall = meanLargestClassShare(Partitions.dirichlet(labels, 10, 0.1, 7), labels);
    double skewLarge = meanLargestClassShare(Partitions.dirichlet(labels, 10, 100, 7), labels);
    assertTrue(skewSmall > 0.4, "alpha 0.1: mean largest class share " + skewSmall);
    assertTrue(skewLarge < 0.2, "alpha 100: mean largest class share " + skewLarge);
  }

  private static double meanLargestClassShare(Partition p, int[] labels) {
    int[][] counts = p.classCounts(labels, 10);
    double sum = 0;
    for (int c = 0; c < counts.length; c++) {
      sum += (double) IntStream.of(counts[c]).max().getAsInt() / p.clientSize(c);
    }
    return sum / counts.length;
  }

  @Test
  void tinyAlphaManyClientsStillLeavesNoClientBelowMinimum() {
    int[] labels = IntStream.range(0, 300).map(i -> i % 3).toArray();
    Partition p = Partitions.dirichlet(labels, 20, 0.001, 5, 3);
    assertExactCover(p, labels.length);
    for (int c = 0; c < 20; c++) {
      assertTrue(p.clientSize(c) >= 5, p.toString());
    }
    assertTrue(p.scheme().contains("repaired"), p.scheme());
  }

  @Test
  void differentSeedsGiveDifferentPartitions() {
    int[] labels = IntStream.range(0, 1000).map(i -> i % 10).toArray();
    assertNotEquals(Partitions.dirichlet(labels, 4, 0.5, 1), Partitions.dirichlet(labels, 4, 0.5, 2));
    assertNotEquals(Partitions.shards(labels, 5, 2, 1), Partitions.shards(labels, 5, 2, 2));
    assertNotEquals(Partitions.iid(1000, 4, 1), Partitions.iid(1000, 4, 2));
  }

  @Test
  void refusesImpossibleRequestsNamingTheValues() {
    int[] labels = {0, 1, 2, 0, 1, 2};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Partitions.iid(6, 7, 0));
    assertTrue(e.getMessage().contains("7 clients"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Partitions.dirichlet(labels, 2, -0.5, 0));
    assertTrue(e.getMessage().contains("-0.5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Partitions.shards(labels, 1, 2, 0));
    assertTrue(e.getMessage().contains("3 classes"), e.getMessage());
  }

  @Test
  void gammaSamplerHasTheRightMean() {
    // E[Gamma(a, 1)] = a; with 20,000 draws the standard error is sqrt(a / 20000).
    SplittableRandom rng = new SplittableRandom(11);
    for (double a : new double[] {0.3, 1.0, 4.5}) {
      double sum = 0;
      for (int i = 0; i < 20_000; i++) {
        sum += Math.exp(GammaSampler.logGamma(a, rng));
      }
      double mean = sum / 20_000;
      assertEquals(a, mean, 5 * Math.sqrt(a / 20_000), "shape " + a);
    }
  }

  @Test
  void tableShowsCountsPerClientAndTotals() {
    int[] labels = {0, 0, 0, 1, 1, 2};
    Partition p = new Partition("manual", new int[][] {{0, 1, 3}, {2, 4, 5}});
    String table = PartitionTable.format(p, labels, List.of("cat", "dog", "a very long class name"));
    String[] lines = table.split("\n");
    assertEquals("manual, 2 clients", lines[0]);
    assertTrue(lines[1].startsWith("client") && lines[1].contains("cat")
        && lines[1].contains("2:a very lon"), lines[1]);
    assertEquals(List.of("0", "3", "2", "2", "1", "0"), List.of(lines[3].trim().split(" +")));
    assertEquals(List.of("1", "3", "3", "1", "1", "1"), List.of(lines[4].trim().split(" +")));
    assertEquals(List.of("total", "6", "3", "3", "2", "1"), List.of(lines[6].trim().split(" +")));
  }
}
