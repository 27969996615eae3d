package org.privmed.data.catalog;

import java.nio.file.Path;
import java.util.List;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.folder.FolderOptions;

/**
 * The one call every pipeline uses to get data: {@code Datasets.load("pneumoniamnist",
 * Split.TEST)}. A name is either a shipped dataset ({@code mnist}, {@code pneumoniamnist}, {@code
 * breastmnist}, {@code bloodmnist-pbc}, {@code brain-mri}) or a path to a MedMNIST .npz file, a
 * folder of MNIST IDX files, or an image folder (one subfolder per class); either may end in
 * {@code @padS} to zero-pad every image to S×S ({@link DatasetSpec}), e.g. {@code
 * bloodmnist-pbc@pad32} for the 32×32×3 input of {@code cryptonets-all}.
 *
 * <p>The {@code data/} folder is found through {@link DataCatalog#locate()} on every call, so a
 * {@code privmed.home} property set after start-up is honoured. Nothing is ever downloaded.
 */
public final class Datasets {
  private Datasets() {}

  /**
   * One split, pixels in [0, 1], C×H×W. Shipped files are SHA-256-checked first (once per process
   * per file). Image folders (brain-mri) come as 64×64 grayscale.
   *
   * @throws org.privmed.data.DatasetException for an unknown name, a missing, corrupt (checksum
   *     mismatch: {@link org.privmed.data.integrity.ChecksumMismatchException}), truncated or
   *     malformed file
   */
  public static ImageDataset load(String nameOrPath, Split split) {
    return DataCatalog.locate().load(nameOrPath, split);
  }

  /** As {@link #load(String, Split)}, with the size and colour mode for image folders. */
  public static ImageDataset load(String nameOrPath, Split split, FolderOptions folderOptions) {
    return DataCatalog.locate().load(nameOrPath, split, folderOptions);
  }

  /** Every example (for k-fold cross-validation), see {@link DataCatalog#loadAll}. */
  public static ImageDataset loadAll(String nameOrPath, FolderOptions folderOptions) {
    return DataCatalog.locate().loadAll(nameOrPath, folderOptions);
  }

  /** Every example with the default image-folder options (64×64 grayscale). */
  public static ImageDataset loadAll(String nameOrPath) {
    return loadAll(nameOrPath, DataCatalog.DEFAULT_FOLDER_OPTIONS);
  }

  /** The shipped datasets, their licences, citations and split rules. */
  public static List<DatasetInfo> shipped() {
    return DataCatalog.shipped();
  }

  /** The shipped dataset called {@code name}. */
  public static DatasetInfo info(String name) {
    return DataCatalog.info(name);
  }

  /** The {@code data/} folder in use. */
  public static Path dataDir() {
    return DataCatalog.locate().dataDir();
  }
}
