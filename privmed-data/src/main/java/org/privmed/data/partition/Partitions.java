package org.privmed.data.partition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.privmed.data.split.Shuffle;

/**
 * Federated partitions of a labelled dataset among {@code clients} clients. All three schemes are
 * pure functions of their arguments and seed ({@link SplittableRandom}), assign every row to
 * exactly one client, and leave no client empty.
 *
 * <ul>
 *   <li>{@link #iid}: a seeded shuffle cut into near-equal parts (sizes differ by at most one).
 *   <li>{@link #dirichlet}: label skew as in Yurochkin et al. 2019, "Bayesian nonparametric
 *       federated learning of neural networks" (ICML, §4, experimental set-up): for each class k
 *       draw p_k ~ Dir(α, ..., α) over the J clients and give client j the share p_kj of class
 *       k's shuffled rows (cumulative rounding, so shares sum exactly to the class size). Small α
 *       concentrates each class on few clients; α → ∞ tends to IID. (Hsu, Qi &amp; Brown 2019,
 *       "Measuring the effects of non-identical data distribution for federated visual
 *       classification", §3, draw the transposed form, one class mixture per client; the
 *       per-class form is used here because it assigns every row exactly once by construction.)
 *   <li>{@link #shards}: the "pathological non-IID" split of McMahan et al. 2017,
 *       "Communication-efficient learning of deep networks from decentralized data" (AISTATS,
 *       §3): rows sorted by label are cut into shards and each client gets {@code
 *       shardsPerClient} random shards. Unlike the original, shards never straddle two classes,
 *       so a client holds at most {@code shardsPerClient} classes.
 * </ul>
 */
public final class Partitions {
  /** Dirichlet draws tried before the minimum-size repair step is used. */
  static final int DIRICHLET_ATTEMPTS = 100;

  private Partitions() {}

  /** IID: shuffle rows 0..n-1 with {@code seed} and cut them into {@code clients} parts. */
  public static Partition iid(int n, int clients, long seed) {
    checkClients(n, clients, 1);
    int[] perm = Shuffle.permutation(n, new SplittableRandom(seed));
    int[][] parts = new int[clients][];
    int at = 0;
    for (int c = 0; c < clients; c++) {
      int size = n / clients + (c < n % clients ? 1 : 0);
      parts[c] = sorted(Arrays.copyOfRange(perm, at, at + size));
      at += size;
    }
    return new Partition("iid(seed=" + seed + ")", parts);
  }

  /** Dirichlet label skew with every client holding at least one row. */
  public static Partition dirichlet(int[] labels, int clients, double alpha, long seed) {
    return dirichlet(labels, clients, alpha, 1, seed);
  }

