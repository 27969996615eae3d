package org.privmed.nn.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.privmed.nn.model.AvgPool2d;
import org.privmed.nn.model.BatchNorm;
import org.privmed.nn.model.Conv2d;
import org.privmed.nn.model.Dense;
import org.privmed.nn.model.Dropout;
import org.privmed.nn.model.Flatten;
import org.privmed.nn.model.GroupNorm;
import org.privmed.nn.model.Layer;
import org.privmed.nn.model.Model;
import org.privmed.data.Normalization;
import org.privmed.nn.model.Polynomial;
import org.privmed.nn.model.Relu;
import org.privmed.nn.model.Residual;
import org.privmed.nn.model.ResidueActivation;
import org.privmed.nn.model.ScaledPower;
import org.privmed.nn.model.Square;
import org.privmed.nn.model.TensorShape;

/**
 * The PrivMed model file ({@code .pm}), version 1. Readable without DJL or any ML library.
 *
 * <pre>
 *   offset  size  content
 *   0       8     magic "PRIVMEDM"
 *   8       4     format version, big-endian u32 (= 1)
 *   12      4     header length L in bytes, big-endian u32
 *   16      L     header: UTF-8 JSON — name, input [C,H,W], classes, normalization {mean,std},
 *                 metadata {string: string}, layers [ {type, hyper-parameters, weight refs} ]
 *   16+L    8     number of weights W, big-endian u64
 *   24+L    8·W   weights, IEEE-754 float64 big-endian; a layer's array is {"offset": o, "length": n}
 *                 into this blob (in doubles)
 *   end−32  32    SHA-256 of every byte before it
 * </pre>
 *
 * Reading checks, in order: size, magic, version, checksum, header JSON, weight references, layer
 * hyper-parameters and weight lengths (by the layer records) and the shape chain (by
 * {@link Model}); each failure names the file and what is wrong.
 */
public final class ModelFile {
  /** The version this code writes and the only one it reads. */
  public static final int VERSION = 1;

  private static final byte[] MAGIC = "PRIVMEDM".getBytes(StandardCharsets.US_ASCII);
  private static final int DIGEST_BYTES = 32;
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private ModelFile() {}

  /** Writes {@code model} to {@code path} (parent directories are created). */
  public static void write(Model model, Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(path, toBytes(model));
  }

