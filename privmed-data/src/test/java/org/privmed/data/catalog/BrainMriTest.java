package org.privmed.data.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.folder.ColourMode;
import org.privmed.data.folder.FolderOptions;
import org.privmed.data.split.Fold;
import org.privmed.data.split.KFold;

/** The real 253-image brain-MRI folder: 245 JPEGs and 8 PNGs, some PNGs named .jpg. */
class BrainMriTest {
  @Test
  void allImagesDecodeAndFoldsAreStratified() {
    ImageDataset all = DataCatalog.locate().loadAll("brain-mri",
        FolderOptions.square(16, ColourMode.GRAYSCALE));
    assertEquals(253, all.size());
    assertEquals(List.of("no", "yes"), all.classNames());
    assertArrayEquals(new int[] {98, 155}, ShippedDatasetsTest.classCounts(all));
    double mean = ShippedDatasetsTest.mean(all);
    assertTrue(mean > 0.1 && mean < 0.5, "mean intensity " + mean);
    for (float[] image : all.images()) {
      for (float v : image) {
        assertTrue(v >= 0 && v <= 1, "pixel " + v);
      }
    }
    for (Fold f : KFold.stratified(all.labels(), 5, 0)) {
      long no = java.util.Arrays.stream(f.test()).filter(i -> all.labels()[i] == 0).count();
      assertTrue(no == 19 || no == 20, "fold " + f.index() + " has " + no + " 'no' images");
    }
  }

  @Test
  void derivedSplitsAreDisjointStratifiedAndStable() {
    DataCatalog catalog = DataCatalog.locate();
    FolderOptions tiny = FolderOptions.square(8, ColourMode.GRAYSCALE);
    ImageDataset test = catalog.load("brain-mri", Split.TEST, tiny);
    ImageDataset val = catalog.load("brain-mri", Split.VAL, tiny);
    assertArrayEquals(new int[] {20, 31}, ShippedDatasetsTest.classCounts(test));
    assertArrayEquals(new int[] {10, 16}, ShippedDatasetsTest.classCounts(val));
    ImageDataset again = catalog.load("brain-mri", Split.TEST, tiny);
    for (int i = 0; i < test.size(); i++) {
      assertArrayEquals(test.images()[i], again.images()[i]);
    }
  }
}
