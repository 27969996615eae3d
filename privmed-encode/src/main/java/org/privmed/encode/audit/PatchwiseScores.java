package org.privmed.encode.audit;

import java.util.Arrays;

/**
 * Patch-level matching signals for {@link ReidentificationAttack} (Carlini et al. 2021, the
 * observation behind their attack that each encoded patch is, up to the per-image normalisation,
 * a fixed function of the plaintext patch at that position, so matching can work patch by patch
 * instead of on whole images). Our own construction on that idea:
 *
 * <ul>
 *   <li>per position, the matrix of distances between images' patches — for the targets in the
 *       aligned (clustered) order, for the candidates under the attacker's surrogate encoders in
 *       grid order;
 *   <li>which cluster is which grid position, first from the shape of each position's distance
 *       distribution (no pairs needed), later from the agreement of anchor-pair distances;
 *   <li>a seed score comparing each image's sorted distance profile <em>per position</em> (P
 *       profiles instead of one), and a relational score comparing, per position, the ranks of an
 *       image's distances to the anchors — ranks, because deeper random networks bend distances
 *       monotonically but not linearly.
 * </ul>
 */
final class PatchwiseScores {
  private static final int QUANTILES = 64;

  private PatchwiseScores() {}

  /**
   * Per-position distance matrices [P][n][n] of encodings laid out as {@code blocks} consecutive
   * copies of {@code patches × width} values (several surrogate encoders concatenated), summing
   * squared distances over blocks.
   */
  static double[][][] positionDistances(float[][] x, int patches, int width, int blocks) {
    int n = x.length;
    int dim = patches * width;
    double[][][] d = new double[patches][n][n];
    for (int q = 0; q < patches; q++) {
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          double s = 0;
          for (int b = 0; b < blocks; b++) {
            int off = b * dim + q * width;
            for (int c = 0; c < width; c++) {
              double t = x[i][off + c] - x[j][off + c];
              s += t * t;
            }
          }
          d[q][i][j] = Math.sqrt(s);
          d[q][j][i] = d[q][i][j];
        }
      }
    }
    return d;
  }

  /**
   * How well each target cluster c fits each candidate grid position q without any pairs: minus
   * the distance between the shapes of their distributions of pairwise distances (quantiles over
   * the median; border positions of an x-ray, mostly background, have many tiny distances, central
   * ones few), in units of the spread of all such distances. A weak clue: it names few positions
   * right in our runs, so it is used soft ({@link #softPositions}) and replaced by {@link
   * #anchorAgreement} once there are pairs.
   */
  static double[][] distributionAgreement(double[][][] dTarget, double[][][] dCand) {
    int p = dTarget.length;
    double[][] qt = new double[p][];
    double[][] qc = new double[p][];
    for (int q = 0; q < p; q++) {
      qt[q] = quantileShape(dTarget[q]);
      qc[q] = quantileShape(dCand[q]);
    }
    double[][] agree = new double[p][p];
    double sum = 0;
    double sq = 0;
    for (int c = 0; c < p; c++) {
      for (int q = 0; q < p; q++) {
        double s = 0;
        for (int k = 0; k < QUANTILES; k++) {
          double t = qt[c][k] - qc[q][k];
          s += t * t;
        }
        agree[c][q] = -Math.sqrt(s);
        sum += agree[c][q];
        sq += agree[c][q] * agree[c][q];
      }
    }
    double mean = sum / (p * p);
    double sd = Math.sqrt(Math.max(sq / (p * p) - mean * mean, 1e-24));
    for (double[] row : agree) {
      for (int q = 0; q < p; q++) {
        row[q] = (row[q] - mean) / sd;
      }
    }
    return agree;
  }

  /**
   * How well each target cluster c fits each candidate grid position q given the current pairs:
   * the Spearman correlation of the anchors' pairwise distances at the two.
   */
  static double[][] anchorAgreement(double[][][] dTarget, double[][][] dCand, int[] anchors,
      int[] guess) {
    int p = dTarget.length;
    int a = anchors.length;
    int pairs = a * (a - 1) / 2;
    double[][] rt = new double[p][pairs];
    double[][] rc = new double[p][pairs];
    for (int q = 0; q < p; q++) {
      int t = 0;
      for (int x = 0; x < a; x++) {
        for (int y = x + 1; y < a; y++) {
          rt[q][t] = dTarget[q][anchors[x]][anchors[y]];
          rc[q][t] = dCand[q][guess[anchors[x]]][guess[anchors[y]]];
          t++;
        }
      }
      standardisedRanks(rt[q]);
      standardisedRanks(rc[q]);
    }
    double[][] agree = new double[p][p];
    for (int c = 0; c < p; c++) {
      for (int q = 0; q < p; q++) {
        agree[c][q] = dot(rt[c], rc[q]);
      }
    }
    return agree;
  }

  /** Target cluster → grid position: the assignment with the most anchor agreement. */
  static int[] positionsByAnchors(double[][][] dTarget, double[][][] dCand, int[] anchors,
      int[] guess) {
    double[][] agree = anchorAgreement(dTarget, dCand, anchors, guess);
    double[][] cost = new double[agree.length][agree.length];
    for (int c = 0; c < agree.length; c++) {
      for (int q = 0; q < agree.length; q++) {
        cost[c][q] = -agree[c][q];
      }
    }
    return Hungarian.solve(cost);
  }

  /**
   * A soft position map: weights W[c][q] ∝ exp(agreement / temperature), balanced by Sinkhorn
   * iterations so that every cluster and every position carries total weight 1. When the pairs
   * are still mostly wrong the agreements are flat and W stays near uniform — a hedge, where a hard
   * assignment would commit to noise.
   */
  static double[][] softPositions(double[][] agreement, double temperature) {
    int p = agreement.length;
    double[][] w = new double[p][p];
    double max = Double.NEGATIVE_INFINITY;
    for (double[] row : agreement) {
      for (double v : row) {
        max = Math.max(max, v);
      }
    }
    for (int c = 0; c < p; c++) {
      for (int q = 0; q < p; q++) {
        w[c][q] = Math.exp((agreement[c][q] - max) / temperature);
      }
    }
    for (int it = 0; it < 50; it++) {
      for (double[] row : w) {
        double s = 0;
        for (double v : row) {
          s += v;
        }
        for (int q = 0; q < p; q++) {
          row[q] /= Math.max(s, 1e-300);
        }
      }
      for (int q = 0; q < p; q++) {
        double s = 0;
        for (int c = 0; c < p; c++) {
          s += w[c][q];
        }
        for (int c = 0; c < p; c++) {
          w[c][q] /= Math.max(s, 1e-300);
        }
      }
    }
    return w;
  }

  /** The one-hot weights of a hard position map. */
  static double[][] hardPositions(int[] positionOf) {
    double[][] w = new double[positionOf.length][positionOf.length];
    for (int c = 0; c < positionOf.length; c++) {
      w[c][positionOf[c]] = 1;
    }
    return w;
  }

  /**
   * Seed: minus the squared difference of each image's sorted, median-scaled distance profiles,
   * per target cluster against the candidate positions weighted by {@code w}, summed.
   */
  static double[][] profileScores(double[][][] dTarget, double[][][] dCand, double[][] w) {
    int p = dTarget.length;
    int n = dTarget[0].length;
    double[][][] pc = new double[p][][];
    double[][] pcNorm = new double[p][n];
    for (int q = 0; q < p; q++) {
      pc[q] = sortedProfiles(dCand[q]);
      for (int j = 0; j < n; j++) {
        pcNorm[q][j] = dot(pc[q][j], pc[q][j]);
      }
    }
    double[][] s = new double[n][n];
    double[][] mixed = new double[n][n - 1];
    double[] mixedNorm = new double[n];
    for (int c = 0; c < p; c++) {
      double[][] pt = sortedProfiles(dTarget[c]);
      // Σ_q w ||t - c_q||² = ||t||² Σ_q w + Σ_q w ||c_q||² - 2 t · Σ_q w c_q
      double wsum = 0;
      for (int j = 0; j < n; j++) {
        Arrays.fill(mixed[j], 0);
        mixedNorm[j] = 0;
      }
      for (int q = 0; q < p; q++) {
        double wq = w[c][q];
        if (wq < 1e-9) {
          continue;
        }
        wsum += wq;
        for (int j = 0; j < n; j++) {
          double[] src = pc[q][j];
          double[] dst = mixed[j];
          for (int k = 0; k < n - 1; k++) {
            dst[k] += wq * src[k];
          }
          mixedNorm[j] += wq * pcNorm[q][j];
        }
      }
      for (int i = 0; i < n; i++) {
        double tn = dot(pt[i], pt[i]) * wsum;
        for (int j = 0; j < n; j++) {
          s[i][j] -= tn + mixedNorm[j] - 2 * dot(pt[i], mixed[j]);
        }
      }
    }
    return s;
  }

  /**
   * Relational score: per target cluster, the Spearman correlation between a target's distances to
   * the anchors and a candidate's distances to the anchors' matched candidates at the positions
   * weighted by {@code w}, summed over clusters.
   */
  static double[][] relationalScores(double[][][] dTarget, double[][][] dCand, double[][] w,
      int[] anchors, int[] guess) {
    int p = dTarget.length;
    int n = dTarget[0].length;
    int a = anchors.length;
    double[][][] rc = new double[p][n][];
    double[] row = new double[a];
    for (int q = 0; q < p; q++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < a; k++) {
          row[k] = dCand[q][j][guess[anchors[k]]];
        }
        rc[q][j] = standardisedRanks(row.clone());
      }
    }
    double[][] s = new double[n][n];
    double[][] mixed = new double[n][a];
    for (int c = 0; c < p; c++) {
      for (int j = 0; j < n; j++) {
        Arrays.fill(mixed[j], 0);
        for (int q = 0; q < p; q++) {
          double wq = w[c][q];
          if (wq < 1e-9) {
            continue;
          }
          for (int k = 0; k < a; k++) {
            mixed[j][k] += wq * rc[q][j][k];
          }
        }
      }
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < a; k++) {
          row[k] = dTarget[c][i][anchors[k]];
        }
        double[] rt = standardisedRanks(row.clone());
        for (int j = 0; j < n; j++) {
          s[i][j] += dot(rt, mixed[j]);
        }
      }
    }
    return s;
  }

  /** Ranks of {@code v} (ties averaged), centred and scaled to unit norm, in place. */
  static double[] standardisedRanks(double[] v) {
    int m = v.length;
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(v[x], v[y]));
    double[] r = new double[m];
    for (int i = 0; i < m;) {
      int j = i;
      while (j + 1 < m && v[order[j + 1]] == v[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0;
      for (int k = i; k <= j; k++) {
        r[order[k]] = rank;
      }
      i = j + 1;
    }
    double mean = (m - 1) / 2.0;
    double norm = 0;
    for (int i = 0; i < m; i++) {
      r[i] -= mean;
      norm += r[i] * r[i];
    }
    norm = Math.sqrt(Math.max(norm, 1e-24));
    for (int i = 0; i < m; i++) {
      v[i] = r[i] / norm;
    }
    return v;
  }

  private static double[] quantileShape(double[][] d) {
    int n = d.length;
    double[] all = new double[n * (n - 1) / 2];
    int t = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        all[t++] = d[i][j];
      }
    }
    Arrays.sort(all);
    double median = Math.max(all[all.length / 2], 1e-12);
    double[] out = new double[QUANTILES];
    for (int k = 0; k < QUANTILES; k++) {
      out[k] = all[(int) ((k + 0.5) / QUANTILES * (all.length - 1))] / median;
    }
    return out;
  }

  /** Each row's distances to the others, sorted, divided by the matrix's median distance. */
  static double[][] sortedProfiles(double[][] d) {
    int n = d.length;
    double[] all = new double[n * (n - 1)];
    int t = 0;
    double[][] prof = new double[n][n - 1];
    for (int i = 0; i < n; i++) {
      int k = 0;
      for (int j = 0; j < n; j++) {
        if (j != i) {
          prof[i][k++] = d[i][j];
          all[t++] = d[i][j];
        }
      }
      Arrays.sort(prof[i]);
    }
    Arrays.sort(all);
    double median = Math.max(all[all.length / 2], 1e-12);
    for (double[] row : prof) {
      for (int k = 0; k < row.length; k++) {
        row[k] /= median;
      }
    }
    return prof;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
