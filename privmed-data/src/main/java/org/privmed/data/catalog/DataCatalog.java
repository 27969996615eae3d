package org.privmed.data.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.privmed.data.DatasetException;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.folder.ColourMode;
import org.privmed.data.folder.FolderOptions;
import org.privmed.data.folder.ImageFolder;
import org.privmed.data.idx.MnistFiles;
import org.privmed.data.integrity.ChecksumManifest;
import org.privmed.data.integrity.VerifiedFiles;
import org.privmed.data.npz.MedMnistNpz;
import org.privmed.data.split.SplitIndices;

/**
 * The datasets under one {@code data/} folder, plus whatever paths users name. Shipped files are
 * checked against their SHA-256 before they are parsed (see {@link Shipped} for the trust chain);
 * user files are not (there is nothing to check them against), but every reader still refuses
 * truncated or malformed content.
 *
 * <p>{@link Datasets} is the static front door that finds the folder itself; use this class
 * directly to point at another folder (tests, relocated installs).
 */
public final class DataCatalog {
  /** Default size and colour for image folders, the brain-MRI set included. */
  public static final FolderOptions DEFAULT_FOLDER_OPTIONS = FolderOptions.square(64,
      ColourMode.GRAYSCALE);

  private static final String MANIFEST = "SHA256SUMS";

  // Parsed whole files, kept softly: loading TRAIN then VAL of MNIST parses the 47 MB file once,
  // yet the memory can be reclaimed when training needs it.
  private static final Map<String, SoftReference<ImageDataset>> PARSED = new ConcurrentHashMap<>();

  private final Path dataDir;

