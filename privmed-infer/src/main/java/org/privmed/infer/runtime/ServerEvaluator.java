package org.privmed.infer.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.ckks.CkksEncoder;
import org.privmed.he.ckks.Evaluator;
import org.privmed.he.ckks.LiftedPlaintext;
import org.privmed.he.ckks.Plaintext;
import org.privmed.he.math.Modulus;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.rlwe.GaloisKeys;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.infer.compile.HeProgram;
import org.privmed.infer.compile.Packing;
import org.privmed.infer.packing.DiagonalPlan;
import org.privmed.infer.plan.LinearStage;
import org.privmed.infer.plan.PolynomialStage;
import org.privmed.infer.plan.Stage;

/**
 * Runs an {@link HeProgram} on encrypted inputs. Holds only evaluation keys, never a secret key.
 * Every input is checked (count, parameter id, degree, level, scale) before any work, so a bad
 * request fails fast with a message naming what is wrong. Thread-safe: concurrent calls share the
 * precomputed diagonal plaintexts and weight residues.
 */
public final class ServerEvaluator implements AutoCloseable {
  private final HeProgram program;
  private final CkksContext ctx;
  private final Evaluator ev;
  private final CkksEncoder encoder;
  private final int threads;
  private final ForkJoinPool pool;
  /** Latency: per stage, giant shift → (baby shift → plaintext diagonal). */
  private final List<Map<Integer, Map<Integer, Plaintext>>> diagonals = new ArrayList<>();
  /**
   * Latency: per stage, the same diagonals lifted to the special primes, one group per giant
   * shift, for the lazy-ModDown baby steps; null where a stage has no baby rotation or a
   * diagonal has no small lift.
   */
  private final List<LiftedStage> lifted = new ArrayList<>();

  private record LiftedStage(int[] giants, int[][] babies, LiftedPlaintext[][] weights) {}
  private final Map<Integer, Plaintext> biasCache = new ConcurrentHashMap<>();
  /** Throughput: per stage, the weight residues. */
  private final ThroughputLinear[] kernels;

  public ServerEvaluator(HeProgram program, CkksContext ctx, RelinearizationKey rlk, GaloisKeys gk) {
    this(program, ctx, rlk, gk, true);
  }

  /**
   * An evaluator that skips the up-front key check, so a missing key shows only when the
   * evaluation reaches it; for tests that prove every requested key is used.
   */
  public static ServerEvaluator unchecked(HeProgram program, CkksContext ctx, RelinearizationKey rlk,
      GaloisKeys gk) {
    return new ServerEvaluator(program, ctx, rlk, gk, false);
  }

  private ServerEvaluator(HeProgram program, CkksContext ctx, RelinearizationKey rlk, GaloisKeys gk,
      boolean checkKeys) {
    if (ctx.paramsId() != program.parameters().id()) {
      throw new IllegalArgumentException(String.format("context parameters %016x differ from the "
          + "program's %016x", ctx.paramsId(), program.parameters().id()));
    }
    if (program.needsRelinKey() && rlk == null) {
      throw new IllegalArgumentException("the program squares ciphertexts: a relinearization key is needed");
    }
    if (!checkKeys) {
      // keys are checked by the evaluator when used
    } else if (gk != null) {
      for (int step : program.rotationSteps()) {
        int g = ctx.galoisElementForRotation(step);
        if (!gk.has(g)) {
          throw new IllegalArgumentException("Galois keys lack rotation step " + step + " (element "
              + g + ") that the program uses");
        }
      }
    } else if (program.rotationSteps().length > 0) {
      throw new IllegalArgumentException("the program rotates by " + program.rotationSteps().length
          + " steps: Galois keys are needed");
    }
    this.program = program;
    this.ctx = ctx;
    this.ev = new Evaluator(ctx, rlk, gk);
    this.encoder = new CkksEncoder(ctx);
    this.threads = ctx.threads();
    this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
    List<Stage> stages = program.stages();
    this.kernels = new ThroughputLinear[stages.size()];
    for (int i = 0; i < stages.size(); i++) {
      Map<Integer, Map<Integer, Plaintext>> enc = new TreeMap<>();
      if (stages.get(i) instanceof LinearStage l) {
        int level = program.stageLevel(i);
        if (program.packing() == Packing.THROUGHPUT) {
          if (!program.integerWeights()) {
            double prime = (double) ctx.rlwe().qAtLevel(level).modulus(level).value();
            kernels[i] = new ThroughputLinear(ctx, l, level, prime);
          }
        } else {
          DiagonalPlan plan = program.diagonalPlan(i);
          double ptScale = (double) ctx.rlwe().qAtLevel(level).modulus(level).value();
          for (Map.Entry<Integer, Map<Integer, double[]>> g : plan.diagonals().entrySet()) {
            Map<Integer, Plaintext> inner = new TreeMap<>();
            for (Map.Entry<Integer, double[]> b : g.getValue().entrySet()) {
              inner.put(b.getKey(), encoder.encode(b.getValue(), level, ptScale));
            }
            enc.put(g.getKey(), inner);
          }
        }
      }
      diagonals.add(enc);
      lifted.add(program.packing() == Packing.LATENCY && !enc.isEmpty()
          && program.diagonalPlan(i).babySteps().length > 0 ? lift(enc) : null);
    }
  }

