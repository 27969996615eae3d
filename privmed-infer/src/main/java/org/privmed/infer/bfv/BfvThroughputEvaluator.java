package org.privmed.infer.bfv;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.privmed.he.bfv.BfvCiphertext;
import org.privmed.he.bfv.BfvContext;
import org.privmed.he.bfv.BfvEvaluator;
import org.privmed.he.bfv.BfvProduct;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.infer.quant.QuantizedNetwork;

/**
 * The server side of a {@link BfvProgram} under one plaintext prime: the CryptoNets throughput
 * evaluation (Gilad-Bachrach et al., ICML 2016, Sec. 3–4), one ciphertext per network value, slot b
 * holding image b. A linear layer is, per output, a weighted sum of ciphertexts by integer weights
 * ({@link BfvEvaluator#weightedSums}, all rows of a chunk at once, no plaintext encoding) plus the
 * bias as a constant; a square is one squaring (Halevi, Polyakov and Shoup's RNS BFV, CT-RSA 2019,
 * Sec. 4: three tensor products instead of four). A square followed by a linear layer is left
 * unrelinearized ({@link BfvProduct}) and the linear layer relinearizes its sums, one key switch
 * per output instead of per square ({@link CrtPlan#relinearizesLate}); a last square is
 * relinearized at once. No rotations. Ciphertexts are switched down to the plan's level before each
 * layer (never while products wait). Holds only the relinearization key of its prime.
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
    BfvProduct[] products = null; // the last square's outputs while their relinearization waits
    long[] nanos = new long[layers.size()];
    long[] cpu = new long[layers.size()];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int li = 0; li < layers.size(); li++) {
      long t0 = System.nanoTime();
      long c0 = threads.getCurrentThreadCpuTime();
      QuantizedNetwork.Layer layer = layers.get(li);
      if (products == null) {
        x = switchTo(x, levels[li]);
      }
      BfvCiphertext[] in = x;
      if (layer instanceof QuantizedNetwork.Linear lin) {
        if (products != null) {
          BfvProduct[] sums = weightedSums(products, lin);
          int level = products[0].level();
          products = null;
          x = map(lin.rows(), r -> addBias(sums[r] == null ? zero(level) : evaluator.relinearize(sums[r]), lin, r));
        } else {
          BfvCiphertext[] sums = weightedSums(in, lin);
          x = map(lin.rows(), r -> addBias(sums[r] == null ? zero(in[0].level()) : sums[r], lin, r));
        }
      } else if (CrtPlan.relinearizesLate(layers, li)) {
        BfvProduct[] sq = new BfvProduct[in.length];
        run(in.length, i -> sq[i] = evaluator.squareUnrelinearized(in[i]));
        products = sq;
      } else {
        x = map(in.length, i -> evaluator.squareRelinearize(in[i]));
      }
      nanos[li] = System.nanoTime() - t0;
      cpu[li] = threads.getCurrentThreadCpuTime() - c0;
    }
    BfvCiphertext[] out = switchTo(x, program.plan().outputLevel());
    lastLayerNanos = nanos;
    lastLayerCpuNanos = pool == null ? cpu : null;
    return out;
  }

  private volatile long[] lastLayerNanos = new long[0];

  /** Wall time of each layer (its level switch included) in the last {@link #evaluate}. */
  public long[] lastLayerNanos() {
    return lastLayerNanos.clone();
  }

  private volatile long[] lastLayerCpuNanos;

  /**
   * CPU time of each layer in the last {@link #evaluate} when it ran on the calling thread alone
   * (no pool), else null: on a machine shared with other jobs it shows the work where the wall
   * time shows the load.
   */
  public long[] lastLayerCpuNanos() {
    long[] c = lastLayerCpuNanos;
    return c == null ? null : c.clone();
  }

  /**
   * The layer's weighted sums in row chunks, one task each: a chunk reads every input it uses once
   * for all its rows ({@link BfvEvaluator#weightedSums}), so there are only as many chunks as the
   * workers can use.
   */
  private BfvCiphertext[] weightedSums(BfvCiphertext[] in, QuantizedNetwork.Linear lin) {
    return byRowChunks(new BfvCiphertext[lin.rows()], (from, to) -> evaluator.weightedSums(in, lin.weights(), from, to));
  }

  private BfvProduct[] weightedSums(BfvProduct[] in, QuantizedNetwork.Linear lin) {
    return byRowChunks(new BfvProduct[lin.rows()], (from, to) -> evaluator.weightedSums(in, lin.weights(), from, to));
  }

  /** Fills {@code out} from the sums of each row chunk, one task per chunk. */
  private <T> T[] byRowChunks(T[] out, BiFunction<Integer, Integer, T[]> sums) {
    int[] bounds = rowChunks(out.length);
    run(bounds.length - 1, c -> System.arraycopy(sums.apply(bounds[c], bounds[c + 1]), 0, out, bounds[c],
        bounds[c + 1] - bounds[c]));
    return out;
  }

  /**
   * Chunk boundaries: at most {@link #CHUNK_ROWS} rows each, so that a chunk's accumulators take
   * long coefficient blocks in the cache, and at least two chunks per worker on a pool, so that a
   * worker held up by other jobs leaves chunks to the others. Each chunk rereads its inputs from
   * memory, which is not free (one chunk of all 100 rows took CryptoNets' dense layer from 1.44 to
   * 1.23 CPU seconds per prime on one thread, with a two-column kernel since dropped), but one
   * chunk per worker made the layer 2.3 times slower at two threads on the shared machine (one run,
   * load average 2.5–3), so the balance wins.
   */
  private int[] rowChunks(int rows) {
    int chunks = Math.max((rows + CHUNK_ROWS - 1) / CHUNK_ROWS, pool == null ? 1 : 2 * pool.getParallelism());
    chunks = Math.min(rows, chunks);
    int[] bounds = new int[chunks + 1];
    for (int c = 0; c <= chunks; c++) {
      bounds[c] = (int) ((long) rows * c / chunks);
    }
    return bounds;
  }

  private static final int CHUNK_ROWS = 32;

  private BfvCiphertext addBias(BfvCiphertext y, QuantizedNetwork.Linear lin, int r) {
    long b = lin.biasMod(r, ctx.params().plainModulus());
    return b == 0 ? y : evaluator.addConstant(y, b);
  }

  /** A trivial encryption of zero: the output of a row of zero weights, before its bias. */
  private BfvCiphertext zero(int level) {
    return new BfvCiphertext(new RnsPoly[] {
        new RnsPoly(ctx.ringDegree(), level + 1, true), new RnsPoly(ctx.ringDegree(), level + 1, true)},
        ctx.paramsId());
  }

  private BfvCiphertext[] switchTo(BfvCiphertext[] x, int level) {
    if (x[0].level() <= level) {
      return x;
    }
    return map(x.length, i -> evaluator.modSwitchTo(x[i], level));
  }

  private BfvCiphertext[] map(int n, IntFunction<BfvCiphertext> f) {
    BfvCiphertext[] out = new BfvCiphertext[n];
    run(n, i -> out[i] = f.apply(i));
    return out;
  }

  /** Tasks 0 … n-1, on the pool when there is one. */
  private void run(int n, IntConsumer task) {
    if (pool == null) {
      for (int i = 0; i < n; i++) {
        task.accept(i);
      }
      return;
    }
    Runnable all = () -> IntStream.range(0, n).parallel().forEach(task);
    if (ForkJoinTask.getPool() == pool) {
      // already a worker of the pool (evaluateAll): the parallel stream forks into it directly
      all.run();
    } else {
      run(pool, all);
    }
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