  private DataCatalog(Path dataDir) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
  }

  /** A catalog over {@code dataDir}, the folder holding {@code mnist/}, {@code medmnist/}, ... */
  public static DataCatalog at(Path dataDir) {
    if (!Files.isDirectory(dataDir)) {
      throw new DatasetException("data folder " + dataDir + " does not exist");
    }
    return new DataCatalog(dataDir);
  }

  /**
   * Finds {@code data/}: under the system property {@code privmed.home} if set (the launcher sets
   * it), else in the working directory or the nearest parent that has a {@code data/} folder with
   * a shipped dataset's SHA256SUMS.
   */
  public static DataCatalog locate() {
    String home = System.getProperty("privmed.home");
    if (home != null && !home.isBlank()) {
      Path dir = Path.of(home).resolve("data");
      if (!isDataDir(dir)) {
        throw new DatasetException("privmed.home=" + home + " has no data/ folder with shipped"
            + " datasets (expected e.g. " + dir.resolve("mnist").resolve(MANIFEST) + ")");
      }
      return new DataCatalog(dir);
    }
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      if (isDataDir(p.resolve("data"))) {
        return new DataCatalog(p.resolve("data"));
      }
    }
    throw new DatasetException("cannot find the PrivMed data/ folder: -Dprivmed.home is not set"
        + " and no parent of " + start + " has data/<dataset>/" + MANIFEST
        + "; run from the repository or through bin/privmed");
  }

  private static boolean isDataDir(Path dir) {
    return Arrays.stream(Shipped.values())
        .anyMatch(s -> Files.isRegularFile(dir.resolve(s.folder).resolve(MANIFEST)));
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The shipped datasets in catalog order. */
  public static List<DatasetInfo> shipped() {
    return Arrays.stream(Shipped.values()).map(Shipped::info).toList();
  }

  /** The shipped dataset called {@code name}, or an exception listing the valid names. */
  public static DatasetInfo info(String name) {
    DatasetSpec spec = DatasetSpec.parse(name);
    return spec.apply(shippedOrThrow(spec.base()).info());
  }

  /** Loads one split with the default image-folder options. See {@link Datasets#load}. */
  public ImageDataset load(String nameOrPath, Split split) {
    return load(nameOrPath, split, DEFAULT_FOLDER_OPTIONS);
  }

  /** Loads one split; {@code folderOptions} applies to image folders only. */
  public ImageDataset load(String nameOrPath, Split split, FolderOptions folderOptions) {
    DatasetSpec spec = DatasetSpec.parse(nameOrPath);
    Shipped shipped = Shipped.byName(spec.base());
    if (shipped != null) {
      return spec.apply(loadShipped(shipped, split, folderOptions));
    }
    return spec.apply(loadPath(resolveUserPath(spec.base()), split, folderOptions));
  }

  /**
   * Every example of the set, for cross-validation: image folders in listing order; MNIST as its
   * 60,000 training then 10,000 test images; .npz files as train, val, test concatenated.
   */
  public ImageDataset loadAll(String nameOrPath, FolderOptions folderOptions) {
    DatasetSpec spec = DatasetSpec.parse(nameOrPath);
    return spec.apply(loadAllStored(spec.base(), folderOptions));
  }

  private ImageDataset loadAllStored(String nameOrPath, FolderOptions folderOptions) {
    Shipped shipped = Shipped.byName(nameOrPath);
    if (shipped == Shipped.BRAIN_MRI) {
      ImageFolder.Listing listing = verifiedListing(shipped);
      return ImageFolder.read(listing, folderOptions, shipped.key + "/all");
    }
    if (shipped == null) {
      Path path = resolveUserPath(nameOrPath);
      if (Files.isDirectory(path) && !MnistFiles.looksLikeMnistFolder(path)) {
        return ImageFolder.read(path, folderOptions, path.getFileName() + "/all");
      }
    }
    List<ImageDataset> parts = new ArrayList<>();
    if (shipped == Shipped.MNIST || (shipped == null
        && MnistFiles.looksLikeMnistFolder(resolveUserPath(nameOrPath)))) {
      Path dir = shipped == null ? resolveUserPath(nameOrPath) : shippedFolder(shipped);
      if (shipped != null) {
        verifyShipped(shipped);
      }
      parts.add(parsedIdx(dir, true));
      parts.add(parsedIdx(dir, false));
    } else {
      for (Split s : Split.values()) {
        parts.add(load(nameOrPath, s, folderOptions));
      }
    }
    String base = shipped != null ? shipped.key : resolveUserPath(nameOrPath).getFileName()
        .toString();
    return concat(base + "/all" + (shipped != null ? shipped.reportSuffix() : ""), parts);
  }

  /**
   * Checks every file of a shipped dataset against its SHA-256 and returns the files checked;
   * throws {@link org.privmed.data.integrity.ChecksumMismatchException} on the first mismatch.
   */
  public List<Path> verify(String name) {
    return verifyShipped(shippedOrThrow(name));
  }

  // ---------------------------------------------------------------------------------------------

  private ImageDataset loadShipped(Shipped s, Split split, FolderOptions folderOptions) {
    String name = s.key + Splits.suffix(split) + s.reportSuffix();
    switch (s) {
      case MNIST -> {
        ChecksumManifest manifest = manifest(s);
        boolean train = split != Split.TEST;
        for (String f : s.files) {
          if (f.startsWith(train ? "train" : "t10k")) {
            manifest.verify(f);
          }
        }
        return idxSplit(shippedFolder(s), split, name);
      }
      case PNEUMONIAMNIST, BREASTMNIST, BLOODMNIST_PBC -> {
        Path npz = manifest(s).verify(s.files.get(0));
        return MedMnistNpz.load(npz, split, name);
      }
      case BRAIN_MRI -> {
        ImageFolder.Listing listing = verifiedListing(s);
        SplitIndices parts = Splits.folder(listing.labels());
        return ImageFolder.read(listing, parts.of(split), folderOptions, name);
      }
      default -> throw new IllegalStateException("unhandled shipped dataset " + s);
    }
  }

  private ImageDataset loadPath(Path path, Split split, FolderOptions folderOptions) {
    String name = path.getFileName() + Splits.suffix(split);
    if (Files.isRegularFile(path)) {
      if (!startsWithZipMagic(path)) {
        throw new DatasetException(path + " is not a .npz (zip) file; give a MedMNIST .npz,"
            + " a folder of MNIST IDX files or an image folder");
      }
      return MedMnistNpz.load(path, split, name);
    }
    if (MnistFiles.looksLikeMnistFolder(path)) {
      return idxSplit(path, split, name);
    }
    ImageFolder.Listing listing = ImageFolder.scan(path);
    return ImageFolder.read(listing, Splits.folder(listing.labels()).of(split), folderOptions,
        name);
  }

  private ImageDataset idxSplit(Path dir, Split split, String name) {
    if (split == Split.TEST) {
      return parsedIdx(dir, false).subset(name, identity(parsedIdx(dir, false).size()));
    }
    ImageDataset train = parsedIdx(dir, true);
    SplitIndices parts = Splits.idxTrainVal(train.size());
    return train.subset(name, split == Split.TRAIN ? parts.train() : parts.val());
  }

  private ImageDataset parsedIdx(Path dir, boolean train) {
    Path images = MnistFiles.file(dir, train, true);
    String key = cacheKey(images);
    SoftReference<ImageDataset> ref = PARSED.get(key);
    ImageDataset cached = ref == null ? null : ref.get();
    if (cached != null) {
      return cached;
    }
    ImageDataset parsed = MnistFiles.read(dir, train, dir.getFileName() + (train ? "/train-file"
        : "/test-file"));
    PARSED.put(key, new SoftReference<>(parsed));
    return parsed;
  }

  private static String cacheKey(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return file.toRealPath() + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
    } catch (IOException e) {
      throw new DatasetException("cannot read " + file + ": " + e, e);
    }
  }

  private ImageFolder.Listing verifiedListing(Shipped s) {
    ChecksumManifest manifest = manifest(s);
    ImageFolder.Listing listing = ImageFolder.scan(shippedFolder(s));
    TreeSet<String> listed = new TreeSet<>();
    for (Path file : listing.files()) {
      String rel = shippedFolder(s).relativize(file).toString().replace('\\', '/');
      listed.add(rel);
      manifest.verify(rel);
    }
    TreeSet<String> missing = new TreeSet<>(manifest.digests().keySet());
    missing.removeAll(listed);
    if (!missing.isEmpty()) {
      throw new DatasetException(s.key + ": " + missing.size() + " file(s) listed in "
          + shippedFolder(s).resolve(MANIFEST) + " are missing, e.g. " + missing.first());
    }
    return listing;
  }

  private List<Path> verifyShipped(Shipped s) {
    ChecksumManifest manifest = manifest(s);
    List<Path> checked = new ArrayList<>();
    checked.add(shippedFolder(s).resolve(MANIFEST));
    if (s == Shipped.BRAIN_MRI) {
      verifiedListing(s).files().forEach(checked::add);
    } else {
      for (String f : s.files) {
        checked.add(manifest.verify(f));
      }
    }
    return checked;
  }

  private ChecksumManifest manifest(Shipped s) {
    Path file = shippedFolder(s).resolve(MANIFEST);
    VerifiedFiles.require(file, s.manifestSha256);
    return ChecksumManifest.read(file);
  }

  private Path shippedFolder(Shipped s) {
    return dataDir.resolve(s.folder);
  }

  private static Shipped shippedOrThrow(String name) {
    Shipped s = Shipped.byName(name);
    if (s == null) {
      throw new DatasetException("unknown dataset '" + name + "'; shipped datasets are "
          + Arrays.stream(Shipped.values()).map(x -> x.key).toList());
    }
    return s;
  }

  private static Path resolveUserPath(String nameOrPath) {
    Path path = Path.of(nameOrPath);
    if (!Files.exists(path)) {
      throw new DatasetException("unknown dataset '" + nameOrPath + "': not a shipped dataset "
          + Arrays.stream(Shipped.values()).map(x -> x.key).toList()
          + " and no such file or folder");
    }
    return path.toAbsolutePath().normalize();
  }

  private static boolean startsWithZipMagic(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      return head.length == 4 && head[0] == 'P' && head[1] == 'K';
    } catch (IOException e) {
      throw new DatasetException("cannot read " + file + ": " + e, e);
    }
  }

  private static int[] identity(int n) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i;
    }
    return rows;
  }

  private static ImageDataset concat(String name, List<ImageDataset> parts) {
    ImageDataset first = parts.get(0);
    int n = parts.stream().mapToInt(ImageDataset::size).sum();
    float[][] images = new float[n][];
    int[] labels = new int[n];
    int at = 0;
    for (ImageDataset p : parts) {
      if (p.channels() != first.channels() || p.height() != first.height()
          || p.width() != first.width() || !p.classNames().equals(first.classNames())) {
        throw new DatasetException(name + ": parts " + first.name() + " and " + p.name()
            + " differ in shape or classes");
      }
      System.arraycopy(p.images(), 0, images, at, p.size());
      System.arraycopy(p.labels(), 0, labels, at, p.size());
      at += p.size();
    }
    return new ImageDataset(name, first.channels(), first.height(), first.width(), images, labels,
        first.classNames());
  }
}