  /**
   * Dirichlet(α) label skew. Minimum-size policy: the whole draw is repeated (up to {@value
   * #DIRICHLET_ATTEMPTS} times, continuing the same random stream) until every client holds at
   * least {@code minSize} rows; if no draw qualifies (very small α with many clients), the last
   * draw is repaired by moving randomly chosen rows from the largest client to each short client
   * until it reaches {@code minSize}. The scheme string says whether the repair was needed.
   */
  public static Partition dirichlet(int[] labels, int clients, double alpha, int minSize,
      long seed) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("Dirichlet alpha " + alpha + " must be finite and > 0");
    }
    if (minSize < 1) {
      throw new IllegalArgumentException("minimum client size " + minSize + " must be >= 1");
    }
    checkClients(labels.length, clients, minSize);
    SplittableRandom rng = new SplittableRandom(seed);
    int[][] byClass = byClass(labels);
    List<List<Integer>> draw = null;
    for (int attempt = 0; attempt < DIRICHLET_ATTEMPTS; attempt++) {
      draw = dirichletDraw(byClass, clients, alpha, rng);
      if (smallest(draw) >= minSize) {
        return new Partition(scheme(alpha, minSize, seed, ""), toArrays(draw));
      }
    }
    repair(draw, minSize, rng);
    return new Partition(scheme(alpha, minSize, seed, ", repaired to min size"), toArrays(draw));
  }

  private static String scheme(double alpha, int minSize, long seed, String note) {
    return "dirichlet(alpha=" + alpha + ", minSize=" + minSize + ", seed=" + seed + note + ")";
  }

  private static List<List<Integer>> dirichletDraw(int[][] byClass, int clients, double alpha,
      SplittableRandom rng) {
    List<List<Integer>> parts = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      parts.add(new ArrayList<>());
    }
    for (int[] rows : byClass) {
      int[] shuffled = rows.clone();
      Shuffle.inPlace(shuffled, rng);
      double[] p = GammaSampler.symmetricDirichlet(alpha, clients, rng);
      double cumulative = 0;
      int start = 0;
      for (int c = 0; c < clients; c++) {
        cumulative += p[c];
        int end = c == clients - 1 ? shuffled.length
            : (int) Math.min(shuffled.length, Math.round(cumulative * shuffled.length));
        for (int i = start; i < end; i++) {
          parts.get(c).add(shuffled[i]);
        }
        start = Math.max(start, end);
      }
    }
    return parts;
  }

  private static void repair(List<List<Integer>> parts, int minSize, SplittableRandom rng) {
    for (List<Integer> part : parts) {
      while (part.size() < minSize) {
        List<Integer> largest = parts.get(0);
        for (List<Integer> q : parts) {
          if (q.size() > largest.size()) {
            largest = q;
          }
        }
        part.add(largest.remove(rng.nextInt(largest.size())));
      }
    }
  }

  /**
   * Per-class shards: {@code clients · shardsPerClient} shards, allotted to classes in proportion
   * to their sizes (largest remainder, at least one per non-empty class, at most one per row),
   * each class's shuffled rows cut into near-equal shards, and the shards dealt to clients in a
   * seeded random order, {@code shardsPerClient} each.
   */
  public static Partition shards(int[] labels, int clients, int shardsPerClient, long seed) {
    if (shardsPerClient < 1) {
      throw new IllegalArgumentException("shards per client " + shardsPerClient + " must be >= 1");
    }
    checkClients(labels.length, clients, shardsPerClient);
    int[][] byClass = byClass(labels);
    int totalShards = clients * shardsPerClient;
    int nonEmpty = (int) Arrays.stream(byClass).filter(r -> r.length > 0).count();
    if (totalShards < nonEmpty) {
      throw new IllegalArgumentException(clients + " clients x " + shardsPerClient
          + " shards = " + totalShards + " shards cannot cover the " + nonEmpty
          + " classes present; use more clients or more shards per client");
    }
    int[] allot = allotShards(byClass, totalShards, labels.length);
    SplittableRandom rng = new SplittableRandom(seed);
    List<int[]> shardList = new ArrayList<>();
    for (int k = 0; k < byClass.length; k++) {
      int[] shuffled = byClass[k].clone();
      Shuffle.inPlace(shuffled, rng);
      int pieces = allot[k];
      int at = 0;
      for (int s = 0; s < pieces; s++) {
        int size = shuffled.length / pieces + (s < shuffled.length % pieces ? 1 : 0);
        shardList.add(Arrays.copyOfRange(shuffled, at, at + size));
        at += size;
      }
    }
    int[] order = Shuffle.permutation(shardList.size(), rng);
    int[][] parts = new int[clients][];
    for (int c = 0; c < clients; c++) {
      List<Integer> rows = new ArrayList<>();
      for (int s = c * shardsPerClient; s < (c + 1) * shardsPerClient; s++) {
        for (int row : shardList.get(order[s])) {
          rows.add(row);
        }
      }
      parts[c] = sorted(rows.stream().mapToInt(Integer::intValue).toArray());
    }
    return new Partition("shards(perClient=" + shardsPerClient + ", seed=" + seed + ")", parts);
  }

  /** Largest-remainder allotment of {@code total} shards to classes, 1..n_k for each class. */
  private static int[] allotShards(int[][] byClass, int total, int n) {
    int k = byClass.length;
    int[] allot = new int[k];
    double[] ideal = new double[k];
    int sum = 0;
    for (int c = 0; c < k; c++) {
      int size = byClass[c].length;
      ideal[c] = (double) total * size / n;
      allot[c] = size == 0 ? 0 : Math.min(size, Math.max(1, (int) Math.floor(ideal[c])));
      sum += allot[c];
    }
    while (sum < total) {
      int best = -1;
      for (int c = 0; c < k; c++) {
        if (allot[c] < byClass[c].length
            && (best < 0 || ideal[c] - allot[c] > ideal[best] - allot[best])) {
          best = c;
        }
      }
      allot[best]++; // exists: total <= n was checked, so some class still has a free row
      sum++;
    }
    while (sum > total) {
      int best = -1;
      for (int c = 0; c < k; c++) {
        if (allot[c] > 1 && (best < 0 || ideal[c] - allot[c] < ideal[best] - allot[best])) {
          best = c;
        }
      }
      allot[best]--; // exists: total >= number of non-empty classes was checked
      sum--;
    }
    return allot;
  }

  private static void checkClients(int n, int clients, int perClient) {
    if (clients < 1) {
      throw new IllegalArgumentException("number of clients " + clients + " must be >= 1");
    }
    if ((long) clients * perClient > n) {
      throw new IllegalArgumentException(clients + " clients x " + perClient
          + " (minimum rows or shards each) exceeds the " + n + " examples available");
    }
  }

  private static int[][] byClass(int[] labels) {
    int classes = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0) {
        throw new IllegalArgumentException("label " + labels[i] + " at row " + i + " is negative");
      }
      classes = Math.max(classes, labels[i] + 1);
    }
    List<List<Integer>> rows = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      rows.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      rows.get(labels[i]).add(i);
    }
    return rows.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray())
        .toArray(int[][]::new);
  }

  private static int smallest(List<List<Integer>> parts) {
    return parts.stream().mapToInt(List::size).min().orElse(0);
  }

  private static int[][] toArrays(List<List<Integer>> parts) {
    return parts.stream().map(l -> sorted(l.stream().mapToInt(Integer::intValue).toArray()))
        .toArray(int[][]::new);
  }

  private static int[] sorted(int[] a) {
    Arrays.sort(a);
    return a;
  }
}
