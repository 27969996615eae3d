package org.privmed.infer.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.data.ImageDataset;
import org.privmed.data.Normalization;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.infer.client.CompiledCodec;
import org.privmed.infer.client.InferenceClient;
import org.privmed.infer.compile.ClientProgram;
import org.privmed.infer.compile.CompileOptions;
import org.privmed.infer.compile.HeCompiler;
import org.privmed.infer.compile.HeProgram;
import org.privmed.infer.compile.Packing;
import org.privmed.infer.compile.ProgramFormatException;
import org.privmed.infer.demo.EncryptedDiagnosisDemoTest;
import org.privmed.infer.proto.ProgramInfo;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.AvgPool2d;
import org.privmed.nn.model.Conv2d;
import org.privmed.nn.model.Dense;
import org.privmed.nn.model.Flatten;
import org.privmed.nn.model.Layer;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.Polynomial;
import org.privmed.nn.model.TensorShape;

/**
 * The model owner's weights never leave the server: what a client receives from GetProgram over
 * real loopback gRPC (the whole ProgramInfo message) holds no weight or bias of the shipped model,
 * in either byte order, as a double or as a float, and is small; the client form round-trips and
 * refuses altered bytes.
 */
class ClientProgramTest {

  @Test
  void whatClientsReceiveHoldsNoWeightOfTheModel(@TempDir Path keys) throws Exception {
    Model model = ModelFile.read(EncryptedDiagnosisDemoTest.shippedModel());
    ImageDataset calibration = Datasets.load("pneumoniamnist", Split.TEST);
    Set<ByteBuffer> patterns = weightPatterns(model);
    assertTrue(patterns.size() > 10_000, patterns.size() + " weight patterns");
    for (Packing packing : Packing.values()) {
      HeProgram program = HeCompiler.compile(model, packing, CompileOptions.defaults(), calibration);
      byte[] wire;
      try (InferenceServer server = InferenceServer.builder(new CompiledProgram(program, model.name()))
          .loopbackOnly().port(0).keysDir(keys.resolve(packing.name())).start();
          InferenceClient client = InferenceClient.connect("127.0.0.1:" + server.port(), null)) {
        ProgramInfo info = client.program();
        wire = info.toByteArray();
        ClientProgram cp = CompiledCodec.published(info, false);
        assertEquals(program.parameters().id(), cp.parameters().id());
        assertEquals(program.inputLayout().size(), cp.layout().size());
        assertEquals(model.classNames(), cp.classNames());
      }
      // parameters (moduli) + im2col source map + names: far below the 16,778 weights' 134 KB
      assertTrue(wire.length < 32 * 1024, packing + ": " + wire.length + " bytes sent to clients");
      List<String> leaks = find(patterns, wire);
      assertFalse(find(patterns, program.toBytes()).isEmpty(), "the scan finds the weights in the "
          + "owner's full program, so it would find them in the client's bytes");
      assertTrue(leaks.isEmpty(), packing + ": weight bit patterns in the client's bytes: " + leaks);
    }
  }

  @Test
  void clientExplainShowsNoTrainedCoefficients() {
    double[] coefficients = {0.123456789, 0.87654321, 0.0314159};
    HeProgram program = HeCompiler.compile(
        withActivation(new Polynomial(coefficients)), Packing.LATENCY, CompileOptions.defaults(),
        tinyImages());
    assertTrue(program.explain().contains(Arrays.toString(coefficients)), "the owner sees them");
    String forClients = program.explainForClients();
    assertFalse(forClients.contains("0.1234") || forClients.contains("0.8765"), forClients);
  }

