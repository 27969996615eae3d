package org.privmed.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.serial.HeSerializer;
import org.privmed.infer.compile.CompileOptions;
import org.privmed.infer.compile.HeCompiler;
import org.privmed.infer.compile.HeProgram;
import org.privmed.infer.compile.Packing;
import org.privmed.infer.runtime.ClientKeys;
import org.privmed.infer.runtime.ClientSession;
import org.privmed.infer.runtime.ServerEvaluator;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code privmed bench infer}: encrypted inference end to end in one process (no network): compile,
 * keys, then encrypt, evaluate and decrypt test images, timing each phase and comparing with the
 * plaintext forward pass.
 */
@Command(name = "infer", mixinStandardHelpOptions = true,
    description = {"Time encrypted inference (encrypt, evaluate, decrypt) of a model on test images",
        "and compare its predictions with the plaintext model."})
final class BenchInferCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "A .pm file or a zoo name (random weights).")
  String model;

  @Option(names = "--packing", defaultValue = "latency", description = "latency or throughput.")
  String packing;

  @Option(names = "--images", description = "Test images (default: 10 latency, one full batch throughput).")
  Integer images;

  @Option(names = "--offset", defaultValue = "0",
      description = "Skip the first K test images (to split a long fidelity run into parts).")
  int offset;

  @Option(names = "--threads", defaultValue = "1", description = "Threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--data", defaultValue = "mnist", description = "Dataset (default ${DEFAULT-VALUE}).")
  String data;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(names = "--bfv-bits",
      description = "BFV only: quantize inputs and weights to exactly this many bits instead of the"
          + " smallest precision whose integer argmax matches the float model on every calibration"
          + " image (fewer bits: fewer plaintext primes, faster, a few argmaxes may differ).")
  Integer bfvBits;

  @Option(names = "--repeat", defaultValue = "1",
      description = "BFV only: evaluate each batch this many times in the one process and take the"
          + " median as its time (the first includes the JIT's warm-up); every run is listed.")
  int repeat;

  @Option(names = "--scheme", defaultValue = "ckks",
      description = "ckks (default) or bfv (exact integers, CRT plaintext primes; throughput only).")
  String scheme;

  @Override
  public Integer call() throws Exception {
    Packing p;
    ImageDataset train;
    ImageDataset test;
    Model m;
    try {
      p = Packing.parse(packing);
      train = Datasets.load(data, Split.TRAIN);
      test = Datasets.load(data, Split.TEST);
      m = CompileCommand.loadModel(model, train);
      PlainInference.requireCompatible(m, test);
    } catch (java.io.IOException | RuntimeException e) {
      System.err.println("privmed bench infer: " + e.getMessage());
      return 2;
    }
    if (threads < 1) {
      System.err.println("privmed bench infer: --threads must be >= 1, got " + threads);
      return 2;
    }
    if ("bfv".equalsIgnoreCase(scheme)) {
      return new BenchInferBfv(this, m, p, train, test).run();
    }
    if (bfvBits != null) {
      System.err.println("privmed bench infer: --bfv-bits applies to --scheme bfv only");
      return 2;
    }
    if (repeat != 1) {
      System.err.println("privmed bench infer: --repeat applies to --scheme bfv only");
      return 2;
    }
    if (!"ckks".equalsIgnoreCase(scheme)) {
      System.err.println("privmed bench infer: unknown --scheme '" + scheme + "'; use ckks or bfv");
      return 2;
    }
    HeProgram prog;
    try {
      prog = HeCompiler.compile(m, p, CompileOptions.defaults(), train);
    } catch (IllegalArgumentException e) {
      System.err.println("privmed bench infer: " + e.getMessage());
      return 2;
    }
    int n = images != null ? images : (p == Packing.LATENCY ? 10 : prog.imagesPerBatch());
    if (offset < 0 || offset >= test.size()) {
      System.err.println("privmed bench infer: --offset must be in [0, " + test.size() + "), got "
          + offset);
      return 2;
    }
    n = Math.min(n, test.size() - offset);
    if (n < 1) {
      System.err.println("privmed bench infer: --images must be >= 1");
      return 2;
    }
    System.err.print(prog.explain());
    long encNs = 0;
    long evalNs = 0;
    long decNs = 0;
    // CPU time of this thread per phase: on a shared machine the wall clock also counts the time
    // other processes held the cores; at --threads 1 this is all the work of the phase (with more,
    // the worker threads' time is not in it)
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long encCpu = 0;
    long evalCpu = 0;
    long decCpu = 0;
    long upload = 0;
    long keyBytes;
    int agree = 0;
    int plainCorrect = 0;
    int encCorrect = 0;
    double worst = 0;
    try (CkksContext ctx = new CkksContext(prog.parameters(), threads)) {
      ClientKeys keys = ClientKeys.generate(prog, ctx);
      HeSerializer ser = new HeSerializer(ctx);
      keyBytes = (keys.relinearizationKey() == null ? 0 : ser.write(keys.relinearizationKey()).length)
          + (keys.galoisKeys() == null ? 0 : ser.write(keys.galoisKeys()).length);
      ClientSession client = new ClientSession(prog.clientProgram(), ctx, keys.secretKey());
      try (ServerEvaluator server = new ServerEvaluator(prog, ctx, keys.relinearizationKey(),
          keys.galoisKeys())) {
        int batch = prog.imagesPerBatch();
        for (int start = 0; start < n; start += batch) {
          int count = Math.min(batch, n - start);
          float[][] imgs = Arrays.copyOfRange(test.images(), offset + start, offset + start + count);
          long c0 = cpu.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          Ciphertext[] in = client.encrypt(imgs);
          long t1 = System.nanoTime();
          long c1 = cpu.getCurrentThreadCpuTime();
          Ciphertext[] out = server.evaluate(in);
          long t2 = System.nanoTime();
          long c2 = cpu.getCurrentThreadCpuTime();
          double[][] logits = client.decrypt(out, count);
          long t3 = System.nanoTime();
          long c3 = cpu.getCurrentThreadCpuTime();
          encNs += t1 - t0;
          evalNs += t2 - t1;
          decNs += t3 - t2;
          encCpu += c1 - c0;
          evalCpu += c2 - c1;
          decCpu += c3 - c2;
          for (Ciphertext c : in) {
            upload += ser.write(c).length;
          }
          for (int b = 0; b < count; b++) {
            double[] plain = PlainInference.logits(m, imgs[b]);
            int pa = PlainInference.argmax(plain);
            int ea = PlainInference.argmax(logits[b]);
            int label = test.labels()[offset + start + b];
            agree += pa == ea ? 1 : 0;
            plainCorrect += pa == label ? 1 : 0;
            encCorrect += ea == label ? 1 : 0;
            for (int o = 0; o < plain.length; o++) {
              worst = Math.max(worst, Math.abs(plain[o] - logits[b][o]));
            }
          }
          long done = start + count;
          double perImage = (encNs + evalNs + decNs) / 1e6 / done;
          System.err.printf(Locale.ROOT, "[bench infer] %d/%d images, %d agree so far, %.1f ms/image, "
              + "ETA %.0f s%n", done, n, agree, perImage, perImage * (n - done) / 1e3);
        }
      }
    }
    double encMs = encNs / 1e6;
    double evalMs = evalNs / 1e6;
    double decMs = decNs / 1e6;
    String name = m.name();
    if (json) {
      System.out.printf(Locale.ROOT, "{\"model\": \"%s\", \"packing\": \"%s\", \"images\": %d, "
              + "\"offset\": %d, "
              + "\"threads\": %d, \"encrypt_ms\": %.3f, \"evaluate_ms\": %.3f, \"decrypt_ms\": %.3f, "
              + "\"per_image_ms\": %.4f, \"agreement\": %.6f, \"accuracy_plain\": %.6f, "
              + "\"accuracy_encrypted\": %.6f, \"upload_bytes\": %d, \"key_bytes\": %d, "
              + "\"max_logit_error\": %.3g, \"predicted_error\": %.3g, \"ring_degree\": %d, "
              + "\"encrypt_cpu_ms\": %.3f, \"evaluate_cpu_ms\": %.3f, \"decrypt_cpu_ms\": %.3f}%n",
          name.replace("\"", "'"), p.name().toLowerCase(Locale.ROOT), n, offset, threads, encMs, evalMs,
          decMs, (encMs + evalMs + decMs) / n, (double) agree / n, (double) plainCorrect / n,
          (double) encCorrect / n, upload / n, keyBytes, worst, prog.predictedError(),
          prog.parameters().ringDegree(), encCpu / 1e6, evalCpu / 1e6, decCpu / 1e6);
    } else {
      System.out.printf(Locale.ROOT, "%s %s: %d images, %d thread(s): encrypt %.1f ms, evaluate %.1f ms, "
              + "decrypt %.1f ms, %.3f ms/image; agreement %.4f, accuracy plain %.4f / encrypted %.4f; "
              + "max |logit error| %.3g (predicted %.3g); upload %d B/image; keys %d B%n",
          name, p, n, threads, encMs, evalMs, decMs, (encMs + evalMs + decMs) / n,
          (double) agree / n, (double) plainCorrect / n, (double) encCorrect / n, worst,
          prog.predictedError(), upload / n, keyBytes);
    }
    return 0;
  }
}
