package org.privmed.data.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.data.DatasetException;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;

class LocateTest {
  @TempDir Path tmp;

  private static void withHome(String home, Runnable body) {
    String before = System.getProperty("privmed.home");
    try {
      System.setProperty("privmed.home", home);
      body.run();
    } finally {
      if (before == null) {
        System.clearProperty("privmed.home");
      } else {
        System.setProperty("privmed.home", before);
      }
    }
  }

  @Test
  void privmedHomeWinsAndMustHoldData() {
    Path real = DataCatalog.locate().dataDir();
    withHome(real.getParent().toString(),
        () -> assertEquals(real, Datasets.dataDir()));
    withHome(tmp.toString(), () -> {
      DatasetException e = assertThrows(DatasetException.class, Datasets::dataDir);
      assertTrue(e.getMessage().contains("privmed.home=" + tmp), e.getMessage());
    });
  }

  @Test
  void loadAllConcatenatesTheOfficialSplits() {
    ImageDataset all = DataCatalog.locate().loadAll("breastmnist",
        DataCatalog.DEFAULT_FOLDER_OPTIONS);
    assertEquals(780, all.size());
    assertArrayEquals(new int[] {147 + 21 + 42, 399 + 57 + 114}, all.classCounts());
    ImageDataset test = DataCatalog.locate().load("breastmnist", Split.TEST);
    assertArrayEquals(test.images()[0], all.images()[546 + 78]);
  }
}
