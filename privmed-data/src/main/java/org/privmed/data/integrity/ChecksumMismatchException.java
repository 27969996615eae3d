package org.privmed.data.integrity;

import java.nio.file.Path;
import org.privmed.data.DatasetException;

/**
 * A file's SHA-256 differs from the recorded one: the file is corrupt, truncated or was replaced.
 * Carries the three facts a user needs to act on it: which file, what was expected, what was found.
 */
public final class ChecksumMismatchException extends DatasetException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String expected;
  private final String actual;

  public ChecksumMismatchException(Path file, String expected, String actual, long size) {
    super("checksum mismatch for " + file + " (" + size + " bytes): expected SHA-256 " + expected
        + ", actual " + actual + "; the file is corrupt, truncated or was replaced."
        + " Restore it from the repository (git checkout -- <file>) before using it.");
    this.file = file;
    this.expected = expected;
    this.actual = actual;
  }

  public Path file() {
    return file;
  }

  public String expected() {
    return expected;
  }

  public String actual() {
    return actual;
  }
}
