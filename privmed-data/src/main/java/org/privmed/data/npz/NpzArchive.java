package org.privmed.data.npz;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.privmed.data.DatasetException;

/**
 * A .npz file: a zip archive (stored or deflated, as {@code numpy.savez} and {@code
 * numpy.savez_compressed} write it) of {@code <key>.npy} entries. Each entry's CRC-32 is checked
 * after reading, so a damaged user file is refused even where no SHA-256 is on record for it.
 */
final class NpzArchive implements AutoCloseable {
  private final Path file;
  private final ZipFile zip;

  private NpzArchive(Path file, ZipFile zip) {
    this.file = file;
    this.zip = zip;
  }

  static NpzArchive open(Path file) {
    try {
      return new NpzArchive(file, new ZipFile(file.toFile()));
    } catch (ZipException e) {
      throw new DatasetException(file + ": not a readable .npz (zip) archive, corrupt or truncated ("
          + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new DatasetException("cannot open " + file + ": " + e, e);
    }
  }

  /** The array keys, i.e. entry names without {@code .npy}, sorted. */
  List<String> keys() {
    List<String> keys = new ArrayList<>();
    zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".npy"))
        .forEach(n -> keys.add(n.substring(0, n.length() - 4)));
    Collections.sort(keys);
    return keys;
  }

  boolean has(String key) {
    return zip.getEntry(key + ".npy") != null;
  }

  NpyArray read(String key) {
    ZipEntry entry = zip.getEntry(key + ".npy");
    String name = file.getFileName() + ":" + key;
    if (entry == null) {
      throw new DatasetException(file + " has no array '" + key + "' (it has " + keys() + ")");
    }
    try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(entry), new CRC32())) {
      NpyArray array = NpyFormat.read(name, in);
      long crc = in.getChecksum().getValue();
      if (entry.getCrc() != -1 && crc != entry.getCrc()) {
        throw new DatasetException(name + ": CRC-32 " + Long.toHexString(crc)
            + " does not match the archive's " + Long.toHexString(entry.getCrc())
            + " (corrupt file)");
      }
      return array;
    } catch (EOFException e) {
      throw new DatasetException(name + ": compressed data ends early (truncated file)", e);
    } catch (ZipException e) {
      throw new DatasetException(name + ": corrupt compressed data (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new DatasetException("cannot read " + name + ": " + e, e);
    }
  }

  @Override
  public void close() {
    try {
      zip.close();
    } catch (IOException e) {
      throw new DatasetException("cannot close " + file + ": " + e, e);
    }
  }
}
