package org.privmed.data.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.data.DatasetException;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;

/** {@code NAME@padS}: the 32×32 data path of cryptonets-all, on the real shipped files. */
class PaddedViewTest {
  @TempDir Path tmp;

  @Test
  void paddingKeepsEveryPixelAndAddsZerosAround() {
    float[] img = new float[2 * 2 * 3]; // C=2, H=2, W=3
    for (int i = 0; i < img.length; i++) {
      img[i] = i + 1;
    }
    ImageDataset d = new ImageDataset("t/train", 2, 2, 3, new float[][] {img}, new int[] {1},
        List.of("a", "b"));
    ImageDataset p = d.zeroPadded("t@pad5/train", 5, 6);
    assertEquals(5, p.height());
    assertEquals(6, p.width());
    float[] out = p.images()[0];
    // rows: 3 extra -> 1 on top, 2 below; columns: 3 extra -> 1 left, 2 right
    for (int c = 0; c < 2; c++) {
      for (int y = 0; y < 5; y++) {
        for (int x = 0; x < 6; x++) {
          boolean inside = y >= 1 && y < 3 && x >= 1 && x < 4;
          float want = inside ? img[(c * 2 + y - 1) * 3 + x - 1] : 0f;
          assertEquals(want, out[(c * 5 + y) * 6 + x], "c" + c + " y" + y + " x" + x);
        }
      }
    }
    assertArrayEquals(d.labels(), p.labels());
    assertThrows(IllegalArgumentException.class, () -> d.zeroPadded("x", 1, 6));
  }

  @Test
  void bloodmnistPbcAt32x32HasTheSameImagesInTheCentre() {
    DataCatalog catalog = DataCatalog.locate();
    ImageDataset raw = catalog.load("bloodmnist-pbc", Split.VAL);
    ImageDataset padded = catalog.load("bloodmnist-pbc@pad32", Split.VAL);
    assertEquals(3, padded.channels());
    assertEquals(32, padded.height());
    assertEquals(32, padded.width());
    assertEquals(raw.size(), padded.size());
    assertArrayEquals(raw.labels(), padded.labels());
    assertTrue(padded.name().startsWith("bloodmnist-pbc@pad32/val"), padded.name());
    assertTrue(padded.name().contains("not the official"), padded.name());
    for (int i = 0; i < raw.size(); i += 97) {
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 28; y++) {
          for (int x = 0; x < 28; x++) {
            assertEquals(raw.images()[i][(c * 28 + y) * 28 + x],
                padded.images()[i][(c * 32 + y + 2) * 32 + x + 2]);
          }
        }
        assertEquals(0f, padded.images()[i][(c * 32 + 1) * 32 + 15]);
        assertEquals(0f, padded.images()[i][(c * 32 + 30) * 32 + 31]);
      }
    }
    DatasetInfo info = DataCatalog.info("bloodmnist-pbc@pad32");
    assertEquals("3x32x32", info.shape());
    assertEquals("bloodmnist-pbc@pad32", info.name());
    assertTrue(info.displayName().contains("NOT the official")
        && info.displayName().endsWith("zero-padded to 32x32"), info.displayName());
  }

  @Test
  void theRecordedTrainingDataNameLoadsTheSameViewAgain() {
    DataCatalog catalog = DataCatalog.locate();
    ImageDataset train = catalog.load("breastmnist@pad32", Split.TRAIN);
    // what a model's metadata keeps (train.data) up to the first '/': the view comes back with it
    String recorded = train.name().replaceFirst("/.*$", "");
    assertEquals("breastmnist@pad32", recorded);
    ImageDataset again = catalog.load(recorded, Split.TEST);
    assertEquals(32, again.width());
    assertEquals(1, again.channels());
    assertEquals(156, again.size());
    assertEquals(32, catalog.loadAll("breastmnist@pad32",
        DataCatalog.DEFAULT_FOLDER_OPTIONS).height());
  }

  @Test
  void badViewsAreClearErrors() {
    DataCatalog catalog = DataCatalog.locate();
    DatasetException unknown = assertThrows(DatasetException.class,
        () -> catalog.load("breastmnist@resize32", Split.TEST));
    assertTrue(unknown.getMessage().contains("@padS"), unknown.getMessage());
    DatasetException small = assertThrows(DatasetException.class,
        () -> catalog.load("breastmnist@pad20", Split.TEST));
    assertTrue(small.getMessage().contains("28x28") && small.getMessage().contains("20x20"),
        small.getMessage());
    assertThrows(DatasetException.class, () -> DatasetSpec.parse("breastmnist@pad0"));
    assertThrows(DatasetException.class, () -> DatasetSpec.parse("breastmnist@pad4096"));
  }

  @Test
  void anExistingFileWithAtPadInItsNameIsNotSplit() throws Exception {
    Path odd = Files.createFile(tmp.resolve("scan@pad32"));
    DatasetSpec spec = DatasetSpec.parse(odd.toString());
    assertEquals(odd.toString(), spec.base());
    assertEquals(0, spec.padTo());
    assertEquals(new DatasetSpec("data/x.npz", 32), DatasetSpec.parse("data/x.npz@pad32"));
  }
}
