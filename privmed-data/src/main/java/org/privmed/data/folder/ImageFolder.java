package org.privmed.data.folder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.privmed.data.DatasetException;
import org.privmed.data.ImageDataset;

/**
 * An image-classification folder: one subfolder per class (class name = subfolder name), each
 * holding that class's images (JPEG, PNG, GIF or BMP, recognised by content). Classes are ordered
 * by subfolder name and images by file name (both by {@link String#compareTo}), so the label
 * numbering and the row order are the same on every machine. Hidden entries (names starting with
 * '.') are skipped; any other file that is not an image is refused, naming it.
 */
public final class ImageFolder {
  private ImageFolder() {}

  /** What a folder holds, before any image is decoded. */
  public record Listing(Path root, List<String> classNames, List<Path> files, int[] labels) {
    public Listing {
      classNames = List.copyOf(classNames);
      files = List.copyOf(files);
      labels = labels.clone();
    }

    public int size() {
      return files.size();
    }

    @Override
    public int[] labels() {
      return labels.clone();
    }
  }

  /** True if {@code dir} has at least one non-hidden subfolder. */
  public static boolean looksLikeImageFolder(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.anyMatch(p -> Files.isDirectory(p) && !hidden(p));
    } catch (IOException e) {
      return false;
    }
  }

  /** Lists classes and files in their deterministic order; decodes nothing. */
  public static Listing scan(Path root) {
    List<Path> classDirs = sortedChildren(root, true);
    if (classDirs.isEmpty()) {
      throw new DatasetException(root + " has no class subfolders (expected one folder per class)");
    }
    List<String> names = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Path dir : classDirs) {
      List<Path> images = sortedChildren(dir, false);
      if (images.isEmpty()) {
        throw new DatasetException("class folder " + dir + " holds no images");
      }
      for (Path image : images) {
        files.add(image);
        labels.add(names.size());
      }
      names.add(dir.getFileName().toString());
    }
    return new Listing(root, names, files, labels.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Decodes and resizes every image of {@code listing}. */
  public static ImageDataset read(Listing listing, FolderOptions options, String name) {
    int[] all = new int[listing.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return read(listing, all, options, name);
  }

  /** Decodes and resizes the listed images at positions {@code rows}, in that order. */
  public static ImageDataset read(Listing listing, int[] rows, FolderOptions options, String name) {
    int channels = options.colour().channels();
    int plane = options.height() * options.width();
    float[][] images = new float[rows.length][];
    int[] labels = new int[rows.length];
    int[] allLabels = listing.labels();
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] < 0 || rows[i] >= listing.size()) {
        throw new IllegalArgumentException("row " + rows[i] + " is outside the folder's "
            + listing.size() + " images");
      }
      Path file = listing.files().get(rows[i]);
      ImageDecoder.Decoded decoded = ImageDecoder.decode(file, options.colour());
      float[] image = new float[channels * plane];
      for (int c = 0; c < channels; c++) {
        float[] resized = AreaResize.resize(decoded.planes()[c], decoded.height(),
            decoded.width(), options.height(), options.width());
        System.arraycopy(resized, 0, image, c * plane, plane);
      }
      images[i] = image;
      labels[i] = allLabels[rows[i]];
    }
    return new ImageDataset(name, channels, options.height(), options.width(), images, labels,
        listing.classNames());
  }

  /** Convenience: {@link #scan} then {@link #read(Listing, FolderOptions, String)}. */
  public static ImageDataset read(Path root, FolderOptions options, String name) {
    return read(scan(root), options, name);
  }

  private static List<Path> sortedChildren(Path dir, boolean directories) {
    if (!Files.isDirectory(dir)) {
      throw new DatasetException(dir + " is not a folder");
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.filter(p -> !hidden(p))
          .filter(p -> directories ? Files.isDirectory(p) : Files.isRegularFile(p))
          .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new DatasetException("cannot list " + dir + ": " + e, e);
    }
  }

  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }
}
