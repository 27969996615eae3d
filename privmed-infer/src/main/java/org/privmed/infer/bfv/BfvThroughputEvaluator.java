package org.privmed.infer.bfv;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
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
  /** Per layer: the order in which a linear layer's rows are summed (null for a square). */
  private final RowOrder[] rowOrders;

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
    List<QuantizedNetwork.Layer> layers = program.network().layers();
    this.rowOrders = new RowOrder[layers.size()];
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) instanceof QuantizedNetwork.Linear lin) {
        rowOrders[i] = RowOrder.of(lin);
      }
    }
  }

  /**
   * A linear layer's rows sorted by their first input, and its weights in that order. A chunk of
   * consecutive rows then shares most of its inputs: a convolution's rows come channel by channel,
   * so a chunk of 32 held one channel's positions and each input was read (and split) by about
   * five chunks, once per channel; sorted, the channels of a position sit together. A dense layer
   * (every row reads input 0) keeps its order.
   */
  private record RowOrder(int[] rows, long[] weights) {
    static RowOrder of(QuantizedNetwork.Linear lin) {
      int n = lin.rows(), cols = lin.cols();
      long[] w = lin.weights();
      int[] first = new int[n];
      for (int r = 0; r < n; r++) {
        int j = 0;
        while (j < cols && w[r * cols + j] == 0) {
          j++;
        }
        first[r] = j;
      }
      int[] order = IntStream.range(0, n).boxed()
          .sorted((a, b) -> first[a] != first[b] ? Integer.compare(first[a], first[b]) : Integer.compare(a, b))
          .mapToInt(Integer::intValue).toArray();
      long[] sorted = new long[w.length];
      for (int i = 0; i < n; i++) {
        System.arraycopy(w, order[i] * cols, sorted, i * cols, cols);
      }
      return new RowOrder(order, sorted);
    }
  }

  /**
   * Every prime's evaluation, {@code inputs[p]} by {@code evaluators.get(p)}; the evaluators must
   * hold one program. The primes are independent (the CRT of Sec. 3 of the CryptoNets paper), so
   * they run layer by layer in lockstep: each layer of all primes is one set of tasks on the pool
   * (k × 845 squarings, k × the row chunks of a sum), so no prime's layer boundary leaves a worker
   * idle and three primes on two workers take the time of 1.5 primes, not of two (nesting one
   * parallel evaluation per prime did not balance: a worker joining one prime's layer would take
   * up a whole other prime). Each result is the same as evaluating that prime alone. {@code pool}
   * null: everything on the calling thread.
   */
  public static BfvCiphertext[][] evaluateAll(List<BfvThroughputEvaluator> evaluators,
      BfvCiphertext[][] inputs, ForkJoinPool pool) {
    int k = inputs.length;
    if (k != evaluators.size() || k == 0) {
      throw new IllegalArgumentException(evaluators.size() + " evaluators for " + inputs.length + " primes");
    }
    BfvProgram program = evaluators.get(0).program;
    for (int p = 0; p < k; p++) {
      BfvThroughputEvaluator ev = evaluators.get(p);
      if (ev.program != program) {
        throw new IllegalArgumentException("evaluator " + p + " holds another program than evaluator 0");
      }
      ev.checkInputs(inputs[p]);
    }
    List<QuantizedNetwork.Layer> layers = program.network().layers();
    int[] levels = program.plan().levels();
    BfvCiphertext[][] x = inputs.clone();
    BfvProduct[][] products = null; // the last square's outputs while their relinearization waits
    long[] nanos = new long[layers.size()];
    long[][] cpu = pool == null ? new long[k][layers.size()] : null;
    for (int li = 0; li < layers.size(); li++) {
      long t0 = System.nanoTime();
      int layerIndex = li;
      QuantizedNetwork.Layer layer = layers.get(li);
      if (products == null) {
        x = switchAll(evaluators, x, levels[li], pool, cpu, li);
      }
      BfvCiphertext[][] in = x;
      if (layer instanceof QuantizedNetwork.Linear lin) {
        int rows = lin.rows();
        int[][] bounds = new int[k][];
        for (int p = 0; p < k; p++) {
          bounds[p] = rowChunks(rows, pool, k);
        }
        int[] chunks = new int[k];
        for (int p = 0; p < k; p++) {
          chunks[p] = bounds[p].length - 1;
        }
        BfvCiphertext[][] next = new BfvCiphertext[k][rows];
        if (products != null) {
          BfvProduct[][] prods = products;
          BfvProduct[][] sums = new BfvProduct[k][rows];
          forAll(pool, chunks, cpu, li, (p, c) -> {
            RowOrder o = evaluators.get(p).rowOrders[layerIndex];
            scatter(evaluators.get(p).evaluator.weightedSums(prods[p], o.weights(), bounds[p][c],
                bounds[p][c + 1]), o, bounds[p][c], sums[p]);
          });
          products = null;
          forAll(pool, repeat(rows, k), cpu, li, (p, r) -> {
            BfvThroughputEvaluator ev = evaluators.get(p);
            next[p][r] = ev.addBias(sums[p][r] == null ? ev.zero(prods[p][0].level())
                : ev.evaluator.relinearize(sums[p][r]), lin, r);
          });
        } else {
          BfvCiphertext[][] sums = new BfvCiphertext[k][rows];
          forAll(pool, chunks, cpu, li, (p, c) -> {
            RowOrder o = evaluators.get(p).rowOrders[layerIndex];
            scatter(evaluators.get(p).evaluator.weightedSums(in[p], o.weights(), bounds[p][c],
                bounds[p][c + 1]), o, bounds[p][c], sums[p]);
          });
          forAll(pool, repeat(rows, k), cpu, li, (p, r) -> {
            BfvThroughputEvaluator ev = evaluators.get(p);
            next[p][r] = ev.addBias(sums[p][r] == null ? ev.zero(in[p][0].level()) : sums[p][r], lin, r);
          });
        }
        x = next;
      } else if (CrtPlan.relinearizesLate(layers, layerIndex)) {
        BfvProduct[][] sq = new BfvProduct[k][];
        int[] counts = new int[k];
        for (int p = 0; p < k; p++) {
          sq[p] = new BfvProduct[in[p].length];
          counts[p] = in[p].length;
        }
        forAll(pool, counts, cpu, li, (p, i) -> sq[p][i] = evaluators.get(p).evaluator.squareUnrelinearized(in[p][i]));
        products = sq;
      } else {
        BfvCiphertext[][] sq = new BfvCiphertext[k][];
        int[] counts = new int[k];
        for (int p = 0; p < k; p++) {
          sq[p] = new BfvCiphertext[in[p].length];
          counts[p] = in[p].length;
        }
        forAll(pool, counts, cpu, li, (p, i) -> sq[p][i] = evaluators.get(p).evaluator.squareRelinearize(in[p][i]));
        x = sq;
      }
      nanos[li] = System.nanoTime() - t0;
    }
    BfvCiphertext[][] out = switchAll(evaluators, x, program.plan().outputLevel(), pool, null, 0);
    for (int p = 0; p < k; p++) {
      evaluators.get(p).lastLayerNanos = nanos.clone();
      evaluators.get(p).lastLayerCpuNanos = cpu == null ? null : cpu[p];
    }
    return out;
  }

  private void checkInputs(BfvCiphertext[] inputs) {
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
  }

  public int prime() {
    return prime;
  }

  /** The network on a batch: one ciphertext per input value in, one per class out. */
  public BfvCiphertext[] evaluate(BfvCiphertext[] inputs) {
    return evaluateAll(List.of(this), new BfvCiphertext[][] {inputs}, pool)[0];
  }

  private volatile long[] lastLayerNanos = new long[0];

  /**
   * Wall time of each layer (its level switch included) in the last {@link #evaluate}, or in the
   * last {@link #evaluateAll} that included this evaluator: there, the time of the layer for all
   * primes at once.
   */
  public long[] lastLayerNanos() {
    return lastLayerNanos.clone();
  }

  private volatile long[] lastLayerCpuNanos;

  /**
   * CPU time of each layer under this evaluator's prime in the last evaluation when it ran on the
   * calling thread alone (no pool), else null: on a machine shared with other jobs it shows the
   * work where the wall time shows the load.
   */
  public long[] lastLayerCpuNanos() {
    long[] c = lastLayerCpuNanos;
    return c == null ? null : c.clone();
  }

  /** Sums of sorted rows [from, from + part.length) into their places in {@code out}. */
  private static <T> void scatter(T[] part, RowOrder order, int from, T[] out) {
    for (int i = 0; i < part.length; i++) {
      out[order.rows()[from + i]] = part[i];
    }
  }

  /** A task of one prime's layer: item i under prime p. */
  @FunctionalInterface
  private interface PrimeTask {
    void run(int p, int i);
  }

  /**
   * Runs task (p, i) for every prime p and i &lt; counts[p]: on the pool as one flat set of tasks,
   * or, without a pool, prime after prime on this thread, adding each prime's CPU time to
   * {@code cpu[p][layer]}.
   */
  private static void forAll(ForkJoinPool pool, int[] counts, long[][] cpu, int layer, PrimeTask task) {
    if (pool == null) {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      for (int p = 0; p < counts.length; p++) {
        long c0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < counts[p]; i++) {
          task.run(p, i);
        }
        if (cpu != null) {
          cpu[p][layer] += threads.getCurrentThreadCpuTime() - c0;
        }
      }
      return;
    }
    int[] start = new int[counts.length + 1];
    for (int p = 0; p < counts.length; p++) {
      start[p + 1] = start[p] + counts[p];
    }
    run(pool, () -> IntStream.range(0, start[counts.length]).parallel().forEach(j -> {
      int p = Arrays.binarySearch(start, j);
      // the first prime whose range holds j (empty ranges share their start)
      p = p >= 0 ? lastAt(start, p) : -p - 2;
      task.run(p, j - start[p]);
    }));
  }

  /** The last index whose value equals start[p] (a prime with an empty range precedes it). */
  private static int lastAt(int[] start, int p) {
    while (p + 1 < start.length - 1 && start[p + 1] == start[p]) {
      p++;
    }
    return p;
  }

  private static int[] repeat(int v, int n) {
    int[] a = new int[n];
    Arrays.fill(a, v);
    return a;
  }

  /**
   * Chunk boundaries: at most {@link #CHUNK_ROWS} rows each, so that a chunk's accumulators take
   * long coefficient blocks in the cache, and, with the chunks of the other primes evaluated at the
   * same time, at least two chunks per worker, so that a worker held up by other jobs leaves chunks
   * to the others. Each chunk rereads its inputs from memory, so fewer chunks are better as long as
   * the workers stay balanced: CryptoNets' dense layer (100 rows, three primes, two workers) in
   * two chunks per prime took 2.03 s where four took 2.26 s (one run each, quiet).
   */
  private static int[] rowChunks(int rows, ForkJoinPool pool, int primes) {
    int tasks = pool == null ? 1 : 2 * pool.getParallelism(); // over all primes at once
    int chunks = Math.max((rows + CHUNK_ROWS - 1) / CHUNK_ROWS, (tasks + primes - 1) / primes);
    chunks = Math.min(rows, chunks);
    int[] bounds = new int[chunks + 1];
    for (int c = 0; c <= chunks; c++) {
      bounds[c] = (int) ((long) rows * c / chunks);
    }
    return bounds;
  }

  private static final int CHUNK_ROWS = 64;

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

  /** Every prime's ciphertexts switched down to {@code level} (those already at or below it kept). */
  private static BfvCiphertext[][] switchAll(List<BfvThroughputEvaluator> evaluators, BfvCiphertext[][] x,
      int level, ForkJoinPool pool, long[][] cpu, int layer) {
    int k = x.length;
    BfvCiphertext[][] out = new BfvCiphertext[k][];
    int[] counts = new int[k];
    for (int p = 0; p < k; p++) {
      boolean lower = x[p][0].level() > level;
      out[p] = lower ? new BfvCiphertext[x[p].length] : x[p];
      counts[p] = lower ? x[p].length : 0;
    }
    forAll(pool, counts, cpu, layer, (p, i) -> out[p][i] = evaluators.get(p).evaluator.modSwitchTo(x[p][i], level));
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
