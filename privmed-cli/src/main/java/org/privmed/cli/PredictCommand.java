package org.privmed.cli;

import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.eval.timing.Phase;
import org.privmed.eval.timing.PhaseTimer;
import org.privmed.infer.bfv.BfvClientProgram;
import org.privmed.infer.bfv.BfvProgram;
import org.privmed.infer.client.BfvKeyring;
import org.privmed.infer.client.ClientKeyring;
import org.privmed.infer.client.CompiledCodec;
import org.privmed.infer.client.EncryptedDiagnosis;
import org.privmed.infer.client.InferenceClient;
import org.privmed.infer.compile.ClientProgram;
import org.privmed.infer.keys.ClientKeyDirectory;
import org.privmed.infer.proto.ProgramInfo;
import org.privmed.infer.proto.SessionOpened;
import org.privmed.infer.quant.QuantizedNetwork;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.TensorShape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code privmed predict}: encrypts images under the local secret key, has the server classify
 * them, decrypts and prints class and probability (softmax of the decrypted logits) per image.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Classify images on an encrypted-diagnosis server; only this client can read the"
        + " answers.")
final class PredictCommand implements Callable<Integer> {

  @Option(names = "--server", required = true, description = "host:port of privmed serve.")
  String server;

  @Option(names = "--keys", required = true, description = "Key directory from privmed keygen.")
  Path keys;

  @Option(names = "--cert", description = "Trusted PEM certificate: connect with TLS.")
  Path cert;

  @Option(names = "--data", description = "Shipped dataset name instead of image files.")
  String data;

  @Option(names = "--split", defaultValue = "test", description = "Split of --data (default: ${DEFAULT-VALUE}).")
  Split split;

  @Option(names = "--limit", defaultValue = "0", description = "First K images of --data only (0 = all).")
  int limit;

  @Option(names = "--reference-model",
      description = "BFV: the .pm file the server runs, if this clinic holds it too (a demo, an audit):"
          + " compiles it as privmed serve does and checks the decrypted integer logits against its"
          + " plaintext integer evaluation.")
  Path referenceModel;

  @Option(names = "--calibration", description = "With --reference-model: as privmed serve --calibration.")
  String calibration;

  @Option(names = "--threads", defaultValue = "1", description = "BFV: encryption threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Parameters(arity = "0..*", description = "Image files (PNG, JPEG, …), resized to the model's input.")
  List<Path> images = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if ((data == null) == images.isEmpty()) {
      System.err.println("privmed predict: give image files or --data, not both and not neither");
      return 2;
    }
    try {
      if (BfvKeyring.isBfv(new ClientKeyDirectory(keys))) {
        return predictBfv();
      }
    } catch (IOException | io.grpc.StatusRuntimeException | IllegalArgumentException | ArithmeticException e) {
      System.err.println("privmed predict: " + e.getMessage());
      return 2;
    }
    try (ClientKeyring ring = ClientKeyring.load(new ClientKeyDirectory(keys), false, 1);
        InferenceClient client = InferenceClient.connect(server, cert)) {
      ProgramInfo live = client.program();
      if (live.getParametersId() != ring.program().getParametersId()
          || !live.getClientProgram().equals(ring.program().getClientProgram())) {
        System.err.println("privmed predict: the server now runs a different program than the one in "
            + keys + "; run privmed keygen again");
        return 2;
      }
      ClientProgram program = CompiledCodec.published(ring.program(), false);
      List<String> classNames = program.classNames();
      Inputs in = inputs(program.inputShape());
      float[][] pixels = in.pixels();
      String[] names = in.names();
      int[] labels = in.labels();
      PhaseTimer timer = new PhaseTimer();
      SessionOpened session = ring.openSession(client);
      EncryptedDiagnosis run = new EncryptedDiagnosis(client, ring.program(), ring.context(),
          new CompiledCodec(program, ring.context(), ring.secretKey()));
      double[][] logits = run.classify(session.getSessionId(), pixels, timer);
      client.closeSession(session.getSessionId());
      int correct = 0;
      for (int i = 0; i < logits.length; i++) {
        double[] p = PlainInference.softmax(logits[i]);
        int c = PlainInference.argmax(p);
        String truth = labels == null ? "" : "  (label " + classNames.get(labels[i]) + ")";
        if (labels != null && labels[i] == c) {
          correct++;
        }
        System.out.printf(Locale.ROOT, "%s: %s %.4f%s%n", names[i], classNames.get(c), p[c], truth);
      }
      if (labels != null) {
        System.out.printf(Locale.ROOT, "accuracy %.4f (%d of %d)%n", correct / (double) logits.length, correct,
            logits.length);
      }
      System.out.printf(Locale.ROOT, "encrypt %.1f ms, server evaluate %.1f ms, decrypt %.1f ms; %d bytes up,"
          + " %d bytes down (evaluation keys included)%n", timer.snapshot().millis(Phase.ENCRYPT),
          timer.snapshot().millis(Phase.EVALUATE), timer.snapshot().millis(Phase.DECRYPT), client.bytesUp(),
          client.bytesDown());
      return 0;
    } catch (IOException | io.grpc.StatusRuntimeException | IllegalArgumentException e) {
      System.err.println("privmed predict: " + e.getMessage());
      return 2;
    }
  }

  /** The images to classify, their names, and their labels when they come from a data set. */
  private record Inputs(float[][] pixels, String[] names, int[] labels) {
  }

