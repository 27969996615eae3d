package org.privmed.data.catalog;

import java.util.List;

/**
 * What the catalog says about a shipped dataset, for listings and reports.
 *
 * @param name the name users type ({@code mnist}, {@code bloodmnist-pbc}, ...)
 * @param displayName the name for report headings; for {@code bloodmnist-pbc} it says that the
 *     split is not the official BloodMNIST one
 * @param folder the folder under {@code data/} holding the files, README.md and SHA256SUMS
 * @param files the data files this set reads, relative to {@code folder} (for the brain-MRI set,
 *     its two class folders)
 * @param shape the image shape as C×H×W (for image folders, the default load size)
 * @param classNames label index to class name
 * @param splits how the train / val / test parts are obtained
 * @param licence the licence the data is distributed under
 * @param citation what to cite when reporting results on it
 */
public record DatasetInfo(
    String name, String displayName, String folder, List<String> files, String shape,
    List<String> classNames, String splits, String licence, String citation) {

  public DatasetInfo {
    files = List.copyOf(files);
    classNames = List.copyOf(classNames);
  }
}