  private LiftedStage lift(Map<Integer, Map<Integer, Plaintext>> enc) {
    int[] giants = new int[enc.size()];
    int[][] babies = new int[enc.size()][];
    LiftedPlaintext[][] weights = new LiftedPlaintext[enc.size()][];
    int g = 0;
    try {
      for (Map.Entry<Integer, Map<Integer, Plaintext>> e : enc.entrySet()) {
        giants[g] = e.getKey();
        babies[g] = new int[e.getValue().size()];
        weights[g] = new LiftedPlaintext[e.getValue().size()];
        int b = 0;
        for (Map.Entry<Integer, Plaintext> d : e.getValue().entrySet()) {
          babies[g][b] = d.getKey();
          weights[g][b] = ev.lift(d.getValue());
          b++;
        }
        g++;
      }
    } catch (IllegalArgumentException noSmallLift) {
      return null; // weights too large for q_0: the stage keeps one ModDown per rotation
    }
    return new LiftedStage(giants, babies, weights);
  }

  public HeProgram program() {
    return program;
  }

  /**
   * @param inputs {@link HeProgram#inputCiphertexts()} fresh ciphertexts from a
   *     {@link ClientSession}
   * @return {@link HeProgram#outputCiphertexts()} ciphertexts of the logits
   * @throws IllegalArgumentException naming the first bad input
   */
  public Ciphertext[] evaluate(Ciphertext[] inputs) {
    validate(inputs);
    if (program.packing() == Packing.LATENCY) {
      return new Ciphertext[] {evaluateLatency(inputs[0])};
    }
    return evaluateThroughput(inputs);
  }

  private void validate(Ciphertext[] inputs) {
    if (inputs == null || inputs.length != program.inputCiphertexts()) {
      throw new IllegalArgumentException("expected " + program.inputCiphertexts()
          + " input ciphertexts, got " + (inputs == null ? "null" : inputs.length));
    }
    long id = program.parameters().id();
    int top = program.parameters().maxLevel();
    double scale = program.parameters().defaultScale();
    for (int i = 0; i < inputs.length; i++) {
      Ciphertext c = inputs[i];
      if (c == null) {
        throw new IllegalArgumentException("input ciphertext " + i + " is null");
      }
      if (c.paramsId() != id) {
        throw new IllegalArgumentException(String.format("input ciphertext %d has parameter id %016x, "
            + "the program expects %016x", i, c.paramsId(), id));
      }
      if (c.size() != 2) {
        throw new IllegalArgumentException("input ciphertext " + i + " has " + c.size()
            + " polynomials, expected 2");
      }
      if (c.level() != top) {
        throw new IllegalArgumentException("input ciphertext " + i + " is at level " + c.level()
            + ", expected the top level " + top);
      }
      if (Math.abs(c.scale() - scale) > 1e-9 * scale) {
        throw new IllegalArgumentException("input ciphertext " + i + " has scale " + c.scale()
            + ", expected " + scale);
      }
    }
  }

  private Ciphertext evaluateLatency(Ciphertext x) {
    List<Stage> stages = program.stages();
    for (int i = 0; i < stages.size(); i++) {
      Stage st = stages.get(i);
      if (st instanceof PolynomialStage p) {
        x = PolynomialEvaluator.apply(ev, p, x);
        continue;
      }
      DiagonalPlan plan = program.diagonalPlan(i);
      Ciphertext acc = lifted.get(i) != null ? lazyProducts(lifted.get(i), x)
          : hoistedProducts(plan, diagonals.get(i), x);
      // rescale first: the rotate-and-sum then works on one limb fewer
      acc = ev.rescale(acc);
      for (int s : plan.sumSteps()) {
        acc = ev.add(acc, ev.rotate(acc, s));
      }
      x = ev.addPlain(acc, bias(i, plan, acc));
    }
    return x;
  }

  /** Σ_g rot(Σ_b W_{g,b} ⊙ rot(x, b), g) with the baby rotations' ModDown done once per group. */
  private Ciphertext lazyProducts(LiftedStage st, Ciphertext x) {
    Ciphertext[] inner = ev.rotateHoistedDots(x, st.babies(), st.weights());
    Ciphertext acc = null;
    for (int g = 0; g < inner.length; g++) {
      Ciphertext shifted = st.giants()[g] == 0 ? inner[g] : ev.rotate(inner[g], st.giants()[g]);
      acc = acc == null ? shifted : ev.add(acc, shifted);
    }
    return acc;
  }

  /** The same with one ModDown per baby rotation (hoisted decomposition only). */
  private Ciphertext hoistedProducts(DiagonalPlan plan, Map<Integer, Map<Integer, Plaintext>> diags,
      Ciphertext x) {
    int[] babySteps = plan.babySteps();
    Ciphertext[] rotated = babySteps.length == 0 ? new Ciphertext[0] : ev.rotateHoisted(x, babySteps);
    Map<Integer, Ciphertext> baby = new TreeMap<>();
    baby.put(0, x);
    for (int b = 0; b < babySteps.length; b++) {
      baby.put(babySteps[b], rotated[b]);
    }
    Ciphertext acc = null;
    for (Map.Entry<Integer, Map<Integer, Plaintext>> g : diags.entrySet()) {
      Ciphertext inner = innerProduct(baby, g.getValue());
      Ciphertext shifted = g.getKey() == 0 ? inner : ev.rotate(inner, g.getKey());
      acc = acc == null ? shifted : ev.add(acc, shifted);
    }
    return acc;
  }

