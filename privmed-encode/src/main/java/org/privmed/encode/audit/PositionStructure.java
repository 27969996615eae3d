package org.privmed.encode.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.privmed.data.split.Shuffle;

/**
 * Which aligned cluster is which grid position, found without any image pairs. Carlini et al.
 * ("NeuraCrypt is not private", arXiv 2108.07256, 2021) recover the global patch permutation from
 * pairs the attack has already matched; at depth 4 our first matching is too weak for that, so we
 * start from a clue that needs no pairs at all (our own construction).
 *
 * <p>Two grid positions whose plaintext patches vary together across images (neighbours, or the
 * two lungs of a chest x-ray) give per-position distance matrices that agree: the same pairs of
 * images are near at both. A random encoder bends distances but keeps their order roughly and their
 * nearest neighbours better still. So a P × P matrix of how much each two positions agree (rank
 * correlation of all distances plus overlap of the 10-nearest-neighbour graphs) is computed among
 * the targets (clusters) and among the candidates under the surrogate encoders (grid positions),
 * and the map is the relabelling that makes the two matrices agree — a small quadratic assignment,
 * solved by local search from many random starts, with the shape of each position's distance
 * distribution ({@link PatchwiseScores#distributionAgreement}) as a unary term.
 *
 * <p>The structure is nearly symmetric (a chest x-ray's left and right halves), so the best local
 * optimum is often a mirror of the truth; {@link #candidates} therefore returns many, and the
 * attack screens them by how well a short boosting run converges under each.
 */
final class PositionStructure {
  private static final int STARTS = 300;
  private static final double UNARY_WEIGHT = 1.0;
  private static final int NEIGHBOURS = 10;

  private PositionStructure() {}

  /** The best-scoring map, cluster c → grid position. */
  static int[] positions(double[][][] dTarget, double[][][] dCand) {
    return candidates(dTarget, dCand, 1, 1).get(0);
  }

