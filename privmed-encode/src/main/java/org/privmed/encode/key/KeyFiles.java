package org.privmed.encode.key;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * Key files: one line {@code privmed-encode-key v1 <64 hex digits>}, created owner-read/write only
 * (0600) where the file system has POSIX permissions, and refused on load if group or others may
 * read it — the key is the whole secret of the scheme, so it is treated like an SSH private key.
 */
public final class KeyFiles {
  private static final String PREFIX = "privmed-encode-key v1 ";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private KeyFiles() {}

  /**
   * Writes {@code key} to a new file.
   *
   * @throws FileAlreadyExistsException if {@code file} exists and {@code force} is false
   */
  public static void write(EncoderKey key, Path file, boolean force) throws IOException {
    if (Files.exists(file) && !force) {
      throw new FileAlreadyExistsException(file.toString(), null,
          "key file exists; refusing to overwrite it without force");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Path tmp = parent.resolve(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    byte[] line = (PREFIX + HexFormat.of().formatHex(key.bytes()) + "\n")
        .getBytes(StandardCharsets.US_ASCII);
    if (posix(parent)) {
      FileAttribute<Set<PosixFilePermission>> attr =
          PosixFilePermissions.asFileAttribute(OWNER_ONLY);
      Files.createFile(tmp, attr);
      // createFile's mode is filtered by the umask; set it again explicitly.
      Files.setPosixFilePermissions(tmp, OWNER_ONLY);
    } else {
      Files.createFile(tmp);
    }
    Files.write(tmp, line, StandardOpenOption.TRUNCATE_EXISTING);
    Arrays.fill(line, (byte) 0);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads a key file.
   *
   * @throws IOException if the file is missing, readable by group/others, or not a key file
   */
  public static EncoderKey read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("key file " + file + " does not exist or is not a regular file");
    }
    if (posix(file)) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      for (PosixFilePermission p : perms) {
        if (!p.name().startsWith("OWNER")) {
          throw new IOException("key file " + file + " has permissions "
              + PosixFilePermissions.toString(perms)
              + "; refusing a key that others can read (chmod 600 it)");
        }
      }
    }
    if (Files.size(file) > 256) {
      throw new IOException("key file " + file + " is " + Files.size(file)
          + " bytes; a key file is one short line");
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    if (!text.startsWith(PREFIX)) {
      throw new IOException("key file " + file + " does not start with '" + PREFIX.strip() + "'");
    }
    String hex = text.substring(PREFIX.length());
    if (hex.length() != 2 * EncoderKey.LENGTH) {
      throw new IOException("key file " + file + " holds " + hex.length()
          + " hex digits, expected " + 2 * EncoderKey.LENGTH);
    }
    byte[] bytes;
    try {
      bytes = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IOException("key file " + file + " holds non-hex characters", e);
    }
    EncoderKey key = EncoderKey.of(bytes);
    Arrays.fill(bytes, (byte) 0);
    return key;
  }

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
