package org.privmed.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.io.ModelFormatException;
import org.privmed.nn.model.Model;
import org.privmed.data.Normalization;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

class ModelFileTest {
  @TempDir Path dir;

  private static Model sample() {
    Model m = ModelZoo.build("reacthe-deep", new TensorShape(3, 28, 28),
        List.of("benign", "malignant", "normal"), new ZooOptions(4, 1));
    return Perturb.randomise(m, 2)
        .withNormalization(new Normalization(new double[] {0.1, 0.2, 0.3},
            new double[] {0.9, 0.8, 0.7}))
        .withMetadata(Map.of("trained.epochs", "3", "note", "ünïcode ok"));
  }

  @Test
  void roundTripKeepsEverything() throws Exception {
    Model m = sample();
    Path p = dir.resolve("sub/m.pm");
    ModelFile.write(m, p);
    Model back = ModelFile.read(p);
    assertEquals(m.name(), back.name());
    assertEquals(m.inputShape(), back.inputShape());
    assertEquals(m.classNames(), back.classNames());
    assertEquals(m.normalization(), back.normalization());
    assertEquals(m.metadata(), back.metadata());
    assertEquals(m.parameterCount(), back.parameterCount());
    assertEquals(m.layers().size(), back.layers().size());
    // Same bytes when written again: every weight survived exactly.
    assertArrayEquals(ModelFile.toBytes(m), ModelFile.toBytes(back));
    float[] img = new float[3 * 28 * 28];
    Random r = new Random(1);
    for (int i = 0; i < img.length; i++) {
      img[i] = r.nextFloat();
    }
    assertArrayEquals(PlainInference.logits(m, img), PlainInference.logits(back, img), 0.0);
  }

  @Test
  void everyZooModelRoundTrips() throws Exception {
    for (String name : ModelZoo.names()) {
      TensorShape in = name.equals("cryptonets-all") ? new TensorShape(3, 32, 32)
          : new TensorShape(1, 28, 28);
      Model m = ModelZoo.build(name, in, List.of("a", "b"), new ZooOptions(2, 3));
      Model back = ModelFile.fromBytes(ModelFile.toBytes(m), name);
      assertArrayEquals(ModelFile.toBytes(m), ModelFile.toBytes(back), name);
    }
  }

  @Test
  void truncatedFileIsRefused() throws Exception {
    byte[] bytes = ModelFile.toBytes(sample());
    for (int cut : new int[] {0, 10, 40, bytes.length / 2, bytes.length - 1}) {
      Path p = dir.resolve("cut" + cut + ".pm");
      Files.write(p, Arrays.copyOf(bytes, cut));
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.read(p));
      assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("checksum"),
          e.getMessage());
    }
  }

  @Test
  void flippedBitIsRefused() {
    byte[] bytes = ModelFile.toBytes(sample());
    Random r = new Random(9);
    for (int t = 0; t < 20; t++) {
      byte[] bad = bytes.clone();
      int pos = 8 + r.nextInt(bad.length - 8);
      bad[pos] ^= (byte) (1 << r.nextInt(8));
      ModelFormatException e =
          assertThrows(ModelFormatException.class, () -> ModelFile.fromBytes(bad, "x.pm"));
      assertTrue(e.getMessage().startsWith("x.pm: "), e.getMessage());
    }
  }

  @Test
  void wrongMagicAndVersionAreNamed() {
    byte[] bytes = ModelFile.toBytes(sample());
    byte[] magic = bytes.clone();
    magic[0] = 'X';
    assertTrue(assertThrows(ModelFormatException.class, () -> ModelFile.fromBytes(magic, "f"))
        .getMessage().contains("magic"));
    byte[] version = bytes.clone();
    version[11] = 9;
    assertTrue(assertThrows(ModelFormatException.class, () -> ModelFile.fromBytes(version, "f"))
        .getMessage().contains("version 9"));
    byte[] text = "hello, this is not a model but is long enough to pass the size check"
        .getBytes(StandardCharsets.US_ASCII);
    assertThrows(ModelFormatException.class, () -> ModelFile.fromBytes(text, "f"));
  }

  @Test
  void missingFileIsNamed() {
    Path p = dir.resolve("nope.pm");
    Exception e = assertThrows(java.nio.file.NoSuchFileException.class, () -> ModelFile.read(p));
    assertTrue(e.getMessage().contains("nope.pm"));
  }
}
