package org.privmed.infer.compile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.privmed.data.Normalization;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.he.serial.HeSerializer;
import org.privmed.infer.plan.InputLayout;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.TensorShape;

/**
 * The clinic's view of a compiled {@link HeProgram}: exactly what it needs to encode, encrypt and
 * decode — CKKS parameters, packing, input shape and normalisation, the input layout (im2col
 * source map) and its replication period, input level and scale, images per batch, ciphertext
 * counts, where each class score sits in the output, and the class names. It holds no weight,
 * bias, polynomial coefficient or calibration range of the model: those are the model owner's and
 * stay on the server, which keeps the full HeProgram. The server sends this form in
 * {@code ProgramInfo.client_program}.
 *
 * <p>Wire form ({@link SealedForm}): magic {@code PMHECLNT}, version, parameter id, fields (the
 * input shape and normalisation as an {@link InputBlock}), each size checked against the
 * parameters on reading, and a SHA-256 trailer over everything before it.
 *
 * @param outputCiphertext per class, the output ciphertext holding its score
 * @param outputSlot per class, the slot of image 0's score in that ciphertext
 * @param imageStride slots between the scores of consecutive images of one batch (0 when a batch
 *     holds one image)
 */
public record ClientProgram(String modelName, Packing packing, CkksParameters parameters,
    TensorShape inputShape, Normalization normalization, InputLayout layout, int inputPeriod,
    int inputLevel, double inputScale, int imagesPerBatch, int inputCiphertexts,
    int outputCiphertexts, int[] outputCiphertext, int[] outputSlot, int imageStride,
    List<String> classNames) {

  private static final byte[] MAGIC = "PMHECLNT".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int MAX_CLASSES = 100_000;

  /** @throws ProgramFormatException naming the first field that does not fit the parameters */
  public ClientProgram {
    outputCiphertext = outputCiphertext.clone();
    outputSlot = outputSlot.clone();
    classNames = List.copyOf(classNames);
    validate(packing, parameters, inputShape, normalization, layout, inputPeriod, inputLevel, inputScale,
        imagesPerBatch, inputCiphertexts, outputCiphertexts, outputCiphertext, outputSlot,
        imageStride, classNames);
  }

  /** The client form of a compiled program. */
  static ClientProgram of(HeProgram p) {
    int classes = p.model().numClasses();
    int[] ct = new int[classes];
    int[] slot = new int[classes];
    boolean latency = p.packing() == Packing.LATENCY;
    int[] latencySlots = latency ? p.outputSlots() : null;
    for (int c = 0; c < classes; c++) {
      // latency: score c where the last stage's plan left it; throughput: output c, image b in slot b
      ct[c] = latency ? 0 : c;
      slot[c] = latency ? latencySlots[c] : 0;
    }
    CkksParameters params = p.parameters();
    return new ClientProgram(p.model().name(), p.packing(), params, p.model().inputShape(),
        p.model().normalization(), p.inputLayout(),
        latency ? p.inputPeriod() : 1, params.maxLevel(), params.defaultScale(), p.imagesPerBatch(),
        p.inputCiphertexts(), p.outputCiphertexts(), ct, slot, latency ? 0 : 1,
        p.model().classNames());
  }

  @Override
  public int[] outputCiphertext() {
    return outputCiphertext.clone();
  }

  @Override
  public int[] outputSlot() {
    return outputSlot.clone();
  }

  public int classes() {
    return classNames.size();
  }

  /** One image's model input: {@code (x − mean_c) / std_c} per channel, as the plaintext model. */
  public double[] normalize(float[] pixels) {
    return PlainInference.normalize(modelName, inputShape, normalization, pixels);
  }

  private static void validate(Packing packing, CkksParameters params, TensorShape shape,
      Normalization normalization, InputLayout layout, int period, int level, double scale,
      int images, int inCts, int outCts, int[] outCt, int[] outSlot, int stride,
      List<String> names) {
    int slots = params.slots();
    require(packing != null && shape != null && normalization != null && layout != null,
        "packing, shape, normalisation and layout are required");
    require(normalization.channels() == shape.channels(), "normalisation of "
        + normalization.channels() + " channels for " + shape.channels() + " channels");
    for (int i = 0; i < layout.size(); i++) {
      int s = layout.source()[i];
      require(s >= -1 && s < shape.size(), "layout value " + i + " reads pixel " + s + " of "
          + shape.size());
    }
    require(level >= 0 && level <= params.maxLevel(), "input level " + level + " outside [0, "
        + params.maxLevel() + "]");
    require(scale > 1 && Double.isFinite(scale), "input scale " + scale);
    require(names.size() >= 2 && names.size() <= MAX_CLASSES, names.size() + " classes");
    require(outCt.length == names.size() && outSlot.length == names.size(),
        "output map covers " + outCt.length + " classes, the program has " + names.size());
    if (packing == Packing.LATENCY) {
      require(period >= layout.size() && Integer.bitCount(period) == 1 && period <= slots,
          "replication period " + period + " for " + layout.size() + " values in " + slots + " slots");
      require(inCts == 1 && images == 1 && stride == 0, "latency packing: " + inCts
          + " input ciphertexts, " + images + " images per batch, image stride " + stride);
    } else {
      require(period == 1 && inCts == layout.size() && images >= 1 && images <= slots && stride >= 1,
          "throughput packing: period " + period + ", " + inCts + " input ciphertexts for "
              + layout.size() + " values, " + images + " images per batch, image stride " + stride);
    }
    require(outCts >= 1 && outCts <= names.size(), outCts + " output ciphertexts for "
        + names.size() + " classes");
    for (int c = 0; c < names.size(); c++) {
      long last = outSlot[c] + (long) (images - 1) * stride;
      require(outCt[c] >= 0 && outCt[c] < outCts && outSlot[c] >= 0 && last < slots,
          "class " + c + " score at ciphertext " + outCt[c] + ", slots " + outSlot[c] + ".." + last);
    }
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new ProgramFormatException("client program: " + what);
    }
  }

  // ------------------------------------------------------------------ serialization

  public byte[] toBytes() {
    return SealedForm.write(MAGIC, VERSION, out -> {
      out.writeLong(parameters.id());
      byte[] p = HeSerializer.writeParameters(parameters);
      out.writeInt(p.length);
      out.write(p);
      out.writeUTF(modelName);
      out.writeUTF(packing.name());
      InputBlock.write(out, inputShape, normalization);
      out.writeUTF(layout.kind());
      out.writeInt(layout.size());
      for (int s : layout.source()) {
        out.writeInt(s);
      }
      out.writeInt(inputPeriod);
      out.writeInt(inputLevel);
      out.writeDouble(inputScale);
      out.writeInt(imagesPerBatch);
      out.writeInt(inputCiphertexts);
      out.writeInt(outputCiphertexts);
      out.writeInt(imageStride);
      out.writeInt(classNames.size());
      for (int c = 0; c < classNames.size(); c++) {
        out.writeInt(outputCiphertext[c]);
        out.writeInt(outputSlot[c]);
        out.writeUTF(classNames.get(c));
      }
    });
  }

  /**
   * @param allowInsecureParameters accept a parameter set marked insecure-for-testing (tests only)
   * @throws ProgramFormatException for truncated, altered, inconsistent or unknown bytes
   */
  public static ClientProgram fromBytes(byte[] data, boolean allowInsecureParameters) {
    return SealedForm.read(data, "client program", MAGIC, VERSION, Long.BYTES, in -> {
      long id = in.readLong();
      int plen = in.readInt();
      require(plen > 0 && plen <= in.available(), "parameters block of " + plen + " bytes, "
          + in.available() + " left");
      CkksParameters params = HeSerializer.readParameters(in.readNBytes(plen), allowInsecureParameters);
      require(params.id() == id, String.format("announces parameter id %016x but its parameters hash "
          + "to %016x", id, params.id()));
      String name = in.readUTF();
      Packing packing = Packing.valueOf(in.readUTF());
      TensorShape shape = InputBlock.readShape(in);
      require(shape.size() <= params.slots() * 64L, "input shape " + shape + " is implausible");
      Normalization normalization = InputBlock.readNormalization(in, shape.channels());
      String kind = in.readUTF();
      int size = in.readInt();
      require(size >= 1 && size <= params.slots() * 64 && size * 4L <= in.available(),
          "layout of " + size + " values");
      int[] source = new int[size];
      for (int i = 0; i < size; i++) {
        source[i] = in.readInt();
      }
      int period = in.readInt();
      int level = in.readInt();
      double scale = in.readDouble();
      int images = in.readInt();
      int inCts = in.readInt();
      int outCts = in.readInt();
      int stride = in.readInt();
      int classes = in.readInt();
      require(classes >= 2 && classes <= MAX_CLASSES && classes * 10L <= in.available(),
          classes + " classes");
      int[] ct = new int[classes];
      int[] slot = new int[classes];
      List<String> names = new ArrayList<>(classes);
      for (int c = 0; c < classes; c++) {
        ct[c] = in.readInt();
        slot[c] = in.readInt();
        names.add(in.readUTF());
      }
      require(in.available() == 0, in.available() + " trailing bytes");
      return new ClientProgram(name, packing, params, shape, normalization, new InputLayout(kind, source),
          period, level, scale, images, inCts, outCts, ct, slot, stride, names);
    });
  }
}
