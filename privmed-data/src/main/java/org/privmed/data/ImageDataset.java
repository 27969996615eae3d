package org.privmed.data;

import java.util.List;
import java.util.Objects;

/**
 * A labelled image set held in memory, the one shape every pipeline consumes.
 *
 * <p>Image {@code i} is {@code images[i]}, laid out channel-major (C×H×W) with pixel values in
 * [0, 1]; normalisation (mean/std) is the model's business, not the dataset's, so that the same
 * loaded set can feed models trained with different statistics.
 *
 * @param name a short name for reports, e.g. {@code pneumoniamnist/test}
 * @param channels C (1 for grayscale, 3 for RGB)
 * @param height H
 * @param width W
 * @param images N arrays of length C·H·W
 * @param labels N class indices in [0, classNames.size())
 * @param classNames the class names, index = label
 */
public record ImageDataset(
    String name, int channels, int height, int width, float[][] images, int[] labels,
    List<String> classNames) {

  public ImageDataset {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(labels, "labels");
    classNames = List.copyOf(classNames);
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "dataset " + name + ": bad shape " + channels + "x" + height + "x" + width);
    }
    if (images.length != labels.length) {
      throw new IllegalArgumentException("dataset " + name + ": " + images.length
          + " images but " + labels.length + " labels");
    }
    int pixels = channels * height * width;
    for (int i = 0; i < images.length; i++) {
      if (images[i].length != pixels) {
        throw new IllegalArgumentException("dataset " + name + ": image " + i + " has "
            + images[i].length + " values, expected " + pixels);
      }
      if (labels[i] < 0 || labels[i] >= classNames.size()) {
        throw new IllegalArgumentException("dataset " + name + ": label " + labels[i]
            + " of image " + i + " is outside [0, " + classNames.size() + ")");
      }
    }
  }

  public int size() {
    return labels.length;
  }

  public int numClasses() {
    return classNames.size();
  }

  /** {@code counts[k]}: how many images have label {@code k}. */
  public int[] classCounts() {
    int[] counts = new int[classNames.size()];
    for (int label : labels) {
      counts[label]++;
    }
    return counts;
  }

  /** Values per image, C·H·W. */
  public int pixelsPerImage() {
    return channels * height * width;
  }

  /**
   * Every image zero-padded (pixel value 0 in every channel) to {@code height}×{@code width},
   * centred: the extra rows and columns are split evenly, the odd one going to the bottom/right.
   * 28×28 to 32×32 adds two pixels per side, as LeCun et al. 1998 (Proc. IEEE 86(11), §III.B)
   * padded MNIST for LeNet-5's 32×32 input; no pixel is interpolated, so the original image is
   * still there bit for bit.
   *
   * @throws IllegalArgumentException if the target is smaller than the images in either direction
   */
  public ImageDataset zeroPadded(String paddedName, int height, int width) {
    if (height < this.height || width < this.width) {
      throw new IllegalArgumentException("dataset " + name + ": cannot pad " + this.height + "x"
          + this.width + " images to " + height + "x" + width + " (padding only grows an image)");
    }
    int top = (height - this.height) / 2;
    int left = (width - this.width) / 2;
    float[][] padded = new float[images.length][];
    for (int i = 0; i < images.length; i++) {
      float[] out = new float[channels * height * width];
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < this.height; y++) {
          System.arraycopy(images[i], (c * this.height + y) * this.width, out,
              (c * height + y + top) * width + left, this.width);
        }
      }
      padded[i] = out;
    }
    return new ImageDataset(paddedName, channels, height, width, padded, labels.clone(),
        classNames);
  }

  /** A new dataset holding the given rows of this one, in that order (arrays shared, not copied). */
  public ImageDataset subset(String subsetName, int[] rows) {
    float[][] imgs = new float[rows.length][];
    int[] labs = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      imgs[i] = images[rows[i]];
      labs[i] = labels[rows[i]];
    }
    return new ImageDataset(subsetName, channels, height, width, imgs, labs, classNames);
  }
}
