package org.privmed.data.idx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.privmed.data.DatasetException;
import org.privmed.data.ImageDataset;

/**
 * A folder of MNIST-style IDX files: {@code train-images-idx3-ubyte}, {@code
 * train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each
 * optionally ending in {@code .gz} (also the older {@code train-images.idx3-ubyte} spelling).
 * Fashion-MNIST and KMNIST use the same names, so they load too (with digit class names).
 */
public final class MnistFiles {
  /** The ten digit classes, label = digit. */
  public static final List<String> DIGITS =
      IntStream.range(0, 10).mapToObj(Integer::toString).toList();

  private MnistFiles() {}

  /** True if {@code dir} holds at least the test image and label files. */
  public static boolean looksLikeMnistFolder(Path dir) {
    return Files.isDirectory(dir) && find(dir, "t10k", "images", 3, false) != null
        && find(dir, "t10k", "labels", 1, false) != null;
  }

  /** The path of {@code <prefix>-<kind>-idx<rank>-ubyte[.gz]} in {@code dir}. */
  public static Path file(Path dir, boolean train, boolean images) {
    return find(dir, train ? "train" : "t10k", images ? "images" : "labels", images ? 3 : 1, true);
  }

  /**
   * The whole training ({@code train = true}, 60,000 for MNIST) or test file pair of {@code dir}
   * as a dataset with pixels scaled to [0, 1].
   */
  public static ImageDataset read(Path dir, boolean train, String name) {
    return toDataset(IdxReader.readImages(file(dir, train, true)),
        IdxReader.readLabels(file(dir, train, false)), name, file(dir, train, true));
  }

  /** Pairs images with labels; labels above 9 are refused since the class names are digits. */
  public static ImageDataset toDataset(IdxImages images, int[] labels, String name, Path source) {
    if (images.count() != labels.length) {
      throw new DatasetException(source + ": " + images.count() + " images but "
          + labels.length + " labels in the matching label file");
    }
    int pixels = images.rows() * images.cols();
    byte[] raw = images.pixels();
    float[][] out = new float[images.count()][pixels];
    for (int i = 0; i < out.length; i++) {
      float[] image = out[i];
      int base = i * pixels;
      for (int p = 0; p < pixels; p++) {
        image[p] = (raw[base + p] & 0xFF) / 255f;
      }
      if (labels[i] > 9) {
        throw new DatasetException(source + ": label " + labels[i] + " of image " + i
            + " is not a digit 0-9");
      }
    }
    return new ImageDataset(name, 1, images.rows(), images.cols(), out, labels.clone(), DIGITS);
  }

  private static Path find(Path dir, String prefix, String kind, int rank, boolean required) {
    String[] candidates = {
      prefix + "-" + kind + "-idx" + rank + "-ubyte", prefix + "-" + kind + ".idx" + rank + "-ubyte"
    };
    for (String base : candidates) {
      for (String name : new String[] {base + ".gz", base}) {
        Path p = dir.resolve(name);
        if (Files.isRegularFile(p)) {
          return p;
        }
      }
    }
    if (required) {
      throw new DatasetException("no " + candidates[0] + "[.gz] in " + dir);
    }
    return null;
  }
}
