package org.privmed.infer.bfv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.privmed.he.bfv.BfvNoiseModel;
import org.privmed.he.bfv.BfvParameters;
import org.privmed.he.math.Primes;
import org.privmed.he.security.SecurityLevel;
import org.privmed.he.security.SecurityTable;
import org.privmed.infer.quant.QuantizedNetwork;

/**
 * The BFV parameters of a quantized network: k plaintext primes t_1 … t_k (each ≡ 1 mod 2N, so
 * every one batches) whose product T exceeds 2·max|value| (CryptoNets, Gilad-Bachrach et al., ICML
 * 2016, Sec. 4.2: the network runs once per prime and the results are joined by the Chinese
 * Remainder Theorem), a ring degree and SEAL's default ciphertext chain for it, and the level each
 * layer runs at.
 *
 * <p>Choice. Ring degrees are tried from 2^13 (a batch of 8192 images) upwards. For each, two
 * ciphertext chains within the 128-bit bound of {@link SecurityTable}: SEAL's default coefficient
 * modulus (CoeffModulus::BFVDefault, its last prime as the special prime) and a wide chain of
 * 60-bit primes (as many as the bound allows, one of them special), which holds the same budget
 * in fewer limbs, so every operation of the evaluation works on fewer residues. For k = 1, 2, …
 * the primes are the k whose product has the bits needed with the smallest largest prime
 * ({@link #smallestPrimes}): the noise of a product grows with t, so the largest prime sets the
 * budget (CryptoNets MNIST, 64 bits: three primes of 21.3 bits instead of three of 23 bits, 4.7
 * bits more budget). Every (chain, k) whose largest prime leaves a predicted noise budget of at least
 * {@code minBudget} bits at the output ({@link BfvNoiseModel}, with the weighted sums' growth
 * Σ w²·Var(e)) is a candidate; the one of least estimated work ({@link #work}: k evaluations,
 * each op weighted by the limbs of its level) is taken.
 *
 * <p>Levels. The client encrypts at the lowest level from which the network still ends with the
 * minimum budget; before each layer the ciphertexts are switched down to the lowest level from which the
 * rest of the network still ends with the minimum budget (modulus switching, Brakerski, Gentry,
 * Vaikuntanathan, ITCS 2012, Sec. 4): every later operation then works on fewer primes. The outputs
 * are switched as low as the budget allows, which shrinks the download.
 *
 * @param logN log2 of the ring degree
 * @param plainPrimes t_1 … t_k
 * @param bitsNeeded bits the product of the primes had to reach
 * @param parameters one validated parameter set per prime (same N and ciphertext primes)
 * @param levels the level at which each layer of the network runs (element 0: the level the
 *     client encrypts at)
 * @param outputLevel the level of the returned ciphertexts
 * @param predictedBudget predicted invariant noise budget (bits) at the output for the largest prime
 * @param tried every (ring degree, chain, k) considered, with its predicted budget and work
 */
