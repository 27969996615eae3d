package org.privmed.infer.runtime;

import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.Evaluator;
import org.privmed.infer.plan.PolynomialStage;

/**
 * p(x) on one ciphertext, slot-wise. Powers x^(2^i) by repeated squaring, other powers as one
 * product of a power of two and a lower power, so x^k is ceil(log2 k) levels down (the power
 * basis of Lee et al., "High-precision bootstrapping of RNS-CKKS", EUROCRYPT 2021, Sec. 4.2, without
 * the baby-step/giant-step split, which pays off only above the degrees networks use). The
 * coefficients are multiplied in with per-term constant scales chosen so that every term lands
 * on the same scale, which makes the terms addable without re-encoding.
 */
final class PolynomialEvaluator {
  private PolynomialEvaluator() {}

  static Ciphertext apply(Evaluator ev, PolynomialStage p, Ciphertext x) {
    int d = p.degree();
    double[] c = p.coefficients();
    Ciphertext[] pw = new Ciphertext[d + 1];
    pw[1] = x;
    for (int k = 2; k <= d; k++) {
      if (!needed(c, k)) {
        continue;
      }
      power(ev, pw, k);
    }
    if (p.isBarePower()) {
      return pw[d];
    }
    int level = Integer.MAX_VALUE;
    for (int k = 1; k <= d; k++) {
      if (c[k] != 0) {
        level = Math.min(level, pw[k].level());
      }
    }
    double targetScale = pw[d].scale()
        * (double) ev.context().rlwe().qAtLevel(level).modulus(level).value();
    Ciphertext acc = null;
    for (int k = 1; k <= d; k++) {
      if (c[k] == 0) {
        continue;
      }
      Ciphertext t = pw[k].level() == level ? pw[k] : ev.dropLevel(pw[k], level);
      Ciphertext term = ev.multiplyConstant(t, c[k], targetScale / t.scale());
      acc = acc == null ? term : ev.add(acc, term);
    }
    acc = ev.rescale(acc);
    return c[0] != 0 ? ev.addConstant(acc, c[0]) : acc;
  }

  private static boolean needed(double[] c, int k) {
    // x^k is needed if its coefficient is nonzero or a higher needed power is built from it
    for (int j = k; j < c.length; j++) {
      if (c[j] != 0 && (j == k || contains(j, k))) {
        return true;
      }
    }
    return false;
  }

  /** Whether building x^j (by {@link #power}) uses x^k. */
  private static boolean contains(int j, int k) {
    if (j == k) {
      return true;
    }
    if (j <= 1) {
      return false;
    }
    int hi = Integer.highestOneBit(j) == j ? j / 2 : Integer.highestOneBit(j);
    int lo = j - hi;
    return contains(hi, k) || contains(lo, k);
  }

  private static Ciphertext power(Evaluator ev, Ciphertext[] pw, int k) {
    if (pw[k] != null) {
      return pw[k];
    }
    int hi = Integer.highestOneBit(k) == k ? k / 2 : Integer.highestOneBit(k);
    int lo = k - hi;
    Ciphertext a = power(ev, pw, hi);
    Ciphertext b = power(ev, pw, lo);
    Ciphertext r;
    if (a == b) {
      r = ev.square(a);
    } else {
      int level = Math.min(a.level(), b.level());
      r = ev.multiply(a.level() == level ? a : ev.dropLevel(a, level),
          b.level() == level ? b : ev.dropLevel(b, level));
    }
    pw[k] = ev.rescale(ev.relinearize(r));
    return pw[k];
  }
}
