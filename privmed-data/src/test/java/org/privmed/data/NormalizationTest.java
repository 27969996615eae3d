package org.privmed.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.privmed.data.catalog.DataCatalog;
import org.privmed.data.idx.MnistFiles;

class NormalizationTest {
  @Test
  void mnistTrainingStatisticsMatchTheUsualValues() {
    // The whole official 60,000-image training file: mean 0.1307, std 0.3081 (shared README).
    ImageDataset train = MnistFiles.read(DataCatalog.locate().dataDir().resolve("mnist"), true,
        "mnist/train-file");
    assertEquals(60_000, train.size());
    assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
        train.classCounts());
    Normalization n = Normalization.fit(train);
    assertEquals(0.1306604762738429, n.mean()[0], 1e-6);
    assertEquals(0.3081078, n.std()[0], 1e-6);
  }

  @Test
  void appliesPerChannel() {
    float[][] images = {{0f, 1f, 0.5f, 0.5f}, {1f, 0f, 0.5f, 0.5f}};
    ImageDataset d = new ImageDataset("two", 2, 1, 2, images, new int[] {0, 0}, List.of("a"));
    Normalization n = Normalization.fit(d);
    assertArrayEquals(new double[] {0.5, 0.5}, n.mean(), 1e-12);
    assertEquals(0.5, n.std()[0], 1e-12);
    assertEquals(1.0, n.std()[1], 0.0); // constant channel: std forced to 1, no division by zero
    assertArrayEquals(new float[] {-1f, 1f, 0f, 0f}, n.apply(images[0]), 1e-6f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Normalization(new double[] {0}, new double[] {0}));
    assertTrue(e.getMessage().contains("std 0.0"), e.getMessage());
  }
}
