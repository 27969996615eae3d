package org.privmed.data.catalog;

import java.util.List;
import org.privmed.data.idx.MnistFiles;

/**
 * The datasets committed under {@code data/}. Each folder's SHA256SUMS is pinned here by its own
 * SHA-256, so the trust chain starts in the code: pinned digest → SHA256SUMS → each data file.
 * Changing a data file therefore needs a new SHA256SUMS and a new pinned digest in this file.
 */
enum Shipped {
  MNIST("mnist", "MNIST handwritten digits", "mnist",
      "abca1685336e37aa33a42b8e8886e04e9bd739abb9c10b4340fdb3be3218f9e7",
      List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
          "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
      "1x28x28", MnistFiles.DIGITS,
      "official 60,000 train / 10,000 test; VAL = a seeded (seed " + Splits.SEED + ") uniform"
          + " random 5,000 of the 60,000 training images, TRAIN = the other 55,000",
      "no explicit licence on the original page; catalogs list CC BY-SA 3.0",
      "LeCun, Bottou, Bengio & Haffner 1998, Proc. IEEE 86(11):2278-2324"),
  PNEUMONIAMNIST("pneumoniamnist", "PneumoniaMNIST (MedMNIST v2)", "medmnist",
      Shipped.MEDMNIST_SUMS, List.of("pneumoniamnist.npz"), "1x28x28",
      List.of("normal", "pneumonia"),
      "official MedMNIST v2 split: 4,708 train / 524 val / 624 test", "CC BY 4.0",
      "Yang et al. 2023, MedMNIST v2, Scientific Data 10:41; Kermany et al. 2018, Cell 172(5)"),
  BREASTMNIST("breastmnist", "BreastMNIST (MedMNIST v2)", "medmnist", Shipped.MEDMNIST_SUMS,
      List.of("breastmnist.npz"), "1x28x28", List.of("malignant", "normal, benign"),
      "official MedMNIST v2 split: 546 train / 78 val / 156 test", "CC BY 4.0",
      "Yang et al. 2023, MedMNIST v2, Scientific Data 10:41; Al-Dhabyani et al. 2020,"
          + " Data in Brief 28:104863"),
  BLOODMNIST_PBC("bloodmnist-pbc",
      "BloodMNIST-PBC28 (rebuilt from PBC; NOT the official BloodMNIST split)", "medmnist",
      Shipped.MEDMNIST_SUMS, List.of("bloodmnist_pbc28.npz", "bloodmnist_pbc28_manifest.csv"),
      "3x28x28", List.of("basophil", "eosinophil", "erythroblast",
          "immature granulocytes (myelocytes, metamyelocytes and promyelocytes)", "lymphocyte",
          "monocyte", "neutrophil", "platelet"),
      "11,959 train / 1,712 val / 3,421 test with the official per-class counts, but its own"
          + " seed-0 random assignment: NOT the official BloodMNIST split, results are not"
          + " directly comparable with published BloodMNIST figures",
      "CC BY 4.0 (PBC images and MedMNIST preprocessing)",
      "Acevedo et al. 2020, Data in Brief 30:105474; Yang et al. 2023, Scientific Data 10:41"),
  BRAIN_MRI("brain-mri", "Brain MRI tumour detection (Chakrabarty 2019)", "brain_tumor_dataset",
      "9ad2c331b22b28acfd7416fb5732cdbc1ff887d833c7f2b8e52bebe2ea57bb79", List.of("no", "yes"),
      "1x64x64 by default (any size, grayscale or RGB)", List.of("no", "yes"),
      "no official split (253 images: 98 no, 155 yes); seeded (seed " + Splits.SEED
          + ") stratified 70/10/20 train/val/test, or KFold.stratified over loadAll",
      "none stated (Kaggle lists \"Unknown\"): research and testing only",
      "N. Chakrabarty, Brain MRI Images for Brain Tumor Detection, Kaggle, 2019");

  private static final String MEDMNIST_SUMS =
      "b9a8964b74272ef91d85aff012785735adb7f121165b0076666bce299e8e99d3";

  final String key;
  final String displayName;
  final String folder;
  final String manifestSha256;
  final List<String> files;
  final String shape;
  final List<String> classNames;
  final String splits;
  final String licence;
  final String citation;

  Shipped(String key, String displayName, String folder, String manifestSha256,
      List<String> files, String shape, List<String> classNames, String splits, String licence,
      String citation) {
    this.key = key;
    this.displayName = displayName;
    this.folder = folder;
    this.manifestSha256 = manifestSha256;
    this.files = files;
    this.shape = shape;
    this.classNames = classNames;
    this.splits = splits;
    this.licence = licence;
    this.citation = citation;
  }

  /** Appended to every dataset name this set produces, so reports carry it. */
  String reportSuffix() {
    return this == BLOODMNIST_PBC ? " (not the official BloodMNIST split)" : "";
  }

  DatasetInfo info() {
    return new DatasetInfo(key, displayName, folder, files, shape, classNames, splits, licence,
        citation);
  }

  static Shipped byName(String name) {
    for (Shipped s : values()) {
      if (s.key.equalsIgnoreCase(name)) {
        return s;
      }
    }
    return null;
  }
}