  /** The file's bytes for {@code model}. */
  public static byte[] toBytes(Model model) {
    Blob blob = new Blob();
    JsonObject header = new JsonObject();
    header.addProperty("format", "privmed-model");
    header.addProperty("name", model.name());
    TensorShape in = model.inputShape();
    JsonArray input = new JsonArray();
    input.add(in.channels());
    input.add(in.height());
    input.add(in.width());
    header.add("input", input);
    JsonArray classes = new JsonArray();
    model.classNames().forEach(classes::add);
    header.add("classes", classes);
    JsonObject norm = new JsonObject();
    norm.add("mean", numbers(model.normalization().mean()));
    norm.add("std", numbers(model.normalization().std()));
    header.add("normalization", norm);
    JsonObject meta = new JsonObject();
    model.metadata().forEach(meta::addProperty);
    header.add("metadata", meta);
    header.add("layers", layers(model.layers(), blob));
    byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);

    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(24 + json.length + 8 * blob.size);
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(json.length);
      out.write(json);
      out.writeLong(blob.size);
      for (double[] a : blob.arrays) {
        ByteBuffer buf = ByteBuffer.allocate(8 * a.length);
        buf.asDoubleBuffer().put(a);
        out.write(buf.array());
      }
      out.flush();
      byte[] body = bytes.toByteArray();
      byte[] digest = sha256(body, body.length);
      byte[] all = Arrays.copyOf(body, body.length + DIGEST_BYTES);
      System.arraycopy(digest, 0, all, body.length, DIGEST_BYTES);
      return all;
    } catch (IOException e) {
      throw new IllegalStateException("in-memory write failed", e);
    }
  }

  /** Reads and validates a model file. */
  public static Model read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new java.nio.file.NoSuchFileException(path.toString(), null, "no such model file");
    }
    return fromBytes(Files.readAllBytes(path), path.toString());
  }

  /**
   * Parses {@code bytes}; {@code source} names the file in error messages.
   *
   * @throws ModelFormatException if the bytes are not a valid version-1 model
   */
  public static Model fromBytes(byte[] bytes, String source) throws ModelFormatException {
    int minimum = MAGIC.length + 8 + 8 + DIGEST_BYTES;
    if (bytes.length < minimum) {
      throw new ModelFormatException(source + ": " + bytes.length
          + " bytes is too short to be a PrivMed model file (truncated?)");
    }
    if (!Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw new ModelFormatException(source + ": not a PrivMed model file (bad magic)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    buf.position(MAGIC.length);
    int version = buf.getInt();
    if (version != VERSION) {
      throw new ModelFormatException(source + ": model file version " + version
          + " is not supported (this build reads version " + VERSION + ")");
    }
    int bodyLength = bytes.length - DIGEST_BYTES;
    byte[] expected = sha256(bytes, bodyLength);
    byte[] stored = Arrays.copyOfRange(bytes, bodyLength, bytes.length);
    if (!MessageDigest.isEqual(expected, stored)) {
      throw new ModelFormatException(source
          + ": SHA-256 checksum mismatch: the file is corrupt or truncated");
    }
    long headerLength = Integer.toUnsignedLong(buf.getInt());
    if (headerLength > bodyLength - buf.position() - 8L) {
      throw new ModelFormatException(
          source + ": header length " + headerLength + " runs past the end of the file");
    }
    String json = new String(bytes, buf.position(), (int) headerLength, StandardCharsets.UTF_8);
    buf.position(buf.position() + (int) headerLength);
    long count = buf.getLong();
    long blobBytes = bodyLength - buf.position();
    if (count < 0 || count * 8 != blobBytes) {
      throw new ModelFormatException(source + ": header announces " + count + " weights but "
          + blobBytes + " bytes of weights follow");
    }
    double[] weights = new double[(int) count];
    buf.asDoubleBuffer().get(weights);
    buf.position(buf.position() + 8 * (int) count);

    try {
      JsonObject h = JsonParser.parseString(json).getAsJsonObject();
      if (!"privmed-model".equals(str(h, "format"))) {
        throw new ModelFormatException(source + ": header format is not privmed-model");
      }
      JsonArray input = h.getAsJsonArray("input");
      TensorShape shape = new TensorShape(input.get(0).getAsInt(), input.get(1).getAsInt(),
          input.get(2).getAsInt());
      List<String> classes = new ArrayList<>();
      for (JsonElement e : h.getAsJsonArray("classes")) {
        classes.add(e.getAsString());
      }
      JsonObject n = h.getAsJsonObject("normalization");
      Normalization norm = new Normalization(doubles(n.getAsJsonArray("mean")),
          doubles(n.getAsJsonArray("std")));
      Map<String, String> meta = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> e : h.getAsJsonObject("metadata").entrySet()) {
        meta.put(e.getKey(), e.getValue().getAsString());
      }
      Reader r = new Reader(weights, source);
      List<Layer> layers = r.layers(h.getAsJsonArray("layers"));
      return new Model(str(h, "name"), shape, layers, classes, norm, meta);
    } catch (JsonParseException | IllegalStateException | NullPointerException
        | ClassCastException | IndexOutOfBoundsException | UnsupportedOperationException e) {
      throw new ModelFormatException(source + ": malformed header: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(source + ": invalid model: " + e.getMessage(), e);
    }
  }

  private static String str(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      throw new IllegalStateException("missing field '" + key + "'");
    }
    return e.getAsString();
  }

  private static JsonArray numbers(double[] a) {
    JsonArray arr = new JsonArray();
    for (double v : a) {
      arr.add(v);
    }
    return arr;
  }

  private static double[] doubles(JsonArray arr) {
    double[] a = new double[arr.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = arr.get(i).getAsDouble();
    }
    return a;
  }

  private static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(bytes, 0, length);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  /** Collects weight arrays and hands out their offsets. */
  private static final class Blob {
    final List<double[]> arrays = new ArrayList<>();
    int size;

    JsonObject ref(double[] a) {
      JsonObject o = new JsonObject();
      o.addProperty("offset", size);
      o.addProperty("length", a.length);
      arrays.add(a);
      size = Math.addExact(size, a.length);
      return o;
    }
  }

  private static JsonArray layers(List<Layer> layers, Blob blob) {
    JsonArray arr = new JsonArray();
    for (Layer l : layers) {
      arr.add(layer(l, blob));
    }
    return arr;
  }

  private static JsonObject layer(Layer l, Blob blob) {
    JsonObject o = new JsonObject();
    o.addProperty("type", l.kind());
    if (l instanceof Conv2d c) {
      o.addProperty("inChannels", c.inChannels());
      o.addProperty("outChannels", c.outChannels());
      o.addProperty("kernel", c.kernel());
      o.addProperty("stride", c.stride());
      o.addProperty("padding", c.padding());
      o.add("weight", blob.ref(c.weight()));
      o.add("bias", blob.ref(c.bias()));
    } else if (l instanceof Dense d) {
      o.addProperty("inFeatures", d.inFeatures());
      o.addProperty("outFeatures", d.outFeatures());
      o.add("weight", blob.ref(d.weight()));
      o.add("bias", blob.ref(d.bias()));
    } else if (l instanceof AvgPool2d p) {
      o.addProperty("kernel", p.kernel());
      o.addProperty("stride", p.stride());
    } else if (l instanceof ScaledPower sp) {
      o.addProperty("power", sp.power());
      o.addProperty("scale", sp.scale());
      o.addProperty("trainable", sp.trainable());
    } else if (l instanceof ResidueActivation ra) {
      o.addProperty("power", ra.power());
      o.addProperty("scale", ra.scale());
    } else if (l instanceof Polynomial p) {
      o.add("coefficients", numbers(p.coefficients()));
    } else if (l instanceof BatchNorm bn) {
      o.addProperty("channels", bn.channels());
      o.addProperty("epsilon", bn.epsilon());
      o.add("gamma", blob.ref(bn.gamma()));
      o.add("beta", blob.ref(bn.beta()));
      o.add("runningMean", blob.ref(bn.runningMean()));
      o.add("runningVar", blob.ref(bn.runningVar()));
    } else if (l instanceof GroupNorm gn) {
      o.addProperty("groups", gn.groups());
      o.addProperty("channels", gn.channels());
      o.addProperty("epsilon", gn.epsilon());
      o.add("gamma", blob.ref(gn.gamma()));
      o.add("beta", blob.ref(gn.beta()));
    } else if (l instanceof Dropout d) {
      o.addProperty("rate", d.rate());
    } else if (l instanceof Residual r) {
      o.add("body", layers(r.body(), blob));
      o.add("shortcut", layers(r.shortcut(), blob));
    } else if (!(l instanceof Flatten || l instanceof Square || l instanceof Relu)) {
      throw new IllegalStateException("no file mapping for layer " + l.kind());
    }
    return o;
  }

  /** Turns header layer objects back into records, slicing weights out of the blob. */
  private static final class Reader {
    private final double[] weights;
    private final String source;

    Reader(double[] weights, String source) {
      this.weights = weights;
      this.source = source;
    }

    List<Layer> layers(JsonArray arr) throws ModelFormatException {
      List<Layer> out = new ArrayList<>();
      for (JsonElement e : arr) {
        out.add(layer(e.getAsJsonObject()));
      }
      return out;
    }

    private double[] blob(JsonObject o, String key) throws ModelFormatException {
      JsonObject ref = o.getAsJsonObject(key);
      if (ref == null) {
        throw new ModelFormatException(source + ": layer " + str(o, "type")
            + " has no '" + key + "' weights");
      }
      long off = ref.get("offset").getAsLong();
      long len = ref.get("length").getAsLong();
      if (off < 0 || len < 0 || off + len > weights.length) {
        throw new ModelFormatException(source + ": layer " + str(o, "type") + " '" + key
            + "' refers to weights [" + off + ", " + (off + len) + ") outside the "
            + weights.length + " stored");
      }
      return Arrays.copyOfRange(weights, (int) off, (int) (off + len));
    }

    private static int i(JsonObject o, String key) {
      JsonElement e = o.get(key);
      if (e == null) {
        throw new IllegalStateException("layer " + o.get("type") + " misses '" + key + "'");
      }
      return e.getAsInt();
    }

    private static double d(JsonObject o, String key) {
      JsonElement e = o.get(key);
      if (e == null) {
        throw new IllegalStateException("layer " + o.get("type") + " misses '" + key + "'");
      }
      return e.getAsDouble();
    }

    private Layer layer(JsonObject o) throws ModelFormatException {
      String type = str(o, "type");
      switch (type) {
        case "conv2d":
          return new Conv2d(i(o, "inChannels"), i(o, "outChannels"), i(o, "kernel"),
              i(o, "stride"), i(o, "padding"), blob(o, "weight"), blob(o, "bias"));
        case "dense":
          return new Dense(i(o, "inFeatures"), i(o, "outFeatures"), blob(o, "weight"),
              blob(o, "bias"));
        case "avgpool2d":
          return new AvgPool2d(i(o, "kernel"), i(o, "stride"));
        case "flatten":
          return new Flatten();
        case "square":
          return new Square();
        case "relu":
          return new Relu();
        case "scaledpower":
          return new ScaledPower(i(o, "power"), d(o, "scale"), o.get("trainable").getAsBoolean());
        case "residueactivation":
          return new ResidueActivation(i(o, "power"), d(o, "scale"));
        case "polynomial":
          return new Polynomial(doubles(o.getAsJsonArray("coefficients")));
        case "batchnorm":
          return new BatchNorm(i(o, "channels"), blob(o, "gamma"), blob(o, "beta"),
              blob(o, "runningMean"), blob(o, "runningVar"), d(o, "epsilon"));
        case "groupnorm":
          return new GroupNorm(i(o, "groups"), i(o, "channels"), blob(o, "gamma"),
              blob(o, "beta"), d(o, "epsilon"));
        case "dropout":
          return new Dropout(d(o, "rate"));
        case "residual":
          return new Residual(layers(o.getAsJsonArray("body")),
              layers(o.getAsJsonArray("shortcut")));
        default:
          throw new ModelFormatException(source + ": unknown layer type '" + type + "'");
      }
    }
  }
}