  /**
   * Σ_b rot(x, b) ⊙ diag_b in one pass per limb: the products of residues below 2^31.5 are summed
   * exactly in 64 bits and reduced once per group (wider limbs reduce every product), instead of one
   * ciphertext and one reduction per term.
   */
  private Ciphertext innerProduct(Map<Integer, Ciphertext> baby, Map<Integer, Plaintext> diags) {
    int count = diags.size();
    Ciphertext[] xs = new Ciphertext[count];
    Plaintext[] ps = new Plaintext[count];
    int t = 0;
    for (Map.Entry<Integer, Plaintext> e : diags.entrySet()) {
      xs[t] = baby.get(e.getKey());
      ps[t] = e.getValue();
      t++;
    }
    int level = xs[0].level();
    int n = ctx.ringDegree();
    RnsBasis q = ctx.rlwe().qAtLevel(level);
    RnsPoly[] out = {new RnsPoly(n, level + 1, true), new RnsPoly(n, level + 1, true)};
    for (int i = 0; i <= level; i++) {
      Modulus m = q.modulus(i);
      double qd = (double) m.value();
      long fit = (long) Math.floor(0x1p63 / (qd * qd)) - 1;
      for (int p = 0; p < 2; p++) {
        long[] z = out[p].limb(i);
        if (fit >= 2) {
          int since = 0;
          for (int u = 0; u < count; u++) {
            if (since == fit) {
              for (int j = 0; j < n; j++) {
                z[j] = m.reduce(z[j]);
              }
              since = 1;
            }
            long[] a = xs[u].poly(p).limb(i);
            long[] w = ps[u].poly().limb(i);
            for (int j = 0; j < n; j++) {
              z[j] += a[j] * w[j];
            }
            since++;
          }
          for (int j = 0; j < n; j++) {
            z[j] = m.reduce(z[j]);
          }
        } else {
          for (int u = 0; u < count; u++) {
            long[] a = xs[u].poly(p).limb(i);
            long[] w = ps[u].poly().limb(i);
            for (int j = 0; j < n; j++) {
              z[j] = m.add(z[j], m.mul(a[j], w[j]));
            }
          }
        }
      }
    }
    return new Ciphertext(out, xs[0].scale() * ps[0].scale(), ctx.paramsId());
  }

  private Plaintext bias(int stage, DiagonalPlan plan, Ciphertext at) {
    Plaintext p = biasCache.get(stage);
    if (p == null || p.level() != at.level() || Math.abs(p.scale() - at.scale()) > 1e-12 * at.scale()) {
      p = encoder.encode(plan.bias(), at.level(), at.scale());
      biasCache.put(stage, p);
    }
    return p;
  }

  private Ciphertext[] evaluateThroughput(Ciphertext[] x) {
    List<Stage> stages = program.stages();
    Ciphertext[] cur = x;
    for (int i = 0; i < stages.size(); i++) {
      Stage st = stages.get(i);
      Ciphertext[] in = cur;
      Ciphertext[] out = new Ciphertext[st.outputSize()];
      if (st instanceof LinearStage l && program.integerWeights()) {
        cur = integerKernel(i, l, in[0].scale()).apply(in, ctx.paramsId(), this::parallel);
        continue;
      } else if (st instanceof LinearStage) {
        Ciphertext[] sums = kernels[i].apply(in, ctx.paramsId(), this::parallel);
        parallel(out.length, r -> out[r] = ev.rescale(sums[r]));
      } else {
        PolynomialStage p = (PolynomialStage) st;
        parallel(out.length, r -> out[r] = PolynomialEvaluator.apply(ev, p, in[r]));
      }
      cur = out;
    }
    return cur;
  }

  /**
   * The kernel of an integer-weight stage for inputs at this scale: W = (target scale) / (input
   * scale), so the output lands on {@link HeProgram#linearOutputScale} whatever scale the previous
   * rescale left. Inputs of one program arrive at the same scale every time, so it is built once.
   */
  private ThroughputLinear integerKernel(int stage, LinearStage l, double inputScale) {
    synchronized (kernels) {
      ThroughputLinear k = kernels[stage];
      double w = program.linearOutputScale(stage) / inputScale;
      if (k == null || k.constantScale() != w) {
        k = new ThroughputLinear(ctx, l, program.stageLevel(stage), w);
        kernels[stage] = k;
      }
      return k;
    }
  }

  private void parallel(int count, IntConsumer body) {
    if (pool == null) {
      for (int i = 0; i < count; i++) {
        body.accept(i);
      }
      return;
    }
    pool.submit(() -> IntStream.range(0, count).parallel().forEach(body)).join();
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
