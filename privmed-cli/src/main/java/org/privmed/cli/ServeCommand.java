package org.privmed.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.infer.compile.CompileOptions;
import org.privmed.infer.compile.HeCompiler;
import org.privmed.infer.bfv.BfvCompiler;
import org.privmed.infer.bfv.BfvProgram;
import org.privmed.infer.compile.HeProgram;
import org.privmed.infer.compile.Packing;
import org.privmed.infer.server.CompiledProgram;
import org.privmed.infer.server.InferenceServer;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code privmed serve}: compiles a model to an HE program and serves encrypted diagnosis over
 * gRPC until interrupted.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve encrypted diagnosis for a .pm model over gRPC (clients upload evaluation"
        + " keys, stream encrypted images, receive encrypted scores).")
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "The .pm model file.")
  Path model;

  @Option(names = "--port", defaultValue = "7443", description = "TCP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--packing",
      description = "latency (one image per request) or throughput (a batch in the slots)"
          + " (default: latency for CKKS; BFV has throughput only).")
  String packing;

  @Option(names = "--scheme", defaultValue = "ckks",
      description = "ckks (approximate, default) or bfv (exact integers: quantized network, one"
          + " evaluation per CRT plaintext prime; throughput packing).")
  String scheme;

  @Option(names = "--calibration",
      description = "Dataset whose validation split calibrates value ranges (BFV: whose training"
          + " split sizes the plaintext primes) (default: the model's training data, from its metadata).")
  String calibration;

  @Option(names = "--keys-dir",
      description = "Where uploaded evaluation keys are stored (default: ~/.privmed/server-keys).")
  Path keysDir;

  @Option(names = "--max-key-mb", defaultValue = "512",
      description = "Cap on one session's evaluation keys, MiB (default: ${DEFAULT-VALUE}).")
  long maxKeyMb;

  @Option(names = "--key-ttl-hours", defaultValue = "24",
      description = "Hours before uploaded keys expire (default: ${DEFAULT-VALUE}).")
  long keyTtlHours;

  @Option(names = "--max-message-mb", defaultValue = "64",
      description = "gRPC inbound message limit, MiB (default: ${DEFAULT-VALUE}).")
  int maxMessageMb;

  @Option(names = "--cert", description = "PEM certificate chain: serve TLS (with --key).")
  Path cert;

  @Option(names = "--key", description = "PEM PKCS#8 private key for --cert.")
  Path key;

  @Option(names = "--loopback", description = "Listen on 127.0.0.1 only.")
  boolean loopback;

  @Option(names = "--he-threads", defaultValue = "1",
      description = "Threads inside one evaluation (default: ${DEFAULT-VALUE}).")
  int heThreads;

  @Override
  public Integer call() throws Exception {
    InferenceServer server;
    try {
      Model m = ModelFile.read(model);
      InferenceServer.Builder b;
      if ("bfv".equalsIgnoreCase(scheme)) {
        if (packing != null && Packing.parse(packing) != Packing.THROUGHPUT) {
          throw new IllegalArgumentException("--scheme bfv has the throughput packing only (CryptoNets:"
              + " slot b = image b)");
        }
        packing = "throughput";
        BfvProgram program = compileBfv(m, calibration);
        System.out.println(program.explain());
        b = InferenceServer.builder(program, m.name());
      } else if ("ckks".equalsIgnoreCase(scheme)) {
        packing = packing == null ? "latency" : packing;
        HeProgram program = compile(m, Packing.parse(packing), calibration);
        System.out.println(program.explain());
        b = InferenceServer.builder(new CompiledProgram(program, m.name()));
      } else {
        throw new IllegalArgumentException("unknown --scheme '" + scheme + "'; use ckks or bfv");
      }
      b.port(port).maxKeyBytes(maxKeyMb << 20).keyTtl(Duration.ofHours(keyTtlHours))
          .maxMessageBytes(maxMessageMb << 20).heThreads(heThreads).tls(cert, key);
      if (keysDir != null) {
        b.keysDir(keysDir);
      }
      if (loopback) {
        b.loopbackOnly();
      }
      server = b.start();
    } catch (java.io.IOException | RuntimeException e) {
      System.err.println("privmed serve: " + e.getMessage());
      return 2;
    }
    System.out.printf(Locale.ROOT, "serving %s (%s, %s packing) on port %d over %s; Ctrl-C to stop%n",
        model, scheme.toUpperCase(Locale.ROOT), packing, server.port(), cert == null ? "plaintext gRPC" : "TLS");
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "privmed-serve-shutdown"));
    server.awaitTermination();
    return 0;
  }

  /** The data set the model was trained on, from its metadata, or null. */
  static String trainingData(Model m) {
    String trained = m.metadata().get("train.data");
    return trained == null ? null : trained.replaceFirst("[/\\[].*$", "");
  }

  /**
   * The BFV program {@code privmed serve --scheme bfv} runs: the compiler's defaults, plaintext
   * primes sized by a dry run on the training split (as {@code bench infer --scheme bfv}).
   */
  static BfvProgram compileBfv(Model m, String calibration) {
    String data = calibration != null ? calibration : trainingData(m);
    if (data == null) {
      throw new IllegalArgumentException("model " + m.name() + " names no training data in its metadata;"
          + " pass --calibration <dataset>");
    }
    return BfvCompiler.compile(m, Datasets.load(data, Split.TRAIN), BfvCompiler.Options.defaults());
  }

  /** Compiles with value ranges from the validation split of the calibration data set. */
  static HeProgram compile(Model m, Packing packing, String calibration) {
    String data = calibration != null ? calibration : trainingData(m);
    if (data == null) {
      throw new IllegalArgumentException("model " + m.name() + " names no training data in its metadata;"
          + " pass --calibration <dataset>");
    }
    ImageDataset cal = Datasets.load(data, Split.VAL);
    return HeCompiler.compile(m, packing, CompileOptions.defaults(), cal);
  }
}
