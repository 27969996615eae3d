package org.privmed.infer.bfv;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.privmed.he.bfv.BfvCiphertext;
import org.privmed.he.bfv.BfvContext;
import org.privmed.he.bfv.BfvEvaluator;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.infer.quant.QuantizedNetwork;

/**
 * The server side of a {@link BfvProgram} under one plaintext prime: the CryptoNets throughput
 * evaluation (Gilad-Bachrach et al., ICML 2016, Sec. 3–4), one ciphertext per network value, slot b
 * holding image b. A linear layer is, per output, a weighted sum of ciphertexts by integer weights
 * ({@link BfvEvaluator#multiplyAccumulate}, no plaintext encoding) plus the bias as a constant;
 * a square is one squaring (Halevi, Polyakov and Shoup's RNS BFV, CT-RSA 2019, Sec. 4: three
 * tensor products instead of four) and one relinearization. No rotations. Ciphertexts are switched down to the plan's level before each
 * layer. Holds only the relinearization key of its prime.
 */
public final class BfvThroughputEvaluator implements AutoCloseable {
  private final BfvProgram program;
  private final int prime;
  private final BfvContext ctx;
  private final BfvEvaluator evaluator;
  private final ForkJoinPool pool;
  private final boolean ownsPool;

  /**
   * @param prime index of the plaintext prime whose context {@code ctx} is
   * @param threads worker threads over independent ciphertexts (1: the calling thread)
   */
  public BfvThroughputEvaluator(BfvProgram program, int prime, BfvContext ctx,
      RelinearizationKey relinKey, int threads) {
    this(program, prime, ctx, relinKey, checkThreads(threads) == 1 ? null : new ForkJoinPool(threads), true);
  }

  /**
   * An evaluator whose independent ciphertexts run on {@code shared}, a pool that the caller owns
   * and may give to the evaluators of the other primes too (see {@link #evaluateAll}).
   */
  public BfvThroughputEvaluator(BfvProgram program, int prime, BfvContext ctx,
      RelinearizationKey relinKey, ForkJoinPool shared) {
    this(program, prime, ctx, relinKey, Objects.requireNonNull(shared, "shared pool"), false);
  }

