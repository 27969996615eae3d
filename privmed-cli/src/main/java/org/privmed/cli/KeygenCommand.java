package org.privmed.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.privmed.infer.client.ClientKeyring;
import org.privmed.infer.bfv.BfvClientProgram;
import org.privmed.infer.client.BfvKeyring;
import org.privmed.infer.client.CompiledCodec;
import org.privmed.infer.client.InferenceClient;
import org.privmed.infer.keys.ClientKeyDirectory;
import org.privmed.infer.proto.ProgramInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code privmed keygen}: fetches the server's program and generates the clinic's keys locally;
 * the secret key never leaves this machine (written with permissions 0600).
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = "Fetch a server's HE program and generate secret and evaluation keys locally.")
final class KeygenCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, description = "Key directory to write.")
  Path out;

  @Option(names = "--server", required = true, description = "host:port of privmed serve.")
  String server;

  @Option(names = "--cert", description = "Trusted PEM certificate: connect with TLS.")
  Path cert;

  @Option(names = "--force", description = "Overwrite an existing secret key.")
  boolean force;

  @Option(names = "--scheme",
      description = "ckks or bfv: refuse a server that runs the other (default: take the server's).")
  String scheme;

  @Override
  public Integer call() throws Exception {
    try (InferenceClient client = InferenceClient.connect(server, cert)) {
      ProgramInfo info = client.program();
      String served = BfvKeyring.scheme(info);
      if (scheme != null && !scheme.equalsIgnoreCase(served)) {
        throw new IllegalArgumentException("--scheme " + scheme + " asked for, but " + server + " runs a "
            + served.toUpperCase(Locale.ROOT) + " program");
      }
      if (served.equals("bfv")) {
        return bfv(info);
      }
      // refuse a malformed client program now rather than at the first prediction
      CompiledCodec.published(info, false);
      try (ClientKeyring keys = ClientKeyring.generate(info, false, 1)) {
        keys.save(new ClientKeyDirectory(out), force);
        System.out.printf(Locale.ROOT, "program: %s, %s packing, parameters %016x, %d classes%n",
            info.getModelName(), info.getPacking(), info.getParametersId(), info.getClasses());
        System.out.printf(Locale.ROOT, "keys in %s: secret key (0600, stays here), evaluation keys"
            + " %.1f MB (relinearization: %s, Galois keys: %d)%n", out, keys.evaluationKeyBytes() / 1e6,
            info.getNeedsRelinearizationKey() ? "yes" : "no", info.getGaloisElementsCount());
      }
      return 0;
    } catch (java.io.IOException | io.grpc.StatusRuntimeException
        | IllegalArgumentException e) {
      System.err.println("privmed keygen: " + e.getMessage());
      return 2;
    }
  }

  private int bfv(ProgramInfo info) throws java.io.IOException {
    try (BfvKeyring keys = BfvKeyring.generate(info, 1)) {
      keys.save(new ClientKeyDirectory(out), force);
      BfvClientProgram p = keys.program();
      System.out.printf(Locale.ROOT, "program: %s, BFV, %d plaintext primes %s, N = %d, %d classes%n",
          info.getModelName(), p.primeCount(), java.util.Arrays.toString(p.plainPrimes()), p.imagesPerBatch(),
          p.classes());
      System.out.printf(Locale.ROOT, "keys in %s: %d secret keys (0600, stay here), evaluation keys %.1f MB"
          + " (a relinearization key per prime, no Galois keys)%n", out, p.primeCount(),
          keys.evaluationKeyBytes() / 1e6);
    }
    return 0;
  }
}
