package org.privmed.data.integrity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.privmed.data.DatasetException;

/**
 * A {@code SHA256SUMS} file in the format {@code sha256sum} writes and {@code sha256sum -c} reads:
 * one {@code <64 hex digits><space><space or *><relative path>} per line. Paths may contain spaces
 * (the brain-MRI set has {@code no/1 no.jpeg}), so everything after the two separator characters is
 * the name.
 *
 * @param folder the folder the relative paths are resolved against
 * @param digests relative path (with '/' separators) to lower-case hex SHA-256, in file order
 */
public record ChecksumManifest(Path folder, Map<String, String> digests) {

  public ChecksumManifest {
    digests = Collections.unmodifiableMap(new LinkedHashMap<>(digests));
  }

  /** Parses {@code manifestFile}; its folder is the base of the listed paths. */
  public static ChecksumManifest read(Path manifestFile) {
    String text;
    try {
      text = Files.readString(manifestFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DatasetException("cannot read checksum list " + manifestFile + ": " + e, e);
    }
    Map<String, String> digests = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      boolean wellFormed = line.length() > 66 && Sha256.isDigest(line.substring(0, 64))
          && line.charAt(64) == ' ' && (line.charAt(65) == ' ' || line.charAt(65) == '*');
      if (!wellFormed) {
        throw new DatasetException(manifestFile + " line " + (i + 1)
            + " is not '<sha256>  <path>': \"" + line + "\"");
      }
      String name = line.substring(66);
      if (digests.put(name, Sha256.normalize(line.substring(0, 64))) != null) {
        throw new DatasetException(manifestFile + " lists " + name + " twice");
      }
    }
    Path folder = manifestFile.toAbsolutePath().getParent();
    return new ChecksumManifest(folder, digests);
  }

  /** The recorded digest of {@code relativePath}, or an exception naming the manifest. */
  public String expectedDigest(String relativePath) {
    String digest = digests.get(relativePath);
    if (digest == null) {
      throw new DatasetException("no SHA-256 recorded for " + relativePath + " in "
          + folder.resolve("SHA256SUMS"));
    }
    return digest;
  }

  /** Checks one listed file (see {@link VerifiedFiles}); returns its path. */
  public Path verify(String relativePath) {
    Path file = folder.resolve(relativePath);
    VerifiedFiles.require(file, expectedDigest(relativePath));
    return file;
  }
}
