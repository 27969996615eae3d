package org.privmed.data.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.privmed.data.DatasetException;

/** SHA-256 (FIPS 180-4) of files, as lower-case hex like {@code sha256sum} prints it. */
public final class Sha256 {
  private Sha256() {}

  /** The hex digest of the file's bytes. */
  public static String of(Path file) {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new DatasetException("cannot read " + file + " to check its SHA-256: " + e, e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The hex digest of {@code bytes}. */
  public static String of(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  /** True if {@code hex} is 64 hex digits; compare case-insensitively via {@link #normalize}. */
  static boolean isDigest(String hex) {
    return hex.length() == 64 && hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0);
  }

  static String normalize(String hex) {
    return hex.toLowerCase(Locale.ROOT);
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
