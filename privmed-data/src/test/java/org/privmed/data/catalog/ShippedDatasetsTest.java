package org.privmed.data.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.privmed.data.DatasetException;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;

/** The real files under data/, checked against the figures in shared/data/README.md. */
class ShippedDatasetsTest {
  static DataCatalog catalog() {
    return DataCatalog.locate();
  }

  static int[] classCounts(ImageDataset d) {
    int[] counts = new int[d.numClasses()];
    for (int l : d.labels()) {
      counts[l]++;
    }
    return counts;
  }

  static double mean(ImageDataset d) {
    double sum = 0;
    for (float[] image : d.images()) {
      for (float v : image) {
        sum += v;
      }
    }
    return sum / ((double) d.size() * d.pixelsPerImage());
  }

  @Test
  void findsTheRepositoryDataFolderFromTheModuleDirectory() {
    Path dir = catalog().dataDir();
    assertEquals("data", dir.getFileName().toString());
    assertTrue(dir.resolve("mnist").resolve("SHA256SUMS").toFile().isFile());
  }

  @Test
  void mnistTestSet() {
    ImageDataset test = catalog().load("mnist", Split.TEST);
    assertEquals("mnist/test", test.name());
    assertEquals(10_000, test.size());
    assertEquals(1, test.channels());
    assertEquals(28, test.height());
    assertEquals(28, test.width());
    assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
        classCounts(test));
  }

  @Test
  void pneumoniaMnistSplits() {
    int[][] expected = {{1214, 3494}, {135, 389}, {234, 390}};
    for (Split s : Split.values()) {
      ImageDataset d = catalog().load("pneumoniamnist", s);
      assertEquals(1, d.channels());
      assertEquals(28, d.height());
      assertEquals(java.util.List.of("normal", "pneumonia"), d.classNames());
      assertArrayEquals(expected[s.ordinal()], classCounts(d), s.toString());
    }
  }

  @Test
  void breastMnistSplits() {
    int[][] expected = {{147, 399}, {21, 57}, {42, 114}};
    for (Split s : Split.values()) {
      ImageDataset d = catalog().load("breastmnist", s);
      assertEquals(1, d.channels());
      assertEquals(28, d.width());
      assertEquals("malignant", d.classNames().get(0));
      assertArrayEquals(expected[s.ordinal()], classCounts(d), s.toString());
    }
  }

  @Test
  void bloodMnistPbcIsRgbAndSaysItIsNotOfficial() {
    ImageDataset test = catalog().load("bloodmnist-pbc", Split.TEST);
    assertEquals(3421, test.size());
    assertEquals(3, test.channels());
    assertArrayEquals(new int[] {244, 624, 311, 579, 243, 284, 666, 470}, classCounts(test));
    assertTrue(test.name().contains("not the official BloodMNIST split"), test.name());
    assertTrue(DataCatalog.info("bloodmnist-pbc").displayName().contains("NOT the official"));
  }

  @Test
  void catalogClassNamesMatchWhatLoadingReturns() {
    for (String name : new String[] {"mnist", "pneumoniamnist", "breastmnist", "bloodmnist-pbc"}) {
      assertEquals(DataCatalog.info(name).classNames(),
          catalog().load(name, Split.TEST).classNames(), name);
    }
  }

  @Test
  void userPathLoadsLikeTheShippedName() {
    Path npz = catalog().dataDir().resolve("medmnist").resolve("breastmnist.npz");
    ImageDataset byPath = catalog().load(npz.toString(), Split.VAL);
    ImageDataset byName = catalog().load("breastmnist", Split.VAL);
    assertEquals("breastmnist.npz/val", byPath.name());
    assertArrayEquals(byName.labels(), byPath.labels());
    assertArrayEquals(byName.images()[77], byPath.images()[77]);
  }

  @Test
  void unknownNameListsTheShippedOnes() {
    DatasetException e = assertThrows(DatasetException.class,
        () -> catalog().load("chestmnist", Split.TEST));
    assertTrue(e.getMessage().contains("brain-mri") && e.getMessage().contains("chestmnist"),
        e.getMessage());
  }
}
