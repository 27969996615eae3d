package org.privmed.data.integrity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.privmed.data.DatasetException;

/**
 * Checks files against known SHA-256 digests before anything parses them, and remembers each
 * success for the rest of the process so that loading a split twice hashes the file once.
 *
 * <p>A remembered success is keyed by the file's real path together with its size and
 * modification time: if either changes (the file was rewritten or truncated after the check), the
 * file is hashed again. That does not defend against an adversary who restores the timestamp; the
 * checksums are there to catch damaged downloads and partial copies, not attacks.
 */
public final class VerifiedFiles {
  private record Stamp(Path realPath, long size, long modifiedMillis, String digest) {}

  private static final Map<Stamp, Boolean> VERIFIED = new ConcurrentHashMap<>();

  private VerifiedFiles() {}

  /**
   * Returns normally if {@code file}'s SHA-256 is {@code expectedHex}; otherwise throws a
   * {@link ChecksumMismatchException} naming the file, the expected and the actual digest.
   */
  public static void require(Path file, String expectedHex) {
    if (!Sha256.isDigest(expectedHex)) {
      throw new IllegalArgumentException("expected digest \"" + expectedHex
          + "\" for " + file + " is not 64 hex digits");
    }
    String expected = Sha256.normalize(expectedHex);
    Stamp stamp = stamp(file, expected);
    if (VERIFIED.containsKey(stamp)) {
      return;
    }
    String actual = Sha256.of(file);
    if (!actual.equals(expected)) {
      throw new ChecksumMismatchException(file, expected, actual, stamp.size());
    }
    VERIFIED.put(stamp, Boolean.TRUE);
  }

  private static Stamp stamp(Path file, String digest) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        throw new DatasetException(file + " is not a regular file");
      }
      return new Stamp(file.toRealPath(), attributes.size(),
          attributes.lastModifiedTime().toMillis(), digest);
    } catch (NoSuchFileException e) {
      throw new DatasetException("missing data file " + file
          + " (it should be in the repository's data/ folder)", e);
    } catch (IOException e) {
      throw new DatasetException("cannot read " + file + ": " + e, e);
    }
  }
}
