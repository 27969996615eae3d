package org.privmed.encode.format;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.privmed.encode.neuracrypt.EncoderConfig;

/**
 * The {@code .pme} file of an encoded dataset, all little-endian:
 *
 * <pre>
 *   8 bytes  magic "PMENCODE"
 *   u32      format version (1)
 *   u32      header length L, then L bytes of UTF-8 JSON: name, keyFingerprint, count, classNames,
 *            and the full encoder config (never the key)
 *   count ×  [ i32 label, patches·width f32 ]
 *   32 bytes SHA-256 of every byte before it
 * </pre>
 *
 * Reading checks the magic, version, header fields, that the file length is exactly what the header
 * implies, the digest, that labels are in range and that every value is finite — so a truncated,
 * corrupt or tampered file is refused with the reason.
 */
public final class EncodedFile {
  static final byte[] MAGIC = "PMENCODE".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  private static final int MAX_HEADER = 1 << 20;
  private static final int DIGEST = 32;

  private EncodedFile() {}

  /**
   * Writes {@code data} to {@code file} (through a temporary file and an atomic move).
   *
   * @throws FileAlreadyExistsException if the file exists and {@code force} is false
   */
  public static void write(EncodedDataset data, Path file, boolean force) throws IOException {
    if (Files.exists(file) && !force) {
      throw new FileAlreadyExistsException(file.toString(), null,
          "encoded file exists; refusing to overwrite it without --force");
    }
    byte[] header = headerJson(data).toString().getBytes(StandardCharsets.UTF_8);
    int values = data.config().encodedValues();
    long bodyBytes = (long) data.size() * (4L + 4L * values);
    long total = MAGIC.length + 8L + header.length + bodyBytes + DIGEST;
    if (total > Integer.MAX_VALUE - 64) {
      throw new IOException("encoded dataset " + data.name() + " would take " + total
          + " bytes, more than one file of this format holds (2 GiB)");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).putInt(VERSION).putInt(header.length).put(header);
    for (int i = 0; i < data.size(); i++) {
      buf.putInt(data.labels()[i]);
      for (float v : data.encodings()[i]) {
        buf.putFloat(v);
      }
    }
    buf.put(sha256(buf.array(), buf.position()));
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = abs.getParent().resolve(abs.getFileName() + ".tmp");
    Files.write(tmp, buf.array());
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads and validates an encoded-dataset file. */
  public static EncodedDataset read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new EncodedFormatException("encoded file " + file + " does not exist");
    }
    long size = Files.size(file);
    if (size > Integer.MAX_VALUE - 64) {
      throw new EncodedFormatException("encoded file " + file + " is " + size + " bytes, too large");
    }
    byte[] all = Files.readAllBytes(file);
    return parse(all, file.toString());
  }

  static EncodedDataset parse(byte[] all, String where) throws EncodedFormatException {
    int minimum = MAGIC.length + 8 + DIGEST;
    if (all.length < minimum) {
      throw new EncodedFormatException(where + ": " + all.length + " bytes, shorter than the "
          + minimum + "-byte frame — truncated or not an encoded file");
    }
    if (!Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
      throw new EncodedFormatException(where + ": bad magic, not a PrivMed encoded file");
    }
    ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    buf.position(MAGIC.length);
    int version = buf.getInt();
    if (version != VERSION) {
      throw new EncodedFormatException(where + ": format version " + version
          + " is not supported (expected " + VERSION + ")");
    }
    int headerLength = buf.getInt();
    if (headerLength <= 0 || headerLength > MAX_HEADER
        || headerLength > all.length - minimum) {
      throw new EncodedFormatException(where + ": header length " + headerLength
          + " does not fit a " + all.length + "-byte file");
    }
    String json = new String(all, buf.position(), headerLength, StandardCharsets.UTF_8);
    buf.position(buf.position() + headerLength);
    Header h = parseHeader(json, where);
    int values = h.config.encodedValues();
    long expected = (long) buf.position() + (long) h.count * (4L + 4L * values) + DIGEST;
    if (expected != all.length) {
      throw new EncodedFormatException(where + ": header promises " + h.count + " rows of "
          + values + " values (" + expected + " bytes) but the file has " + all.length
          + " bytes — truncated or corrupt");
    }
    byte[] digest = sha256(all, all.length - DIGEST);
    if (!MessageDigest.isEqual(digest, Arrays.copyOfRange(all, all.length - DIGEST, all.length))) {
      throw new EncodedFormatException(where + ": SHA-256 check failed — the file is corrupt");
    }
    float[][] enc = new float[h.count][values];
    int[] labels = new int[h.count];
    for (int i = 0; i < h.count; i++) {
      labels[i] = buf.getInt();
      if (labels[i] < 0 || labels[i] >= h.classNames.size()) {
        throw new EncodedFormatException(where + ": label " + labels[i] + " of row " + i
            + " is outside [0, " + h.classNames.size() + ")");
      }
      float[] row = enc[i];
      for (int j = 0; j < values; j++) {
        float v = buf.getFloat();
        if (!Float.isFinite(v)) {
          throw new EncodedFormatException(where + ": value " + v + " at row " + i + ", index "
              + j + " is not finite");
        }
        row[j] = v;
      }
    }
    return new EncodedDataset(h.name, h.config, h.fingerprint, enc, labels, h.classNames);
  }

  private record Header(String name, String fingerprint, int count, List<String> classNames,
      EncoderConfig config) {}

  private static Header parseHeader(String json, String where) throws EncodedFormatException {
    try {
      JsonObject o = JsonParser.parseString(json).getAsJsonObject();
      String name = string(o, "name", where);
      String fp = string(o, "keyFingerprint", where);
      if (!fp.matches("[0-9a-f]{16}")) {
        throw new EncodedFormatException(where + ": key fingerprint '" + fp
            + "' is not 16 hex digits");
      }
      int count = integer(o, "count", where);
      if (count < 0) {
        throw new EncodedFormatException(where + ": negative row count " + count);
      }
      JsonArray names = o.getAsJsonArray("classNames");
      if (names == null || names.isEmpty()) {
        throw new EncodedFormatException(where + ": header has no classNames");
      }
      List<String> classNames = new ArrayList<>();
      for (JsonElement e : names) {
        classNames.add(e.getAsString());
      }
      JsonObject c = o.getAsJsonObject("config");
      if (c == null) {
        throw new EncodedFormatException(where + ": header has no encoder config");
      }
      EncoderConfig cfg;
      try {
        cfg = new EncoderConfig(integer(c, "imageChannels", where),
            integer(c, "imageHeight", where), integer(c, "imageWidth", where),
            integer(c, "patch", where), integer(c, "width", where), integer(c, "depth", where),
            number(c, "positionScale", where), bool(c, "shuffle", where));
      } catch (IllegalArgumentException e) {
        throw new EncodedFormatException(where + ": invalid encoder config: " + e.getMessage(), e);
      }
      return new Header(name, fp, count, classNames, cfg);
    } catch (JsonParseException | IllegalStateException | ClassCastException
        | UnsupportedOperationException e) {
      throw new EncodedFormatException(where + ": header is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static JsonObject headerJson(EncodedDataset d) {
    JsonObject o = new JsonObject();
    o.addProperty("format", "privmed-encoded-dataset");
    o.addProperty("name", d.name());
    o.addProperty("keyFingerprint", d.keyFingerprint());
    o.addProperty("count", d.size());
    JsonArray names = new JsonArray();
    d.classNames().forEach(names::add);
    o.add("classNames", names);
    EncoderConfig cfg = d.config();
    JsonObject c = new JsonObject();
    c.addProperty("scheme", "neuracrypt");
    c.addProperty("imageChannels", cfg.imageChannels());
    c.addProperty("imageHeight", cfg.imageHeight());
    c.addProperty("imageWidth", cfg.imageWidth());
    c.addProperty("patch", cfg.patch());
    c.addProperty("width", cfg.width());
    c.addProperty("depth", cfg.depth());
    c.addProperty("positionScale", cfg.positionScale());
    c.addProperty("shuffle", cfg.shuffle());
    c.addProperty("normalisation", "per-image standardisation over patches, no running stats");
    o.add("config", c);
    return o;
  }

  private static JsonElement field(JsonObject o, String key, String where)
      throws EncodedFormatException {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      throw new EncodedFormatException(where + ": header lacks '" + key + "'");
    }
    return e;
  }

  private static String string(JsonObject o, String key, String where)
      throws EncodedFormatException {
    return field(o, key, where).getAsString();
  }

  private static int integer(JsonObject o, String key, String where)
      throws EncodedFormatException {
    JsonElement e = field(o, key, where);
    try {
      return e.getAsInt();
    } catch (NumberFormatException ex) {
      throw new EncodedFormatException(where + ": header field '" + key + "' = " + e
          + " is not an integer", ex);
    }
  }

  private static double number(JsonObject o, String key, String where)
      throws EncodedFormatException {
    JsonElement e = field(o, key, where);
    try {
      return e.getAsDouble();
    } catch (NumberFormatException ex) {
      throw new EncodedFormatException(where + ": header field '" + key + "' = " + e
          + " is not a number", ex);
    }
  }

  private static boolean bool(JsonObject o, String key, String where)
      throws EncodedFormatException {
    JsonElement e = field(o, key, where);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw new EncodedFormatException(where + ": header field '" + key + "' = " + e
          + " is not a boolean");
    }
    return e.getAsBoolean();
  }

  private static byte[] sha256(byte[] data, int length) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(data, 0, length);
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
