package org.privmed.infer.bfv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.privmed.he.bfv.BfvNoiseModel;
import org.privmed.he.bfv.BfvParameters;
import org.privmed.he.math.Primes;
import org.privmed.infer.quant.QuantizedNetwork;

/**
 * The BFV parameters of a quantized network: k plaintext primes t_1 … t_k (each ≡ 1 mod 2N, so
 * every one batches) whose product T exceeds 2·max|value| (CryptoNets, Gilad-Bachrach et al., ICML
 * 2016, Sec. 4.2: the network runs once per prime and the results are joined by the Chinese
 * Remainder Theorem), a ring degree and SEAL's default ciphertext chain for it, and the level each
 * layer runs at.
 *
 * <p>Choice. Ring degrees are tried from 2^13 (a batch of 8192 images) upwards, each with SEAL's
 * 128-bit default coefficient modulus for it (its last prime as the special prime). For k = 1, 2, …
 * the primes are the largest of ceil(bits/k) + 1 bits, so their product has at least the bits
 * needed; the first k whose largest prime leaves a predicted noise budget of at least
 * {@code minBudget} bits at the output ({@link BfvNoiseModel}, with the weighted sums' growth
 * Σ w²·Var(e)) is taken: fewer primes mean fewer evaluations, and a smaller t slows the noise.
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
 */
public record CrtPlan(int logN, long[] plainPrimes, int bitsNeeded, List<BfvParameters> parameters,
    int[] levels, int outputLevel, double predictedBudget, String tried) {

  /** SEAL's 128-bit default coefficient moduli (CoeffModulus::BFVDefault), split into Q and P. */
  private record Chain(int logN, int[] qBits, int pBits) {}

  private static final Chain[] CHAINS = {
      new Chain(13, new int[] {43, 43, 44, 44}, 44),
      new Chain(14, new int[] {48, 48, 48, 49, 49, 49, 49, 49}, 49),
      new Chain(15, repeat(55, 15), 55),
  };

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
    for (Chain chain : CHAINS) {
      if (chain.logN() < minLogN) {
        continue;
      }
      int n = 1 << chain.logN();
      int minPrimeBits = chain.logN() + 2; // a prime ≡ 1 mod 2N has more bits than 2N
      for (int k = 1; k <= MAX_PRIMES; k++) {
        int bits = Math.max(minPrimeBits, (bitsNeeded + k - 1) / k + 1);
        long[] primes = null;
        // few primes ≡ 1 mod 2N have a given small size: take the next size up if k do not exist
        for (; primes == null && bits <= BfvParameters.MAX_PLAIN_BITS; bits++) {
          try {
            primes = Primes.nttPrimes(bits, n, k);
          } catch (IllegalArgumentException tooFew) {
            primes = null;
          }
        }
        bits--;
        if (primes == null) {
          continue;
        }
        List<BfvParameters> params = new ArrayList<>();
        for (long t : primes) {
          params.add(BfvParameters.builder().logN(chain.logN()).qBits(chain.qBits())
              .pBits(chain.pBits()).plainModulus(t).build());
        }
        Schedule s = schedule(net, params.get(0), minBudget); // primes descend: the largest first
        tried.append(String.format(Locale.ROOT, " N=%d k=%d (%d-bit t): predicted budget %.1f bits;",
            n, k, bits, s.budget()));
        if (s.budget() >= minBudget) {
          return new CrtPlan(chain.logN(), primes, bitsNeeded, params, s.levels(), s.outputLevel(),
              s.budget(), tried.toString().trim());
        }
        if (bits <= minPrimeBits + 1) {
          break; // more primes would not be smaller ones
        }
      }
    }
    throw new IllegalArgumentException("no 128-bit-secure BFV parameters (N <= 2^15, at most "
        + MAX_PRIMES + " plaintext primes of <= " + BfvParameters.MAX_PLAIN_BITS + " bits) hold "
        + bitsNeeded + " bits with a noise budget of " + minBudget + " bits left:" + tried);
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
      for (BfvNoiseModel.Estimate lower = e; lower.level() > 0; ) {
        lower = model.modSwitch(lower);
        if (model.budgetBits(finish(model, layers, i, lower)) >= minBudget) {
          best = lower;
        } else {
          break;
        }
      }
      e = best;
      levels[i] = e.level();
      e = step(model, layers.get(i), e);
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
      e = step(model, layers.get(i), e);
    }
    return e;
  }

  /** Noise after one layer: Σ w²·(V + 1/12) + 1/12 for a weighted sum plus bias; square + relin. */
  static BfvNoiseModel.Estimate step(BfvNoiseModel model, QuantizedNetwork.Layer layer,
      BfvNoiseModel.Estimate e) {
    if (layer instanceof QuantizedNetwork.Linear l) {
      double v = l.maxRowSquareSum() * (e.variance() + 1.0 / 12) + 1.0 / 12;
      return new BfvNoiseModel.Estimate(v, e.level());
    }
    return model.keySwitch(model.multiply(e, e));
  }
}
