package org.privmed.data.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.privmed.data.DatasetException;
import org.privmed.data.ImageDataset;

/**
 * What a {@code --data} string names: a shipped dataset or a path, optionally followed by
 * {@code @padS}, which zero-pads every image to S×S ({@link ImageDataset#zeroPadded}). The view is
 * part of the name, so every command that loads data takes it ({@code privmed train --data
 * bloodmnist-pbc@pad32}), and the dataset names it produces carry it ({@code
 * bloodmnist-pbc@pad32/train}), so a model's recorded training data loads the same way again in
 * {@code compile}, {@code serve} and {@code bench}.
 *
 * <p>A name that is itself a shipped dataset or an existing file is never split, so a file whose
 * name contains {@code @pad} still loads as it is.
 *
 * @param base the shipped name or path
 * @param padTo the side to zero-pad to, or 0 for the images as stored
 */
public record DatasetSpec(String base, int padTo) {
  /** Larger sides are refused: a 3-channel 1024×1024 image is already 12 MB of floats. */
  static final int MAX_SIDE = 1024;

  private static final Pattern PAD = Pattern.compile("^(.+)@pad(\\d{1,4})$");

  public DatasetSpec {
    if (base == null || base.isBlank()) {
      throw new DatasetException("empty dataset name");
    }
    if (padTo < 0 || padTo > MAX_SIDE) {
      throw new DatasetException("@pad size must be in [1, " + MAX_SIDE + "], got " + padTo);
    }
  }

  /** Splits {@code "NAME@padS"}; anything else is a plain name. */
  public static DatasetSpec parse(String nameOrPath) {
    if (nameOrPath == null || nameOrPath.isBlank()) {
      throw new DatasetException("empty dataset name");
    }
    if (Shipped.byName(nameOrPath) != null || Files.exists(Path.of(nameOrPath))) {
      return new DatasetSpec(nameOrPath, 0);
    }
    Matcher m = PAD.matcher(nameOrPath);
    if (!m.matches()) {
      if (nameOrPath.contains("@")) {
        int at = nameOrPath.lastIndexOf('@');
        String view = nameOrPath.substring(at + 1);
        if (view.startsWith("pad") || Shipped.byName(nameOrPath.substring(0, at)) != null) {
          throw new DatasetException("unknown dataset view '@" + view + "' in '" + nameOrPath
              + "'; the only view is @padS (zero-pad every image to S x S, e.g. "
              + nameOrPath.substring(0, at) + "@pad32)");
        }
      }
      return new DatasetSpec(nameOrPath, 0);
    }
    int side = Integer.parseInt(m.group(2));
    if (side < 1) {
      throw new DatasetException("@pad size must be in [1, " + MAX_SIDE + "], got " + side
          + " in '" + nameOrPath + "'");
    }
    return new DatasetSpec(m.group(1), side);
  }

  /** The suffix this view adds to names, {@code "@pad32"}, or "" for none. */
  public String suffix() {
    return padTo == 0 ? "" : "@pad" + padTo;
  }

  /** The loaded base set seen through this view, its name carrying the view after the set's key. */
  ImageDataset apply(ImageDataset loaded) {
    if (padTo == 0) {
      return loaded;
    }
    String name = loaded.name();
    int slash = name.indexOf('/');
    String viewed = slash < 0 ? name + suffix()
        : name.substring(0, slash) + suffix() + name.substring(slash);
    try {
      return loaded.zeroPadded(viewed, padTo, padTo);
    } catch (IllegalArgumentException e) {
      throw new DatasetException(base + suffix() + ": " + e.getMessage(), e);
    }
  }

  /** The catalog entry of the base set, its name, display name and shape adjusted to the view. */
  DatasetInfo apply(DatasetInfo info) {
    if (padTo == 0) {
      return info;
    }
    String channels = info.shape().replaceFirst("x.*$", "");
    return new DatasetInfo(info.name() + suffix(), info.displayName() + ", zero-padded to "
        + padTo + "x" + padTo, info.folder(), info.files(), channels + "x" + padTo + "x" + padTo,
        info.classNames(), info.splits(), info.licence(), info.citation());
  }
}
