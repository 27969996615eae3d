package org.privmed.encode.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.encode.TestKeys;
import org.privmed.encode.key.EncoderKey;
import org.privmed.encode.neuracrypt.EncoderConfig;
import org.privmed.encode.neuracrypt.NeuraCryptEncoder;
import org.privmed.eval.report.Report;

class EncodingComparisonTest {
  private static final EncoderConfig CFG = EncoderConfig.defaults(1, 28, 28);

  /** The first {@code n} rows of {@code d}. */
  static ImageDataset first(ImageDataset d, int n) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i;
    }
    return d.subset(d.name() + "[0:" + n + "]", rows);
  }

  @Test
  void plaintextRowsAreThePixelPatchesInGridOrder() {
    float[] image = new float[28 * 28];
    for (int i = 0; i < image.length; i++) {
      image[i] = i;
    }
    float[] p = NeuraCryptEncoder.rawPatches(CFG, image);
    assertEquals(16 * 49, p.length);
    // Patch 1 is the second 7x7 block of the first block row: pixels (0..6, 7..13).
    assertEquals(7f, p[49]);
    assertEquals(8f, p[50]);
    assertEquals(28f + 7, p[49 + 7]);
    // Patch 4 starts the second block row: pixel (7, 0).
    assertEquals(7f * 28, p[4 * 49]);
    assertThrows(IllegalArgumentException.class,
        () -> NeuraCryptEncoder.rawPatches(CFG, new float[10]));
  }

  @Test
  void eachHospitalEncodesItsOwnShareAndRowsKeepTheirOrder() {
    ImageDataset d = first(Datasets.load("breastmnist", Split.TEST), 30);
    List<EncoderKey> keys = List.of(TestKeys.fixed(1), TestKeys.fixed(2), TestKeys.fixed(3));
    PatchSet s = EncodingComparison.patchSet(d, CFG, keys, 5, 1);
    assertArrayEquals(d.labels(), s.labels());
    List<NeuraCryptEncoder> encs = new ArrayList<>();
    for (EncoderKey k : keys) {
      encs.add(new NeuraCryptEncoder(k, CFG));
    }
    int[] byHospital = new int[3];
    for (int i = 0; i < d.size(); i++) {
      int owner = -1;
      for (int h = 0; h < 3; h++) {
        if (java.util.Arrays.equals(encs.get(h).encode(d.images()[i]), s.rows()[i])) {
          owner = h;
        }
      }
      assertTrue(owner >= 0, "row " + i + " is no hospital's encoding of image " + i);
      byHospital[owner]++;
    }
    assertArrayEquals(new int[] {10, 10, 10}, byHospital);
    assertEquals(String.join("+", encs.stream().map(NeuraCryptEncoder::keyFingerprint).toList()),
        s.source());
    PatchSet plain = EncodingComparison.patchSet(d, CFG, List.of(), 5, 1);
    assertEquals(PatchSet.PLAINTEXT, plain.source());
    assertEquals(49, plain.width());
    assertArrayEquals(NeuraCryptEncoder.rawPatches(CFG, d.images()[3]), plain.rows()[3]);
  }

  @Test
  void everySettingAndSeedIsTrainedOnFreshKeysAndReported() {
    ImageDataset train = first(Datasets.load("breastmnist", Split.TRAIN), 60);
    ImageDataset val = first(Datasets.load("breastmnist", Split.VAL), 20);
    ImageDataset test = first(Datasets.load("breastmnist", Split.TEST), 30);
    AtomicInteger drawn = new AtomicInteger();
    List<String> lines = new ArrayList<>();
    List<EncodingComparison.Run> runs = EncodingComparison.run(train, val, test, CFG,
        List.of(0, 1, 2), List.of(1L, 2L), PatchSetConfig.defaults().withEpochs(1), 1,
        () -> TestKeys.fixed(100 + drawn.incrementAndGet()), lines::add);
    assertEquals(6, runs.size());
    assertEquals(6, lines.size());
    assertTrue(lines.get(5).startsWith("[6/6]"), lines.get(5));
    assertEquals(2 * (1 + 2), drawn.get(), "a fresh key per hospital per encoded run");
    Set<String> keys = new HashSet<>();
    runs.forEach(r -> keys.addAll(r.keyFingerprints()));
    assertEquals(6, keys.size());
    for (EncodingComparison.Run r : runs) {
      assertEquals(r.hospitals(), r.keyFingerprints().size());
      assertEquals(test.size(), r.result().testScores().length);
      assertTrue(r.result().testAuroc() >= 0 && r.result().testAuroc() <= 1);
    }
    List<ComparisonReport.Summary> sums = ComparisonReport.summarise(runs);
    assertEquals(List.of(EncodingComparison.PLAINTEXT, "encoded, 1 hospital",
        "encoded, 2 hospitals (independent keys)"),
        sums.stream().map(ComparisonReport.Summary::setting).toList());
    ComparisonReport.Summary enc = sums.get(1);
    assertEquals(2, enc.auroc().n());
    assertEquals((runs.get(1).result().testAuroc() + runs.get(4).result().testAuroc()) / 2,
        enc.auroc().mean(), 1e-12);
    Report report = ComparisonReport.report(test, runs, Map.of("command", "test"));
    assertEquals(6 + 3, report.rows().size());
    assertEquals(6, report.series().size());
    String md = ComparisonReport.markdown("breastmnist", sums, "privmed encode bench");
    assertEquals(2 + 3 + 2, md.strip().split("\n").length, md);
    assertTrue(md.contains(String.format(java.util.Locale.ROOT, "%+.3f",
        enc.auroc().mean() - sums.get(0).auroc().mean())), md);
    assertNotEquals(-1, md.indexOf("`privmed encode bench`"));
  }
}