  /**
   * Up to {@code k} distinct locally optimal maps, best first.
   *
   * @param seed seeds the random starts (attacker randomness, not a secret)
   */
  static List<int[]> candidates(double[][][] dTarget, double[][][] dCand, int k, long seed) {
    int p = dTarget.length;
    double[][] a = structure(dTarget);
    double[][] b = structure(dCand);
    double[][] u = PatchwiseScores.distributionAgreement(dTarget, dCand);
    SplittableRandom rng = new SplittableRandom(seed);
    List<int[]> found = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (int s = 0; s < STARTS; s++) {
      int[] pi = Shuffle.permutation(p, rng);
      double v = climb(a, b, u, pi);
      boolean seen = false;
      for (int[] f : found) {
        if (Arrays.equals(f, pi)) {
          seen = true;
          break;
        }
      }
      if (!seen) {
        found.add(pi);
        values.add(v);
      }
    }
    Integer[] order = new Integer[found.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(values.get(y), values.get(x)));
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < Math.min(k, order.length); i++) {
      out.add(found.get(order[i]));
    }
    return out;
  }

  /** Objective of a map: pairwise agreement of the structure matrices plus the unary clue. */
  static double objective(double[][] a, double[][] b, double[][] u, int[] pi) {
    int p = pi.length;
    double s = 0;
    for (int c = 0; c < p; c++) {
      for (int e = 0; e < p; e++) {
        if (c != e) {
          s += a[c][e] * b[pi[c]][pi[e]];
        }
      }
      s += UNARY_WEIGHT * u[c][pi[c]];
    }
    return s;
  }

  /** Best-improvement pairwise swaps until none improves; {@code pi} is updated in place. */
  private static double climb(double[][] a, double[][] b, double[][] u, int[] pi) {
    int p = pi.length;
    double v = objective(a, b, u, pi);
    while (true) {
      double bestGain = 1e-12;
      int bi = -1;
      int bj = -1;
      for (int i = 0; i < p; i++) {
        for (int j = i + 1; j < p; j++) {
          double gain = swapGain(a, b, u, pi, i, j);
          if (gain > bestGain) {
            bestGain = gain;
            bi = i;
            bj = j;
          }
        }
      }
      if (bi < 0) {
        return v;
      }
      int t = pi[bi];
      pi[bi] = pi[bj];
      pi[bj] = t;
      v += bestGain;
    }
  }

  /** Change of the objective when clusters i and j exchange their positions. */
  private static double swapGain(double[][] a, double[][] b, double[][] u, int[] pi, int i,
      int j) {
    int p = pi.length;
    int qi = pi[i];
    int qj = pi[j];
    double delta = UNARY_WEIGHT * (u[i][qj] + u[j][qi] - u[i][qi] - u[j][qj]);
    for (int c = 0; c < p; c++) {
      if (c == i || c == j) {
        continue;
      }
      int qc = pi[c];
      // Terms (i, c), (c, i), (j, c), (c, j); a and b are symmetric.
      delta += 2 * a[i][c] * (b[qj][qc] - b[qi][qc]) + 2 * a[j][c] * (b[qi][qc] - b[qj][qc]);
    }
    // The (i, j) term keeps its value: b[qj][qi] = b[qi][qj].
    return delta;
  }

  /** The sum of {@link #rankStructure} and {@link #neighbourStructure}, both standardised. */
  static double[][] structure(double[][][] d) {
    double[][] x = rankStructure(d);
    double[][] y = neighbourStructure(d, NEIGHBOURS);
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x.length; j++) {
        x[i][j] += y[i][j];
      }
    }
    return x;
  }

  /**
   * P × P overlaps of the positions' k-nearest-neighbour graphs (how many (image, neighbour) pairs
   * two positions share), off-diagonal entries standardised. Near neighbours survive a deep random
   * encoder better than the ranks of all distances do.
   */
  static double[][] neighbourStructure(double[][][] d, int k) {
    int p = d.length;
    int n = d[0].length;
    int kk = Math.min(k, n - 1);
    boolean[][][] near = new boolean[p][n][n];
    Integer[] order = new Integer[n];
    for (int q = 0; q < p; q++) {
      for (int i = 0; i < n; i++) {
        double[] row = d[q][i];
        for (int j = 0; j < n; j++) {
          order[j] = j;
        }
        int self = i;
        Arrays.sort(order, (x, y) -> Double.compare(x == self ? -1 : row[x],
            y == self ? -1 : row[y]));
        for (int t = 1; t <= kk; t++) {
          near[q][i][order[t]] = true;
        }
      }
    }
    double[][] s = new double[p][p];
    for (int x = 0; x < p; x++) {
      for (int y = x + 1; y < p; y++) {
        int shared = 0;
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            if (near[x][i][j] && near[y][i][j]) {
              shared++;
            }
          }
        }
        s[x][y] = shared;
        s[y][x] = shared;
      }
    }
    return standardiseOffDiagonal(s);
  }

  /**
   * P × P rank correlations between positions' distance matrices over all image pairs, after the
   * component common to all positions is regressed out; off-diagonal entries standardised.
   */
  static double[][] rankStructure(double[][][] d) {
    int p = d.length;
    int n = d[0].length;
    int m = n * (n - 1) / 2;
    double[][] r = new double[p][m];
    for (int q = 0; q < p; q++) {
      int t = 0;
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          r[q][t++] = d[q][i][j];
        }
      }
      PatchwiseScores.standardisedRanks(r[q]);
    }
    double[] common = new double[m];
    for (double[] row : r) {
      for (int t = 0; t < m; t++) {
        common[t] += row[t];
      }
    }
    normalise(common);
    for (double[] row : r) {
      double proj = dot(row, common);
      for (int t = 0; t < m; t++) {
        row[t] -= proj * common[t];
      }
      normalise(row);
    }
    double[][] s = new double[p][p];
    for (int x = 0; x < p; x++) {
      for (int y = x + 1; y < p; y++) {
        s[x][y] = dot(r[x], r[y]);
        s[y][x] = s[x][y];
      }
    }
    return standardiseOffDiagonal(s);
  }

  private static double[][] standardiseOffDiagonal(double[][] s) {
    int p = s.length;
    double sum = 0;
    double sq = 0;
    for (int x = 0; x < p; x++) {
      for (int y = 0; y < p; y++) {
        if (x != y) {
          sum += s[x][y];
          sq += s[x][y] * s[x][y];
        }
      }
    }
    int off = p * (p - 1);
    double mean = sum / off;
    double sd = Math.sqrt(Math.max(sq / off - mean * mean, 1e-24));
    double[][] out = new double[p][p];
    for (int x = 0; x < p; x++) {
      for (int y = 0; y < p; y++) {
        out[x][y] = x == y ? 0 : (s[x][y] - mean) / sd;
      }
    }
    return out;
  }

  private static void normalise(double[] v) {
    double n = Math.sqrt(Math.max(dot(v, v), 1e-24));
    for (int i = 0; i < v.length; i++) {
      v[i] /= n;
    }
  }

  private static double dot(double[] x, double[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * y[i];
    }
    return s;
  }
}