  private static int checkThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    return threads;
  }

  private BfvThroughputEvaluator(BfvProgram program, int prime, BfvContext ctx,
      RelinearizationKey relinKey, ForkJoinPool pool, boolean ownsPool) {
    if (prime < 0 || prime >= program.primeCount()) {
      throw new IllegalArgumentException("prime index " + prime + " outside [0, " + program.primeCount() + ")");
    }
    if (ctx.paramsId() != program.parameters(prime).id()) {
      throw new IllegalArgumentException("context parameters " + Long.toHexString(ctx.paramsId())
          + " are not those of plaintext prime " + prime + " ("
          + Long.toHexString(program.parameters(prime).id()) + ")");
    }
    this.program = program;
    this.prime = prime;
    this.ctx = ctx;
    this.evaluator = new BfvEvaluator(ctx, relinKey, null);
    this.pool = pool;
    this.ownsPool = ownsPool;
  }

  /**
   * Every prime's evaluation, {@code inputs[p]} by {@code evaluators.get(p)}. The primes are
   * independent (the CRT of Sec. 3 of the CryptoNets paper), so on a pool they run at once and
   * their ciphertexts share its workers: no layer boundary of one prime leaves a thread idle while
   * another prime has work. Each result is the same as evaluating that prime alone. {@code pool}
   * null: one prime after another on the evaluators' own threads.
   */
  public static BfvCiphertext[][] evaluateAll(List<BfvThroughputEvaluator> evaluators,
      BfvCiphertext[][] inputs, ForkJoinPool pool) {
    if (inputs.length != evaluators.size()) {
      throw new IllegalArgumentException(evaluators.size() + " evaluators for " + inputs.length + " primes");
    }
    BfvCiphertext[][] out = new BfvCiphertext[inputs.length][];
    if (pool == null) {
      for (int p = 0; p < inputs.length; p++) {
        out[p] = evaluators.get(p).evaluate(inputs[p]);
      }
      return out;
    }
    run(pool, () -> IntStream.range(0, inputs.length).parallel()
        .forEach(p -> out[p] = evaluators.get(p).evaluate(inputs[p])));
    return out;
  }

  public int prime() {
    return prime;
  }

  /** The network on a batch: one ciphertext per input value in, one per class out. */
  public BfvCiphertext[] evaluate(BfvCiphertext[] inputs) {
    QuantizedNetwork net = program.network();
    if (inputs.length != net.inputSize()) {
      throw new IllegalArgumentException("the program reads " + net.inputSize() + " ciphertexts, got "
          + inputs.length);
    }
    for (int i = 0; i < inputs.length; i++) {
      if (inputs[i] == null) {
        throw new IllegalArgumentException("input ciphertext " + i + " is missing");
      }
      if (inputs[i].paramsId() != ctx.paramsId()) {
        throw new IllegalArgumentException("input ciphertext " + i + " has parameter id "
            + Long.toHexString(inputs[i].paramsId()) + ", plaintext prime " + prime + " needs "
            + Long.toHexString(ctx.paramsId()));
      }
      if (inputs[i].size() != 2) {
        throw new IllegalArgumentException("input ciphertext " + i + " has " + inputs[i].size() + " polys, expected 2");
      }
      if (inputs[i].level() != inputs[0].level() || inputs[i].level() < program.plan().levels()[0]) {
        throw new IllegalArgumentException("input ciphertext " + i + " is at level " + inputs[i].level()
            + "; all inputs must share one level of at least " + program.plan().levels()[0]);
      }
    }
    List<QuantizedNetwork.Layer> layers = net.layers();
    int[] levels = program.plan().levels();
    BfvCiphertext[] x = inputs;
    long[] nanos = new long[layers.size()];
    for (int li = 0; li < layers.size(); li++) {
      long t0 = System.nanoTime();
      x = switchTo(x, levels[li]);
      QuantizedNetwork.Layer layer = layers.get(li);
      BfvCiphertext[] in = x;
      if (layer instanceof QuantizedNetwork.Linear lin) {
        x = map(lin.rows(), r -> weightedSum(in, lin, r));
      } else {
        x = map(in.length, i -> evaluator.squareRelinearize(in[i]));
      }
      nanos[li] = System.nanoTime() - t0;
    }
    BfvCiphertext[] out = switchTo(x, program.plan().outputLevel());
    lastLayerNanos = nanos;
    return out;
  }

  private volatile long[] lastLayerNanos = new long[0];

  /** Wall time of each layer (its level switch included) in the last {@link #evaluate}. */
  public long[] lastLayerNanos() {
    return lastLayerNanos.clone();
  }

  private BfvCiphertext weightedSum(BfvCiphertext[] in, QuantizedNetwork.Linear lin, int r) {
    BfvCiphertext y = evaluator.multiplyAccumulate(in, lin.row(r));
    if (y == null) {
      // a row of zero weights: the output is the bias alone, a trivial encryption of it
      int level = in[0].level();
      y = new BfvCiphertext(new RnsPoly[] {
          new RnsPoly(ctx.ringDegree(), level + 1, true), new RnsPoly(ctx.ringDegree(), level + 1, true)},
          ctx.paramsId());
    }
    long b = lin.biasMod(r, ctx.params().plainModulus());
    return b == 0 ? y : evaluator.addConstant(y, b);
  }

  private BfvCiphertext[] switchTo(BfvCiphertext[] x, int level) {
    if (x[0].level() <= level) {
      return x;
    }
    return map(x.length, i -> evaluator.modSwitchTo(x[i], level));
  }

  private BfvCiphertext[] map(int n, IntFunction<BfvCiphertext> f) {
    BfvCiphertext[] out = new BfvCiphertext[n];
    if (pool == null) {
      for (int i = 0; i < n; i++) {
        out[i] = f.apply(i);
      }
      return out;
    }
    Runnable all = () -> IntStream.range(0, n).parallel().forEach(i -> out[i] = f.apply(i));
    if (ForkJoinTask.getPool() == pool) {
      // already a worker of the pool (evaluateAll): the parallel stream forks into it directly
      all.run();
    } else {
      run(pool, all);
    }
    return out;
  }

  private static void run(ForkJoinPool pool, Runnable task) {
    try {
      pool.submit(task).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during BFV evaluation", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    }
  }

  /** Shuts down the evaluator's own pool; a shared pool stays with its owner. */
  @Override
  public void close() {
    if (pool != null && ownsPool) {
      pool.shutdown();
    }
  }
}
