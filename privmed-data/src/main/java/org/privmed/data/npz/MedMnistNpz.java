package org.privmed.data.npz;

import java.nio.file.Path;
import java.util.List;
import org.privmed.data.DatasetException;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;

/**
 * Reads MedMNIST v2 2-D .npz files (Yang et al. 2023, Scientific Data 10:41; format as written by
 * the medmnist package): arrays {@code train_images}, {@code val_images}, {@code test_images} of
 * shape N×H×W (grayscale) or N×H×W×3 (RGB), dtype uint8, and {@code *_labels} of shape N×1 or N
 * with integer class indices. Any square or rectangular size is accepted (28, 64, 128 and 224 are
 * the published ones). Multi-label files (ChestMNIST, labels N×14) are refused: every consumer
 * here is single-label.
 *
 * <p>The number of classes is taken from all splits present in the file, so that a split missing
 * its rarest class still reports the same class count as the others. Class names are MedMNIST's
 * when the file name is recognised, otherwise {@code class 0..k-1}.
 */
public final class MedMnistNpz {
  private MedMnistNpz() {}

  /** The array keys of a file, for diagnostics ("has [test_images, test_labels, ...]"). */
  public static List<String> keys(Path file) {
    try (NpzArchive npz = NpzArchive.open(file)) {
      return npz.keys();
    }
  }

  /**
   * One split of {@code file} as a dataset named {@code name}, pixels scaled to [0, 1] and laid
   * out C×H×W.
   */
  public static ImageDataset load(Path file, Split split, String name) {
    try (NpzArchive npz = NpzArchive.open(file)) {
      String prefix = split.npzPrefix();
      if (!npz.has(prefix + "_images") || !npz.has(prefix + "_labels")) {
        throw new DatasetException(file + " has no " + prefix + "_images/" + prefix
            + "_labels pair (it has " + npz.keys() + "); is it a MedMNIST 2-D .npz file?");
      }
      int numClasses = 0;
      int[] labels = null;
      for (Split s : Split.values()) {
        String key = s.npzPrefix() + "_labels";
        if (!npz.has(key)) {
          continue;
        }
        int[] l = labels(npz.read(key));
        for (int v : l) {
          numClasses = Math.max(numClasses, v + 1);
        }
        if (s == split) {
          labels = l;
        }
      }
      NpyArray images = npz.read(prefix + "_images");
      int k = Math.max(numClasses, 1);
      List<String> classNames = MedMnistClasses.namesFor(file.getFileName().toString(), k)
          .orElseGet(() -> MedMnistClasses.generic(k));
      return toDataset(images, labels, name, classNames);
    }
  }

  private static int[] labels(NpyArray array) {
    boolean columnOrFlat = array.rank() == 1 || (array.rank() == 2 && array.shape()[1] == 1);
    if (!columnOrFlat) {
      String hint = array.rank() == 2 ? " (a multi-label file such as ChestMNIST? only"
          + " single-label sets are supported)" : "";
      throw new DatasetException(array.name() + ": labels have shape " + array.shapeString()
          + ", expected (N, 1) or (N,)" + hint);
    }
    if (!array.dtype().isInteger()) {
      throw new DatasetException(array.name() + ": labels have dtype " + array.dtype()
          + ", expected an integer type");
    }
    int n = (int) array.shape()[0];
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      long v = array.getLong(i);
      if (v < 0 || v > 100_000) {
        throw new DatasetException(array.name() + ": label " + v + " at row " + i
            + " is not a class index");
      }
      out[i] = (int) v;
    }
    return out;
  }

  private static ImageDataset toDataset(NpyArray images, int[] labels, String name,
      List<String> classNames) {
    long[] s = images.shape();
    boolean grey = s.length == 3;
    boolean withChannels = s.length == 4 && (s[3] == 3 || s[3] == 1);
    if (!grey && !withChannels) {
      throw new DatasetException(images.name() + ": images have shape " + images.shapeString()
          + ", expected (N, H, W) or (N, H, W, 3)");
    }
    if (!images.dtype().isUint8()) {
      throw new DatasetException(images.name() + ": images have dtype " + images.dtype()
          + ", expected uint8 ('|u1') pixels as MedMNIST ships them");
    }
    if (s[1] == 0 || s[2] == 0) {
      throw new DatasetException(images.name() + ": images have empty shape "
          + images.shapeString());
    }
    if (s[0] != labels.length) {
      throw new DatasetException(images.name() + ": " + s[0] + " images but " + labels.length
          + " labels");
    }
    int n = (int) s[0];
    int h = (int) s[1];
    int w = (int) s[2];
    int c = grey ? 1 : (int) s[3];
    int plane = h * w;
    byte[] raw = images.data();
    float[][] out = new float[n][c * plane];
    for (int i = 0; i < n; i++) {
      float[] image = out[i];
      int base = i * plane * c;
      // .npz stores H×W×C (channels last); ImageDataset wants C×H×W.
      for (int p = 0; p < plane; p++) {
        for (int ch = 0; ch < c; ch++) {
          image[ch * plane + p] = (raw[base + p * c + ch] & 0xFF) / 255f;
        }
      }
    }
    return new ImageDataset(name, c, h, w, out, labels, classNames);
  }
}