public record CrtPlan(int logN, long[] plainPrimes, int bitsNeeded, List<BfvParameters> parameters,
    int[] levels, int outputLevel, double predictedBudget, String tried) {

  /** A ciphertext chain: Q's prime sizes (level 0 first) and the special prime's. */
  private record Chain(String name, int logN, int[] qBits, int pBits) {}

  /** SEAL's 128-bit default coefficient moduli (CoeffModulus::BFVDefault), split into Q and P. */
  private static final Chain[] SEAL_DEFAULT = {
      new Chain("SEAL default", 13, new int[] {43, 43, 44, 44}, 44),
      new Chain("SEAL default", 14, new int[] {48, 48, 48, 49, 49, 49, 49, 49}, 49),
      new Chain("SEAL default", 15, repeat(55, 15), 55),
  };

  private static final int WIDE_BITS = 60;

  /** The chains tried at one ring degree: SEAL's default and the wide one of 60-bit primes. */
  private static List<Chain> chains(Chain seal) {
    int n = 1 << seal.logN();
    int primes = SecurityTable.maxLogQP(n, SecurityLevel.CLASSICAL_128) / WIDE_BITS;
    return List.of(new Chain("wide", seal.logN(), repeat(WIDE_BITS, primes - 1), WIDE_BITS), seal);
  }

  /** More primes than this and the k-fold evaluation is not worth running. */
  static final int MAX_PRIMES = 8;

  /**
   * The widest values a quantization may reach: {@link #MAX_PRIMES} primes of 20 bits. Primes that
   * small leave a noise budget after two squares at N = 8192 (up to 30 bits do when the weighted
   * sums are small), so a network within this many bits finds a plan.
   */
  public static final int MAX_PRODUCT_BITS = MAX_PRIMES * 20;

  public CrtPlan {
    plainPrimes = plainPrimes.clone();
    parameters = List.copyOf(parameters);
    levels = levels.clone();
  }

  @Override
  public long[] plainPrimes() {
    return plainPrimes.clone();
  }

  @Override
  public int[] levels() {
    return levels.clone();
  }

  public int ringDegree() {
    return 1 << logN;
  }

  /** log2 of the product of the plaintext primes. */
  public double logPlainProduct() {
    double s = 0;
    for (long t : plainPrimes) {
      s += Math.log(t) / Math.log(2);
    }
    return s;
  }

  private static int[] repeat(int v, int n) {
    int[] a = new int[n];
    Arrays.fill(a, v);
    return a;
  }

  /**
   * @param bitsNeeded bits the product T of the primes must have (|value| &lt; T/2 for every value)
   * @param minBudget bits of noise budget the output must keep (predicted)
   * @throws IllegalArgumentException when no ring degree up to 2^15 fits
   */
  public static CrtPlan choose(QuantizedNetwork net, int bitsNeeded, int minBudget, int minLogN) {
    if (bitsNeeded < 2) {
      throw new IllegalArgumentException("bits needed must be >= 2, got " + bitsNeeded);
    }
    StringBuilder tried = new StringBuilder();
    for (Chain seal : SEAL_DEFAULT) {
      if (seal.logN() < minLogN) {
        continue;
      }
      CrtPlan best = null;
      double bestWork = Double.POSITIVE_INFINITY;
      for (Chain chain : chains(seal)) {
        CrtPlan plan = fewestPrimes(net, chain, bitsNeeded, minBudget, tried);
        if (plan != null && work(net, plan) < bestWork) {
          best = plan;
          bestWork = work(net, plan);
        }
      }
      if (best != null) {
        return new CrtPlan(best.logN, best.plainPrimes, bitsNeeded, best.parameters, best.levels,
            best.outputLevel, best.predictedBudget, tried.toString().trim());
      }
    }
    throw new IllegalArgumentException("no 128-bit-secure BFV parameters (N <= 2^15, at most "
        + MAX_PRIMES + " plaintext primes of <= " + BfvParameters.MAX_PLAIN_BITS + " bits) hold "
        + bitsNeeded + " bits with a noise budget of " + minBudget + " bits left:" + tried);
  }

  /** The plan of fewest plaintext primes on {@code chain} that keeps the budget, or null. */
  private static CrtPlan fewestPrimes(QuantizedNetwork net, Chain chain, int bitsNeeded,
      int minBudget, StringBuilder tried) {
    int n = 1 << chain.logN();
    for (int k = 1; k <= MAX_PRIMES; k++) {
      long[] primes = smallestPrimes(n, k, bitsNeeded);
      if (primes == null) {
        continue;
      }
      int bits = 64 - Long.numberOfLeadingZeros(primes[0]);
      List<BfvParameters> params = new ArrayList<>();
      for (long t : primes) {
        params.add(BfvParameters.builder().logN(chain.logN()).qBits(chain.qBits())
            .pBits(chain.pBits()).plainModulus(t).build());
      }
      Schedule s = schedule(net, params.get(0), minBudget); // primes descend: the largest first
      CrtPlan plan = new CrtPlan(chain.logN(), primes, bitsNeeded, params, s.levels(), s.outputLevel(),
          s.budget(), "");
      tried.append(String.format(Locale.ROOT, " N=%d %s q %s k=%d (%d-bit t): predicted budget %.1f bits,"
          + " work %.0f;", n, chain.name(), Arrays.toString(chain.qBits()), k, bits, s.budget(),
          work(net, plan)));
      if (s.budget() >= minBudget) {
        return plan;
      }
      if (primes[0] < 8L * n) {
        break; // more primes would not be much smaller ones
      }
    }
    return null;
  }

  /**
   * The k primes ≡ 1 mod 2N whose product has at least {@code bits} bits and whose largest is as
   * small as possible (descending), or null when none below 2^{@link BfvParameters#MAX_PLAIN_BITS}
   * do. The noise a multiplication adds grows with t, so the largest prime, not the product's
   * excess, is what a plan pays for; k consecutive primes of the progression are the tightest.
   */
  static long[] smallestPrimes(int n, int k, int bits) {
    long step = 2L * n;
    long[] window = new long[k]; // the last k primes found, oldest at index found % k
    int found = 0;
    for (long v = step + 1; v < (1L << BfvParameters.MAX_PLAIN_BITS); v += step) {
      if (!Primes.isPrime(v)) {
        continue;
      }
      window[found % k] = v;
      found++;
      if (found >= k && product(window).bitLength() > bits) {
        long[] out = window.clone();
        Arrays.sort(out);
        for (int i = 0; i < k / 2; i++) {
          long tmp = out[i];
          out[i] = out[k - 1 - i];
          out[k - 1 - i] = tmp;
        }
        return out;
      }
    }
    return null;
  }

  private static java.math.BigInteger product(long[] v) {
    java.math.BigInteger p = java.math.BigInteger.ONE;
    for (long x : v) {
      p = p.multiply(java.math.BigInteger.valueOf(x));
    }
    return p;
  }

  /**
   * Estimated evaluation work of a plan, in squarings of one limb: k evaluations, each squaring
   * and each scalar multiply-add weighted by the limbs of its level. A multiply-add counts 1/400 of
   * a squaring, about the ratio of their measured times at N = 8192 (91,737 multiply-adds ≈ 1.7 s,
   * 845 squarings ≈ 7 s per prime at the same level).
   */
  static double work(QuantizedNetwork net, CrtPlan plan) {
    double w = 0;
    List<QuantizedNetwork.Layer> layers = net.layers();
    for (int i = 0; i < layers.size(); i++) {
      double limbs = plan.levels[i] + 1;
      if (layers.get(i) instanceof QuantizedNetwork.Linear lin) {
        long macs = 0;
        for (long v : lin.weights()) {
          macs += v != 0 ? 1 : 0;
        }
        w += limbs * macs / 400.0;
      } else {
        w += limbs * layers.get(i).outputSize();
      }
    }
    return w * plan.plainPrimes.length;
  }

  /** Levels per layer and the budget they leave. */
  record Schedule(int[] levels, int outputLevel, double budget) {}

  static Schedule schedule(QuantizedNetwork net, BfvParameters params, int minBudget) {
    BfvNoiseModel model = new BfvNoiseModel(params);
    List<QuantizedNetwork.Layer> layers = net.layers();
    int[] levels = new int[layers.size()];
    BfvNoiseModel.Estimate e = model.freshSymmetric();
    // the client encrypts directly at the lowest level that still leaves the budget (fresh noise
    // does not depend on the level), rather than the server switching every input down
    for (int l = e.level() - 1; l >= 0; l--) {
      BfvNoiseModel.Estimate fresh = new BfvNoiseModel.Estimate(e.variance(), l);
      if (model.budgetBits(finish(model, layers, 0, fresh)) < minBudget) {
        break;
      }
      e = fresh;
    }
    for (int i = 0; i < layers.size(); i++) {
      BfvNoiseModel.Estimate best = e;
      // products waiting for their relinearization are not switched (see relinearizesLate)
      boolean mayLower = i == 0 || !relinearizesLate(layers, i - 1);
      for (BfvNoiseModel.Estimate lower = e; mayLower && lower.level() > 0; ) {
        lower = model.modSwitch(lower);
        if (model.budgetBits(finish(model, layers, i, lower)) >= minBudget) {
          best = lower;
        } else {
          break;
        }
      }
      e = best;
      levels[i] = e.level();
      e = step(model, layers, i, e);
    }
    while (e.level() > 0) {
      BfvNoiseModel.Estimate lower = model.modSwitch(e);
      if (model.budgetBits(lower) < minBudget) {
        break;
      }
      e = lower;
    }
    return new Schedule(levels, e.level(), model.budgetBits(e));
  }

  private static BfvNoiseModel.Estimate finish(BfvNoiseModel model,
      List<QuantizedNetwork.Layer> layers, int from, BfvNoiseModel.Estimate e) {
    for (int i = from; i < layers.size(); i++) {
      e = step(model, layers, i, e);
    }
    return e;
  }

  /**
   * Whether layer i is a square whose products are summed by the next (linear) layer before one
   * relinearization per sum (lazy relinearization): 845 squares and 100 sums take 100 key switches
   * instead of 845. The products stay at the square's level until relinearized: switching a
   * 3-poly ciphertext rounds c2, whose error is multiplied by s² (coefficient variance ≈ N²/27
   * instead of N/18 for c1·s).
   */
  static boolean relinearizesLate(List<QuantizedNetwork.Layer> layers, int i) {
    return layers.get(i) instanceof QuantizedNetwork.Square && i + 1 < layers.size()
        && layers.get(i + 1) instanceof QuantizedNetwork.Linear;
  }

  /**
   * Noise after layer i: Σ w²·(V + 1/12) + 1/12 for a weighted sum plus bias; a square is the
   * product's noise, plus the key switch at once or, when relinearized late, after the next
   * layer's sums (once per sum instead of under the weights).
   */
  static BfvNoiseModel.Estimate step(BfvNoiseModel model, List<QuantizedNetwork.Layer> layers, int i,
      BfvNoiseModel.Estimate e) {
    if (layers.get(i) instanceof QuantizedNetwork.Linear l) {
      double v = l.maxRowSquareSum() * (e.variance() + 1.0 / 12) + 1.0 / 12;
      BfvNoiseModel.Estimate sum = new BfvNoiseModel.Estimate(v, e.level());
      return i > 0 && relinearizesLate(layers, i - 1) ? model.keySwitch(sum) : sum;
    }
    BfvNoiseModel.Estimate product = model.multiply(e, e);
    return relinearizesLate(layers, i) ? product : model.keySwitch(product);
  }
}
