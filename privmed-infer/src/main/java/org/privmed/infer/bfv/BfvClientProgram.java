package org.privmed.infer.bfv;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.privmed.data.Normalization;
import org.privmed.he.bfv.BfvParameters;
import org.privmed.he.serial.BfvSerializer;
import org.privmed.he.serial.HeFormatException;
import org.privmed.infer.compile.InputBlock;
import org.privmed.infer.compile.ProgramFormatException;
import org.privmed.infer.compile.SealedForm;
import org.privmed.infer.quant.QuantizedNetwork;
import org.privmed.infer.quant.Quantizer;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.TensorShape;

/**
 * What a client of a served {@link BfvProgram} receives: the input shape and normalisation, the
 * fixed-point scale its inputs are quantized with, the output scale (to dequantize the integer
 * logits), each plaintext prime's parameter set with the levels of inputs and outputs, the batch
 * size and the class names. It holds no weight, bias or per-layer scale of the network: those
 * stay in the owner's {@link BfvProgram}, as the weights of a CKKS program stay in its
 * {@code HeProgram} and clients get its {@code ClientProgram}. Sealed the same way ({@link
 * SealedForm}: magic, version, SHA-256 trailer), with the same {@link InputBlock}, and every field
 * range-checked on reading.
 */
public record BfvClientProgram(String modelName, TensorShape inputShape, Normalization normalization,
    double inputScale, double outputScale, List<String> classNames, List<BfvParameters> parameters,
    int inputLevel, int outputLevel) {

  private static final byte[] MAGIC = {'P', 'M', 'B', 'C'};
  private static final int VERSION = 1;

  public BfvClientProgram {
    classNames = List.copyOf(classNames);
    parameters = List.copyOf(parameters);
    validate(inputShape, normalization, inputScale, outputScale, classNames, parameters, inputLevel, outputLevel);
  }

  /** The client's part of an owner's program. */
  public static BfvClientProgram of(BfvProgram p) {
    return new BfvClientProgram(p.model().name(), p.model().inputShape(), p.model().normalization(),
        p.network().inputScale(), p.network().outputScale(),
        p.model().classNames(), p.plan().parameters(), p.plan().levels()[0], p.plan().outputLevel());
  }

  public int primeCount() {
    return parameters.size();
  }

  public long[] plainPrimes() {
    return parameters.stream().mapToLong(BfvParameters::plainModulus).toArray();
  }

  /** Images per batch: slot b of every ciphertext is image b. */
  public int imagesPerBatch() {
    return parameters.get(0).ringDegree();
  }

  public int inputSize() {
    return inputShape.size();
  }

  public int classes() {
    return classNames.size();
  }

  /**
   * One id for the whole program's parameter sets: the first 8 bytes of SHA-256 over every
   * prime's parameter id in order (what the server files a session's keys under).
   */
  public long programId() {
    return programId(parameters.stream().mapToLong(BfvParameters::id).toArray());
  }

  public static long programId(long[] parameterIds) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      ByteBuffer b = ByteBuffer.allocate(8 * parameterIds.length);
      for (long id : parameterIds) {
        b.putLong(id);
      }
      return ByteBuffer.wrap(d.digest(b.array())).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** {@code (x − mean_c) / std_c}, then round(x·s_in): exactly what the owner's integer network reads. */
  public long[] quantize(float[] pixels) {
    double[] x = PlainInference.normalize(modelName, inputShape, normalization, pixels);
    long[] q = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      q[i] = Quantizer.roundExact(x[i] * inputScale, "input value " + i);
    }
    return q;
  }

  /** The float logits integer logits stand for. */
  public double[] dequantize(BigInteger[] logits) {
    return QuantizedNetwork.dequantize(logits, outputScale);
  }

  public byte[] toBytes() {
    return SealedForm.write(MAGIC, VERSION, out -> {
      out.writeUTF(modelName);
      InputBlock.write(out, inputShape, normalization);
      out.writeDouble(inputScale);
      out.writeDouble(outputScale);
      out.writeInt(inputLevel);
      out.writeInt(outputLevel);
      out.writeInt(parameters.size());
      for (BfvParameters p : parameters) {
        byte[] f = BfvSerializer.writeParameters(p);
        out.writeInt(f.length);
        out.write(f);
      }
      out.writeInt(classNames.size());
      for (String n : classNames) {
        out.writeUTF(n);
      }
    });
  }

  /**
   * @throws ProgramFormatException for truncated, altered, inconsistent or unknown bytes
   */
  public static BfvClientProgram fromBytes(byte[] data) {
    return SealedForm.read(data, "BFV client program", MAGIC, VERSION, 0, in -> {
      String name = in.readUTF();
      TensorShape shape = InputBlock.readShape(in);
      require(shape.channels() <= 16 && shape.height() <= 4096 && shape.width() <= 4096,
          "input shape " + shape + " is implausible");
      Normalization normalization = InputBlock.readNormalization(in, shape.channels());
      double inScale = in.readDouble();
      double outScale = in.readDouble();
      int inLevel = in.readInt();
      int outLevel = in.readInt();
      int k = in.readInt();
      require(k >= 1 && k <= CrtPlan.MAX_PRIMES, k + " plaintext primes (1 to " + CrtPlan.MAX_PRIMES + " allowed)");
      List<BfvParameters> params = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        int len = in.readInt();
        require(len > 0 && len <= in.available(), "parameters block of " + len + " bytes, "
            + in.available() + " left");
        try {
          params.add(BfvSerializer.readParameters(in.readNBytes(len)));
        } catch (HeFormatException e) {
          throw new ProgramFormatException("BFV client program: prime " + i + ": " + e.getMessage());
        }
      }
      int classes = in.readInt();
      require(classes >= 2 && classes <= 10_000, classes + " classes");
      List<String> names = new ArrayList<>();
      for (int c = 0; c < classes; c++) {
        names.add(in.readUTF());
      }
      require(in.available() == 0, in.available() + " unexpected bytes after the class names");
      return new BfvClientProgram(name, shape, normalization, inScale, outScale, names, params, inLevel, outLevel);
    });
  }

  private static void validate(TensorShape shape, Normalization normalization, double inScale, double outScale,
      List<String> names, List<BfvParameters> params, int inLevel, int outLevel) {
    require(normalization.channels() == shape.channels(), "normalisation of " + normalization.channels()
        + " channels for " + shape.channels() + " channels");
    require(Double.isFinite(inScale) && inScale > 0 && Double.isFinite(outScale) && outScale > 0,
        "scales must be finite and positive, got input " + inScale + ", output " + outScale);
    require(names.size() >= 2, names.size() + " classes");
    require(!params.isEmpty(), "no plaintext prime");
    BfvParameters first = params.get(0);
    long[] primes = new long[params.size()];
    for (int i = 0; i < params.size(); i++) {
      BfvParameters p = params.get(i);
      require(p.ringDegree() == first.ringDegree() && Arrays.equals(p.qPrimes(), first.qPrimes()),
          "prime " + i + " has another ring or ciphertext modulus than prime 0");
      primes[i] = p.plainModulus();
      for (int j = 0; j < i; j++) {
        require(primes[j] != primes[i], "plaintext prime " + primes[i] + " appears twice");
      }
    }
    require(shape.size() <= 1 << 20, "input of " + shape.size() + " values is implausible");
    int maxLevel = first.qPrimes().length - 1;
    require(inLevel >= 0 && inLevel <= maxLevel && outLevel >= 0 && outLevel <= inLevel,
        "levels in " + inLevel + ", out " + outLevel + " outside [0, " + maxLevel + "]");
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new ProgramFormatException("BFV client program: " + what);
    }
  }
}
