package org.privmed.cli;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import org.privmed.data.ImageDataset;
import org.privmed.he.bfv.BfvCiphertext;
import org.privmed.he.bfv.BfvContext;
import org.privmed.he.serial.BfvSerializer;
import org.privmed.infer.bfv.BfvClient;
import org.privmed.infer.bfv.BfvCompiler;
import org.privmed.infer.bfv.BfvProgram;
import org.privmed.infer.bfv.BfvThroughputEvaluator;
import org.privmed.infer.compile.Packing;
import org.privmed.infer.quant.QuantizedNetwork;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.Model;

/**
 * {@code privmed bench infer --scheme bfv}: the exact BFV throughput program end to end in one
 * process — compile (quantize, dry run, primes), keys per prime, then per batch of N images:
 * encrypt under every prime, evaluate under every prime, decrypt and join by the CRT. Each image's
 * integer logits are compared with the integer plaintext evaluation (exact agreement) and its
 * argmax with the float model; the JSON has the CKKS run's keys plus the BFV figures.
 */
final class BenchInferBfv {
  private final BenchInferCommand opts;

  private static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** "a, b, c" with one decimal. */
  private static String joinMs(List<Double> ms) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < ms.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", ms.get(i)));
    }
    return sb.toString();
  }
  private final Model model;
  private final Packing packing;
  private final ImageDataset train;
  private final ImageDataset test;

  BenchInferBfv(BenchInferCommand opts, Model model, Packing packing, ImageDataset train,
      ImageDataset test) {
    this.opts = opts;
    this.model = model;
    this.packing = packing;
    this.train = train;
    this.test = test;
  }

  /**
   * CPU time of the whole process (all threads, JIT and GC included): on a machine shared with
   * other jobs it shows the evaluation's work where wall time shows the load.
   */
  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  int run() {
    if (packing != Packing.THROUGHPUT) {
      System.err.println("privmed bench infer: --scheme bfv has the throughput packing only;"
          + " add --packing throughput");
      return 2;
    }
    if (opts.repeat < 1) {
      System.err.println("privmed bench infer: --repeat must be >= 1, got " + opts.repeat);
      return 2;
    }
    if (opts.threads < 1) {
      System.err.println("privmed bench infer: --threads must be >= 1, got " + opts.threads);
      return 2;
    }
    if (opts.offset < 0 || opts.offset >= test.size()) {
      System.err.println("privmed bench infer: --offset must be in [0, " + test.size() + "), got "
          + opts.offset);
      return 2;
    }
    long c0 = System.nanoTime();
    BfvProgram prog;
    try {
      BfvCompiler.Options d = BfvCompiler.Options.defaults();
      prog = BfvCompiler.compile(model, train, opts.bfvBits == null ? d
          : new BfvCompiler.Options(d.calibrationImages(), opts.bfvBits, opts.bfvBits,
              d.marginBits(), d.minBudget(), d.minLogN()));
    } catch (IllegalArgumentException e) {
      System.err.println("privmed bench infer: " + e.getMessage());
      return 2;
    }
    double compileMs = (System.nanoTime() - c0) / 1e6;
    System.err.print(prog.explain());
    int batch = prog.imagesPerBatch();
    int n = Math.min(opts.images != null ? opts.images : batch, test.size() - opts.offset);
    if (n < 1) {
      System.err.println("privmed bench infer: --images must be >= 1");
      return 2;
    }
    QuantizedNetwork net = prog.network();
    int k = prog.primeCount();
    long encNs = 0;
    long evalNs = 0;
    long evalCpuNs = 0;
    List<Double> evalRunsMs = new ArrayList<>();
    long decNs = 0;
    long upload = 0;
    long download = 0;
    long keyBytes = 0;
    int exact = 0;
    int agree = 0;
    int plainCorrect = 0;
    int encCorrect = 0;
    int intAgree = 0;
    double worst = 0;
    int minBudget = Integer.MAX_VALUE;
    int batches = 0;
    List<BfvContext> contexts = new ArrayList<>();
    try {
      for (int p = 0; p < k; p++) {
        contexts.add(new BfvContext(prog.parameters(p)));
      }
      BfvClient client = new BfvClient(prog, contexts);
      List<BfvThroughputEvaluator> servers = new ArrayList<>();
      // one pool for all primes: they are evaluated at once and share its workers
      ForkJoinPool pool = opts.threads == 1 ? null : new ForkJoinPool(opts.threads);
      List<BfvSerializer> serializers = new ArrayList<>();
      for (int p = 0; p < k; p++) {
        BfvSerializer ser = new BfvSerializer(contexts.get(p));
        serializers.add(ser);
        keyBytes += ser.write(client.relinearizationKey(p)).length;
        servers.add(pool == null
            ? new BfvThroughputEvaluator(prog, p, contexts.get(p), client.relinearizationKey(p), 1)
            : new BfvThroughputEvaluator(prog, p, contexts.get(p), client.relinearizationKey(p), pool));
      }
      // all primes' inputs of a batch at once, unless they would fill half the heap: then prime after
      // prime, holding one prime's inputs at a time (same operations, same results)
      long inputBytes = (long) k * net.inputSize() * 2 * (prog.plan().levels()[0] + 1) * batch * Long.BYTES;
      boolean primeByPrime = inputBytes > Runtime.getRuntime().maxMemory() / 2;
      if (primeByPrime) {
        System.err.printf(Locale.ROOT, "[bench infer bfv] all primes' inputs would take %.1f GB: encrypting"
            + " and evaluating one prime at a time%s%n", inputBytes / 1e9,
            opts.repeat > 1 ? " (once each: --repeat applies when all primes run together)" : "");
      }
      try {
        for (int start = 0; start < n; start += batch) {
          int count = Math.min(batch, n - start);
          float[][] imgs = Arrays.copyOfRange(test.images(), opts.offset + start,
              opts.offset + start + count);
          long encBatch = 0;
          long evalBatch = 0;
          BfvCiphertext[][] out;
          if (primeByPrime) {
            out = new BfvCiphertext[k][];
            for (int p = 0; p < k; p++) {
              long e0 = System.nanoTime();
              BfvCiphertext[] in = client.encrypt(imgs, p, opts.threads);
              long e1 = System.nanoTime();
              long cpu1 = processCpuNanos();
              out[p] = servers.get(p).evaluate(in);
              evalCpuNs += processCpuNanos() - cpu1;
              encBatch += e1 - e0;
              evalBatch += System.nanoTime() - e1;
              upload += uploadBytes(serializers.get(p), in);
            }
          } else {
            long e0 = System.nanoTime();
            BfvCiphertext[][] in = client.encrypt(imgs, opts.threads);
            encBatch = System.nanoTime() - e0;
            // the evaluation draws no randomness, so a repetition returns the same ciphertexts; the
            // last one's are decrypted and checked below
            long[] runs = new long[opts.repeat];
            long[] cpuRuns = new long[opts.repeat];
            out = null;
            for (int rep = 0; rep < opts.repeat; rep++) {
              long cpu1 = processCpuNanos();
              long e1 = System.nanoTime();
              out = BfvThroughputEvaluator.evaluateAll(servers, in, pool);
              runs[rep] = System.nanoTime() - e1;
              cpuRuns[rep] = processCpuNanos() - cpu1;
              evalRunsMs.add(runs[rep] / 1e6);
            }
            evalBatch = median(runs);
            evalCpuNs += median(cpuRuns);
            for (int p = 0; p < k; p++) {
              upload += uploadBytes(serializers.get(p), in[p]);
            }
          }
          StringBuilder layerTimes = new StringBuilder();
          StringBuilder layerCpu = new StringBuilder();
          for (int p = 0; p < k; p++) {
            layerTimes.append(p == 0 ? "" : "; ").append("t").append(p + 1).append(":");
            for (long ns : servers.get(p).lastLayerNanos()) {
              layerTimes.append(String.format(Locale.ROOT, " %.2f", ns / 1e9));
            }
            long[] cpu = servers.get(p).lastLayerCpuNanos();
            if (cpu != null) {
              layerCpu.append(p == 0 ? "" : "; ").append("t").append(p + 1).append(":");
              for (long ns : cpu) {
                layerCpu.append(String.format(Locale.ROOT, " %.2f", ns / 1e9));
              }
            }
          }
          long d0 = System.nanoTime();
          BigInteger[][] logits = client.decrypt(out, count);
          long decBatch = System.nanoTime() - d0;
          encNs += encBatch;
          evalNs += evalBatch;
          decNs += decBatch;
          batches++;
          minBudget = Math.min(minBudget, client.noiseBudget(out));
          for (int p = 0; p < k; p++) {
            for (BfvCiphertext c : out[p]) {
              download += serializers.get(p).write(c).length;
            }
          }
          long[][] q = client.quantize(imgs);
          for (int b = 0; b < count; b++) {
            BigInteger[] reference = net.evaluate(q[b]);
            exact += Arrays.equals(reference, logits[b]) ? 1 : 0;
            double[] plain = PlainInference.logits(model, imgs[b]);
            int pa = PlainInference.argmax(plain);
            int ea = QuantizedNetwork.argmax(logits[b]);
            int label = test.labels()[opts.offset + start + b];
            agree += pa == ea ? 1 : 0;
            intAgree += QuantizedNetwork.argmax(reference) == ea ? 1 : 0;
            plainCorrect += pa == label ? 1 : 0;
            encCorrect += ea == label ? 1 : 0;
            double[] dq = net.dequantize(logits[b]);
            for (int o = 0; o < plain.length; o++) {
              worst = Math.max(worst, Math.abs(plain[o] - dq[o]));
            }
          }
          long done = start + count;
          System.err.printf(Locale.ROOT, "[bench infer bfv] %d/%d images, %d exact, %d agree with float;"
              + " batch of %d: encrypt %.1f s, evaluate %.1f s%s (process CPU so far %.1f s), decrypt %.1f s%n",
              done, n, exact, agree, count, encBatch / 1e9, evalBatch / 1e9,
              opts.repeat > 1 && !primeByPrime ? " (median of " + joinMs(evalRunsMs.subList(
                  evalRunsMs.size() - opts.repeat, evalRunsMs.size())) + " ms)" : "",
              evalCpuNs / 1e9, decBatch / 1e9);
          System.err.println("[bench infer bfv] seconds per layer under each prime: " + layerTimes);
          if (layerCpu.length() > 0) {
            System.err.println("[bench infer bfv] CPU seconds per layer under each prime: " + layerCpu);
          }
        }
      } finally {
        for (BfvThroughputEvaluator s : servers) {
          s.close();
        }
        if (pool != null) {
          pool.shutdown();
        }
      }
    } finally {
      for (BfvContext c : contexts) {
        c.close();
      }
    }
    double encMs = encNs / 1e6;
    double evalMs = evalNs / 1e6;
    double decMs = decNs / 1e6;
    StringBuilder primes = new StringBuilder();
    for (long t : prog.plan().plainPrimes()) {
      primes.append(primes.length() == 0 ? "" : ", ").append(t);
    }
    if (opts.json) {
      System.out.printf(Locale.ROOT, "{\"model\": \"%s\", \"scheme\": \"bfv\", \"packing\": \"throughput\", "
              + "\"images\": %d, \"offset\": %d, \"threads\": %d, \"encrypt_ms\": %.3f, \"evaluate_ms\": %.3f, "
              + "\"decrypt_ms\": %.3f, \"per_image_ms\": %.4f, \"agreement\": %.6f, \"accuracy_plain\": %.6f, "
              + "\"accuracy_encrypted\": %.6f, \"upload_bytes\": %d, \"key_bytes\": %d, "
              + "\"max_logit_error\": %.3g, \"predicted_error\": 0, \"ring_degree\": %d, "
              + "\"batches\": %d, \"evaluate_ms_per_batch\": %.1f, \"exact_agreement\": %.6f, "
              + "\"exact_images\": %d, \"argmax_agreement_integer\": %.6f, \"download_bytes\": %d, "
              + "\"quantization_bits\": %d, \"bits_needed\": %d, \"plain_primes\": [%s], "
              + "\"noise_budget_predicted\": %.1f, \"noise_budget_measured\": %d, \"compile_ms\": %.1f, "
              + "\"evaluate_cpu_ms_per_batch\": %.1f, \"repeat\": %d, \"evaluate_ms_runs\": %s}%n",
          model.name().replace("\"", "'"), n, opts.offset, opts.threads, encMs, evalMs, decMs,
          (encMs + evalMs + decMs) / n, (double) agree / n, (double) plainCorrect / n,
          (double) encCorrect / n, upload / n, keyBytes, worst, prog.plan().ringDegree(), batches,
          evalMs / batches, (double) exact / n, exact, (double) intAgree / n, download / n,
          net.bits(), prog.plan().bitsNeeded(), primes, prog.plan().predictedBudget(), minBudget,
          compileMs, evalCpuNs / 1e6 / batches, opts.repeat, "[" + joinMs(evalRunsMs) + "]");
    } else {
      System.out.printf(Locale.ROOT, "%s BFV throughput: %d images in %d batch(es), %d thread(s), %d prime(s)"
              + " [%s]: encrypt %.1f ms, evaluate %.1f ms (%.1f ms per batch), decrypt %.1f ms, %.3f ms/image;"
              + " exact (= integer evaluation) %d/%d; argmax = float %.4f; accuracy float %.4f / encrypted %.4f;"
              + " noise budget left %d bits (predicted %.1f); upload %d B/image, download %d B/image, keys %d B%n",
          model.name(), n, batches, opts.threads, k, primes, encMs, evalMs, evalMs / batches, decMs,
          (encMs + evalMs + decMs) / n, exact, n, (double) agree / n, (double) plainCorrect / n,
          (double) encCorrect / n, minBudget, prog.plan().predictedBudget(), upload / n, download / n,
          keyBytes);
    }
    return 0;
  }

  private static long uploadBytes(BfvSerializer ser, BfvCiphertext[] in) {
    long bytes = 0;
    for (BfvCiphertext c : in) {
      bytes += ser.write(c).length;
    }
    return bytes;
  }
}