  @Test
  void clientFormRoundTripsAndRefusesAlteredBytes() {
    HeProgram program = HeCompiler.compile(withActivation(new Polynomial(new double[] {0, 1, 0.5})),
        Packing.THROUGHPUT, CompileOptions.defaults(), tinyImages());
    byte[] bytes = program.clientProgram().toBytes();
    ClientProgram back = ClientProgram.fromBytes(bytes, false);
    assertArrayEquals(bytes, back.toBytes());
    assertEquals(program.imagesPerBatch(), back.imagesPerBatch());
    assertEquals(program.inputCiphertexts(), back.inputCiphertexts());
    for (int pos : new int[] {0, 9, 20, bytes.length / 2, bytes.length - 33, bytes.length - 1}) {
      byte[] bad = bytes.clone();
      bad[pos] ^= 0x04;
      assertThrows(ProgramFormatException.class, () -> ClientProgram.fromBytes(bad, false), "flip at " + pos);
    }
    ProgramFormatException cut = assertThrows(ProgramFormatException.class,
        () -> ClientProgram.fromBytes(Arrays.copyOf(bytes, bytes.length - 5), false));
    assertTrue(cut.getMessage().contains("SHA-256"), cut.getMessage());
    // a consistent digest does not make inconsistent content acceptable
    ProgramFormatException slots = assertThrows(ProgramFormatException.class,
        () -> new ClientProgram(back.modelName(), back.packing(), back.parameters(), back.inputShape(),
            back.normalization(), back.layout(), 1, back.inputLevel(), back.inputScale(),
            back.parameters().slots() + 1, back.inputCiphertexts(), back.outputCiphertexts(),
            back.outputCiphertext(), back.outputSlot(), 1, back.classNames()));
    assertTrue(slots.getMessage().contains("images per batch"), slots.getMessage());
  }

  static List<String> find(Set<ByteBuffer> patterns, byte[] bytes) {
    List<String> hits = new ArrayList<>();
    for (int at = 0; at < bytes.length; at++) {
      for (int len : new int[] {4, 8}) {
        if (at + len <= bytes.length && patterns.contains(ByteBuffer.wrap(bytes, at, len).slice())) {
          hits.add(len + " bytes at " + at);
        }
      }
    }
    return hits;
  }

  /** Every nonzero weight and bias, as 8-byte doubles and 4-byte floats, big- and little-endian. */
  static Set<ByteBuffer> weightPatterns(Model model) {
    Set<ByteBuffer> out = new HashSet<>();
    for (Layer l : model.layers()) {
      List<double[]> arrays = new ArrayList<>();
      if (l instanceof Conv2d c) {
        arrays.add(c.weight());
        arrays.add(c.bias());
      } else if (l instanceof Dense d) {
        arrays.add(d.weight());
        arrays.add(d.bias());
      }
      for (double[] a : arrays) {
        for (double w : a) {
          if (w == 0) {
            continue;
          }
          for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            out.add(ByteBuffer.allocate(8).order(order).putDouble(0, w));
            out.add(ByteBuffer.allocate(4).order(order).putFloat(0, (float) w));
          }
        }
      }
    }
    return out;
  }

  /** conv 3×3 → avgpool → activation → dense 32 → 3 on 8×8 images, random weights. */
  private static Model withActivation(Layer activation) {
    SplittableRandom rnd = new SplittableRandom(9);
    List<Layer> layers = List.of(new Conv2d(1, 2, 3, 1, 1, random(rnd, 18), random(rnd, 2)),
        new AvgPool2d(2, 2), activation, new Flatten(), new Dense(32, 3, random(rnd, 96), random(rnd, 3)));
    return new Model("tiny", new TensorShape(1, 8, 8), layers, List.of("a", "b", "c"),
        new Normalization(new double[] {0.5}, new double[] {0.25}), Map.of());
  }

  private static double[] random(SplittableRandom rnd, int n) {
    return rnd.doubles(n, -0.4, 0.4).toArray();
  }

  private static ImageDataset tinyImages() {
    SplittableRandom rnd = new SplittableRandom(10);
    float[][] img = new float[4][64];
    for (float[] row : img) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) rnd.nextDouble();
      }
    }
    return new ImageDataset("random8x8", 1, 8, 8, img, new int[] {0, 1, 2, 0}, List.of("a", "b", "c"));
  }
}
