package org.privmed.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.privmed.infer.client.ClientKeyring;
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

  @Override
  public Integer call() throws Exception {
    try (InferenceClient client = InferenceClient.connect(server, cert)) {
      ProgramInfo info = client.program();
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
}
