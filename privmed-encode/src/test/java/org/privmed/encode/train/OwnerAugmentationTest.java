package org.privmed.encode.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.encode.TestKeys;
import org.privmed.encode.key.EncoderKey;
import org.privmed.encode.neuracrypt.EncoderConfig;
import org.privmed.encode.neuracrypt.NeuraCryptEncoder;
import org.quicktheories.QuickTheory;
import org.quicktheories.generators.SourceDSL;

class OwnerAugmentationTest {
  private static final EncoderConfig CFG = EncoderConfig.defaults(1, 28, 28);

  @Test
  void eachImageIsFollowedByItsMovedCopiesWithItsLabel() {
    ImageDataset d = EncodingComparisonTest.first(Datasets.load("breastmnist", Split.TRAIN), 12);
    ImageDataset a = OwnerAugmentation.copies(d, 3, 9);
    assertEquals(36, a.size());
    for (int i = 0; i < d.size(); i++) {
      assertSame(d.images()[i], a.images()[3 * i], "copy 0 is the image itself");
      for (int j = 0; j < 3; j++) {
        assertEquals(d.labels()[i], a.labels()[3 * i + j]);
      }
      assertFalse(Arrays.equals(d.images()[i], a.images()[3 * i + 1]));
      assertFalse(Arrays.equals(a.images()[3 * i + 1], a.images()[3 * i + 2]));
    }
    assertArrayEquals(a.images()[7], OwnerAugmentation.copies(d, 3, 9).images()[7],
        "the seed fixes the moves");
    assertSame(d, OwnerAugmentation.copies(d, 1, 9));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OwnerAugmentation.copies(d, 0, 9));
    assertTrue(e.getMessage().contains("copies 0"), e.getMessage());
  }

  @Test
  void aMoveKeepsABlobNearWhereItWasAndItsBrightness() {
    // A 3x3 bright square centred on pixel (13, 13): after at most 10 degrees, 2 px each way and a
    // mirror (which maps column 13 to 14 on a 28-wide image) it must stay near there, keep its mass (bilinear sampling of a blob away from
    // the border neither adds nor loses much), and the pixels stay in [0, 1].
    QuickTheory.qt().withExamples(50).forAll(SourceDSL.longs().all()).checkAssert(seed -> {
      float[] image = new float[28 * 28];
      for (int y = 12; y <= 14; y++) {
        for (int x = 12; x <= 14; x++) {
          image[y * 28 + x] = 1f;
        }
      }
      float[] out = OwnerAugmentation.warp(image, 1, 28, 28, new Random(seed));
      double mass = 0;
      double cy = 0;
      double cx = 0;
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          float v = out[y * 28 + x];
          assertTrue(v >= 0 && v <= 1.0001f, "pixel " + v);
          mass += v;
          cy += v * y;
          cx += v * x;
        }
      }
      assertEquals(9, mass, 1.0, "mass");
      assertTrue(Math.hypot(cy / mass - 13, cx / mass - 13) <= 2 * Math.sqrt(2) + 1.5,
          "centroid " + cy / mass + ", " + cx / mass);
    });
  }

  @Test
  void copiesStayWithTheirImagesHospitalAndTheSharesDoNotChange() {
    ImageDataset d = EncodingComparisonTest.first(Datasets.load("breastmnist", Split.TRAIN), 24);
    List<EncoderKey> keys = List.of(TestKeys.fixed(1), TestKeys.fixed(2), TestKeys.fixed(3));
    PatchSet once = EncodingComparison.patchSet(d, CFG, keys, 5, 1);
    PatchSet twice = EncodingComparison.patchSet(d, CFG, keys, 5, 2);
    assertEquals(48, twice.size());
    ImageDataset moved = OwnerAugmentation.copies(d, 2, 5);
    for (int i = 0; i < d.size(); i++) {
      int owner = once.rowSources()[i];
      NeuraCryptEncoder enc = new NeuraCryptEncoder(keys.get(owner), CFG);
      assertEquals(owner, twice.rowSources()[2 * i]);
      assertEquals(owner, twice.rowSources()[2 * i + 1]);
      assertArrayEquals(once.rows()[i], twice.rows()[2 * i]);
      assertArrayEquals(enc.encode(moved.images()[2 * i + 1]), twice.rows()[2 * i + 1]);
      assertEquals(d.labels()[i], twice.labels()[2 * i + 1]);
    }
    PatchSet plain = EncodingComparison.patchSet(d, CFG, List.of(), 5, 2);
    assertArrayEquals(NeuraCryptEncoder.rawPatches(CFG, moved.images()[5]), plain.rows()[5],
        "the control trains on the same moved copies");
  }
}
