package org.privmed.data.npz;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Class names of the MedMNIST v2 2-D sets (Yang et al. 2023, "MedMNIST v2", Scientific Data
 * 10:41, Table 1 and the {@code INFO} table of the medmnist package), label index = position.
 * Files are recognised by their name, e.g. {@code bloodmnist.npz}, {@code bloodmnist_64.npz},
 * {@code bloodmnist_pbc28.npz}.
 */
final class MedMnistClasses {
  private static final List<String> ORGAN = List.of("bladder", "femur-left", "femur-right",
      "heart", "kidney-left", "kidney-right", "liver", "lung-left", "lung-right", "pancreas",
      "spleen");

  // Longest keys first so that e.g. "organamnist" is not mistaken for a shorter prefix.
  private static final Map<String, List<String>> KNOWN = Map.ofEntries(
      Map.entry("pathmnist", List.of("adipose", "background", "debris", "lymphocytes", "mucus",
          "smooth muscle", "normal colon mucosa", "cancer-associated stroma",
          "colorectal adenocarcinoma epithelium")),
      Map.entry("dermamnist", List.of("actinic keratoses and intraepithelial carcinoma",
          "basal cell carcinoma", "benign keratosis-like lesions", "dermatofibroma", "melanoma",
          "melanocytic nevi", "vascular lesions")),
      Map.entry("octmnist", List.of("choroidal neovascularization", "diabetic macular edema",
          "drusen", "normal")),
      Map.entry("pneumoniamnist", List.of("normal", "pneumonia")),
      Map.entry("retinamnist", List.of("grade 0", "grade 1", "grade 2", "grade 3", "grade 4")),
      Map.entry("breastmnist", List.of("malignant", "normal, benign")),
      Map.entry("bloodmnist", List.of("basophil", "eosinophil", "erythroblast",
          "immature granulocytes (myelocytes, metamyelocytes and promyelocytes)", "lymphocyte",
          "monocyte", "neutrophil", "platelet")),
      Map.entry("tissuemnist", List.of("Collecting Duct, Connecting Tubule",
          "Distal Convoluted Tubule", "Glomerular endothelial cells",
          "Interstitial endothelial cells", "Leukocytes", "Podocytes",
          "Proximal Tubule Segments", "Thick Ascending Limb")),
      Map.entry("organamnist", ORGAN),
      Map.entry("organcmnist", ORGAN),
      Map.entry("organsmnist", ORGAN));

  private MedMnistClasses() {}

  /** The MedMNIST flag a file name starts with (e.g. {@code bloodmnist}), if any. */
  static Optional<String> flagOf(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    return KNOWN.keySet().stream().filter(lower::startsWith).findFirst();
  }

  /** Known names for the file, if recognised and if they cover {@code numClasses} labels. */
  static Optional<List<String>> namesFor(String fileName, int numClasses) {
    return flagOf(fileName).map(KNOWN::get).filter(names -> names.size() >= numClasses);
  }

  /** "class 0" .. "class k-1", for files we do not recognise. */
  static List<String> generic(int numClasses) {
    return java.util.stream.IntStream.range(0, numClasses).mapToObj(i -> "class " + i).toList();
  }
}
