package org.privmed.encode.train;

import java.util.List;
import java.util.Objects;
import org.privmed.data.ImageDataset;
import org.privmed.encode.format.EncodedDataset;
import org.privmed.encode.neuracrypt.EncoderConfig;
import org.privmed.encode.neuracrypt.NeuraCryptEncoder;

/**
 * What the patch-set transformer trains on: per image, {@code patches} vectors of {@code width}
 * values (patch-major), with labels. Either a hospital's encodings or, as the control that isolates
 * the encoder's cost from the architecture's, the raw pixel patches of the same images.
 *
 * @param name e.g. {@code pneumoniamnist/train}
 * @param source where the vectors came from: a key fingerprint, or {@link #PLAINTEXT}
 * @param patches vectors per image
 * @param width values per vector
 * @param rows N rows of {@code patches × width} values
 * @param labels N class indices
 * @param classNames index = label
 * @param rowSources null when every row comes from {@code source}; else, for a union of hospitals
 *     whose {@code source} is their fingerprints joined by {@code +}, the index of each row's
 *     hospital in that list
 */
public record PatchSet(String name, String source, int patches, int width, float[][] rows,
    int[] labels, List<String> classNames, int[] rowSources) {

  /** {@link #source()} of raw pixel patches. */
  public static final String PLAINTEXT = "plaintext";

  public PatchSet {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(labels, "labels");
    classNames = List.copyOf(classNames);
    if (patches <= 0 || width <= 0) {
      throw new IllegalArgumentException("patch set " + name + ": " + patches + " patches of "
          + width + " values");
    }
    if (rows.length != labels.length) {
      throw new IllegalArgumentException("patch set " + name + ": " + rows.length
          + " rows but " + labels.length + " labels");
    }
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null || rows[i].length != patches * width) {
        throw new IllegalArgumentException("patch set " + name + ": row " + i + " has "
            + (rows[i] == null ? "no" : rows[i].length) + " values, expected " + patches * width);
      }
      if (labels[i] < 0 || labels[i] >= classNames.size()) {
        throw new IllegalArgumentException("patch set " + name + ": label " + labels[i]
            + " of row " + i + " is outside [0, " + classNames.size() + ")");
      }
    }
    if (rowSources != null) {
      int sources = source.split("\\+").length;
      if (rowSources.length != rows.length) {
        throw new IllegalArgumentException("patch set " + name + ": " + rowSources.length
            + " row sources for " + rows.length + " rows");
      }
      for (int i = 0; i < rowSources.length; i++) {
        if (rowSources[i] < 0 || rowSources[i] >= sources) {
          throw new IllegalArgumentException("patch set " + name + ": row " + i + " has source "
              + rowSources[i] + ", but " + source + " names " + sources);
        }
      }
    }
  }

  /** Rows that all come from {@code source}. */
  public PatchSet(String name, String source, int patches, int width, float[][] rows,
      int[] labels, List<String> classNames) {
    this(name, source, patches, width, rows, labels, classNames, null);
  }

  /** Where row {@code i} came from: its hospital's key fingerprint, or {@link #PLAINTEXT}. */
  public String sourceOf(int i) {
    return rowSources == null ? source : source.split("\\+")[rowSources[i]];
  }

  /** A hospital's encoded dataset as it is published. */
  public static PatchSet of(EncodedDataset d) {
    return new PatchSet(d.name(), d.keyFingerprint(), d.patches(), d.width(), d.encodings(),
        d.labels(), d.classNames());
  }

  /**
   * The images of {@code data} cut into the same k×k patches as {@code config}'s encoder sees,
   * unencoded and in grid order (the transformer ignores the order, so this gives it no position
   * either).
   */
  public static PatchSet plaintext(ImageDataset data, EncoderConfig config) {
    float[][] rows = new float[data.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = NeuraCryptEncoder.rawPatches(config, data.images()[i]);
    }
    return new PatchSet(data.name(), PLAINTEXT, config.patches(), config.patchValues(), rows,
        data.labels().clone(), data.classNames());
  }

  public int size() {
    return labels.length;
  }

  /** Throws unless {@code other} has this set's shape and classes. */
  void requireCompatible(PatchSet other) {
    if (other.patches() != patches || other.width() != width) {
      throw new IllegalArgumentException("patch set " + other.name() + " has " + other.patches()
          + " patches of " + other.width() + ", expected " + patches + " of " + width);
    }
    if (!other.classNames().equals(classNames)) {
      throw new IllegalArgumentException("patch set " + other.name() + " has classes "
          + other.classNames() + ", expected " + classNames);
    }
  }
}