  private Inputs inputs(TensorShape shape) throws IOException {
    if (data != null) {
      ImageDataset set = Datasets.load(data, split);
      int n = limit > 0 ? Math.min(limit, set.size()) : set.size();
      String[] names = new String[n];
      for (int i = 0; i < n; i++) {
        names[i] = set.name() + "#" + i;
      }
      return new Inputs(Arrays.copyOf(set.images(), n), names, Arrays.copyOf(set.labels(), n));
    }
    float[][] pixels = new float[images.size()][];
    String[] names = new String[images.size()];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = read(images.get(i), shape);
      names[i] = images.get(i).toString();
    }
    return new Inputs(pixels, names, null);
  }

  /**
   * BFV: the decrypted integer logits' argmax, and the softmax of the dequantized logits as a
   * probability-like score; with {@code --reference-model}, agreement with the plaintext integer
   * evaluation of the same compiled network.
   */
  private int predictBfv() throws IOException {
    try (BfvKeyring ring = BfvKeyring.load(new ClientKeyDirectory(keys), 1);
        InferenceClient client = InferenceClient.connect(server, cert)) {
      ProgramInfo live = client.program();
      if (!BfvKeyring.scheme(live).equals("bfv")
          || !live.getBfvClientProgram().equals(ring.info().getBfvClientProgram())) {
        System.err.println("privmed predict: the server now runs a different program (" + BfvKeyring.scheme(live)
            + ") than the BFV one in " + keys + "; run privmed keygen again");
        return 2;
      }
      BfvClientProgram program = ring.program();
      Inputs in = inputs(program.inputShape());
      QuantizedNetwork reference = null;
      if (referenceModel != null) {
        BfvProgram ref = ServeCommand.compileBfv(ModelFile.read(referenceModel), calibration);
        if (!Arrays.equals(BfvClientProgram.of(ref).toBytes(), program.toBytes())) {
          throw new IllegalArgumentException(referenceModel + " does not compile to the program the server runs"
              + " (another model, calibration or compiler)");
        }
        reference = ref.network();
      }
      PhaseTimer timer = new PhaseTimer();
      SessionOpened session = ring.openSession(client);
      BigInteger[][] logits = ring.classify(client, session.getSessionId(), in.pixels(), threads, timer);
      client.closeSession(session.getSessionId());
      List<String> classNames = program.classNames();
      int correct = 0;
      int exact = 0;
      int sameArgmax = 0;
      for (int i = 0; i < logits.length; i++) {
        int c = QuantizedNetwork.argmax(logits[i]);
        double[] p = PlainInference.softmax(program.dequantize(logits[i]));
        String truth = in.labels() == null ? "" : "  (label " + classNames.get(in.labels()[i]) + ")";
        if (in.labels() != null && in.labels()[i] == c) {
          correct++;
        }
        if (reference != null) {
          BigInteger[] want = reference.evaluate(program.quantize(in.pixels()[i]));
          exact += Arrays.equals(want, logits[i]) ? 1 : 0;
          sameArgmax += QuantizedNetwork.argmax(want) == c ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "%s: %s logit %d, score %.4f%s%n", in.names()[i], classNames.get(c),
            logits[i][c], p[c], truth);
      }
      if (in.labels() != null) {
        System.out.printf(Locale.ROOT, "accuracy %.4f (%d of %d)%n", correct / (double) logits.length, correct,
            logits.length);
      }
      if (reference != null) {
        System.out.printf(Locale.ROOT, "plaintext integer evaluation: logits equal on %d of %d images, argmax on"
            + " %d of %d%n", exact, logits.length, sameArgmax, logits.length);
      }
      System.out.printf(Locale.ROOT, "encrypt %.1f ms, server evaluate %.1f ms, decrypt %.1f ms (%d primes); %d"
          + " bytes up, %d bytes down (evaluation keys included)%n", timer.snapshot().millis(Phase.ENCRYPT),
          timer.snapshot().millis(Phase.EVALUATE), timer.snapshot().millis(Phase.DECRYPT), program.primeCount(),
          client.bytesUp(), client.bytesDown());
      return 0;
    }
  }

  /** Decodes an image, resizes it by area averaging to the model's H×W, pixels in [0, 1]. */
  static float[] read(Path file, TensorShape shape) throws IOException {
    BufferedImage img = ImageIO.read(file.toFile());
    if (img == null) {
      throw new IOException(file + " is not an image format Java can decode (PNG, JPEG, BMP, GIF)");
    }
    int h = shape.height();
    int w = shape.width();
    BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    g.drawImage(img.getScaledInstance(w, h, Image.SCALE_AREA_AVERAGING), 0, 0, null);
    g.dispose();
    float[] out = new float[shape.channels() * h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = scaled.getRGB(x, y);
        float r = ((rgb >> 16) & 0xFF) / 255f;
        float gr = ((rgb >> 8) & 0xFF) / 255f;
        float b = (rgb & 0xFF) / 255f;
        if (shape.channels() == 1) {
          // ITU-R BT.601 luma, the usual greyscale conversion
          out[y * w + x] = 0.299f * r + 0.587f * gr + 0.114f * b;
        } else if (shape.channels() == 3) {
          out[y * w + x] = r;
          out[h * w + y * w + x] = gr;
          out[2 * h * w + y * w + x] = b;
        } else {
          throw new IOException("the model takes " + shape.channels() + " channels; only 1 or 3 can be read from "
              + file);
        }
      }
    }
    return out;
  }
}
