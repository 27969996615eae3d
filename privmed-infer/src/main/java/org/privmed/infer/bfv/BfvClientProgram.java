package org.privmed.infer.bfv;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.privmed.he.bfv.BfvParameters;
import org.privmed.he.serial.BfvSerializer;
import org.privmed.he.serial.HeFormatException;
import org.privmed.infer.compile.ClientProgram;
import org.privmed.infer.compile.DigestTrailer;
import org.privmed.infer.compile.ProgramFormatException;
import org.privmed.infer.quant.QuantizedNetwork;
import org.privmed.infer.quant.Quantizer;
import org.privmed.nn.model.TensorShape;

/**
 * What a client of a served {@link BfvProgram} receives: the input shape and normalisation, the
 * fixed-point scale its inputs are quantized with, the output scale (to dequantize the integer
 * logits), each plaintext prime's parameter set with the levels of inputs and outputs, the batch
 * size and the class names. It holds no weight, bias or per-layer scale of the network: those
 * stay in the owner's {@link BfvProgram}, as the weights of a CKKS program stay in its
 * {@code HeProgram} and clients get its {@code ClientProgram}. Sealed with the same SHA-256
 * trailer, and every field range-checked on reading.
 */
public record BfvClientProgram(String modelName, TensorShape inputShape, double[] mean, double[] std,
    double inputScale, double outputScale, List<String> classNames, List<BfvParameters> parameters,
    int inputLevel, int outputLevel) {

  private static final byte[] MAGIC = {'P', 'M', 'B', 'C'};
  private static final int VERSION = 1;

  public BfvClientProgram {
    mean = mean.clone();
    std = std.clone();
    classNames = List.copyOf(classNames);
    parameters = List.copyOf(parameters);
    validate(inputShape, mean, std, inputScale, outputScale, classNames, parameters, inputLevel, outputLevel);
  }

  /** The client's part of an owner's program. */
  public static BfvClientProgram of(BfvProgram p) {
    return new BfvClientProgram(p.model().name(), p.model().inputShape(), p.model().normalization().mean(),
        p.model().normalization().std(), p.network().inputScale(), p.network().outputScale(),
        p.model().classNames(), p.plan().parameters(), p.plan().levels()[0], p.plan().outputLevel());
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] std() {
    return std.clone();
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
    double[] x = ClientProgram.normalize(modelName, inputShape, mean, std, pixels);
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
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bos);
      out.write(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(modelName);
      out.writeInt(inputShape.channels());
      out.writeInt(inputShape.height());
      out.writeInt(inputShape.width());
      for (int c = 0; c < mean.length; c++) {
        out.writeDouble(mean[c]);
        out.writeDouble(std[c]);
      }
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
      out.flush();
      return DigestTrailer.seal(bos.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @throws ProgramFormatException for truncated, altered, inconsistent or unknown bytes
   */
  public static BfvClientProgram fromBytes(byte[] data) {
    byte[] body = DigestTrailer.open(data, "BFV client program", MAGIC.length + 4);
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
      require(Arrays.equals(in.readNBytes(MAGIC.length), MAGIC), "bad magic, not a PrivMed BFV client program");
      int version = in.readInt();
      require(version == VERSION, "version " + version + " unsupported (expected " + VERSION + ")");
      String name = in.readUTF();
      int ch = in.readInt();
      int h = in.readInt();
      int w = in.readInt();
      require(ch >= 1 && ch <= 16 && h >= 1 && h <= 4096 && w >= 1 && w <= 4096,
          "input shape " + ch + "×" + h + "×" + w + " is implausible");
      TensorShape shape = new TensorShape(ch, h, w);
      double[] mean = new double[ch];
      double[] std = new double[ch];
      for (int c = 0; c < ch; c++) {
        mean[c] = in.readDouble();
        std[c] = in.readDouble();
      }
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
      return new BfvClientProgram(name, shape, mean, std, inScale, outScale, names, params, inLevel, outLevel);
    } catch (IOException e) {
      throw new ProgramFormatException("BFV client program: truncated (" + e.getMessage() + ")");
    } catch (IllegalArgumentException e) {
      throw e instanceof ProgramFormatException pf ? pf
          : new ProgramFormatException("BFV client program: " + e.getMessage());
    }
  }

  private static void validate(TensorShape shape, double[] mean, double[] std, double inScale, double outScale,
      List<String> names, List<BfvParameters> params, int inLevel, int outLevel) {
    require(mean.length == shape.channels() && std.length == shape.channels(),
        "normalisation has " + mean.length + "/" + std.length + " values for " + shape.channels() + " channels");
    for (int c = 0; c < std.length; c++) {
      require(Double.isFinite(mean[c]) && Double.isFinite(std[c]) && std[c] > 0,
          "channel " + c + " normalisation mean " + mean[c] + ", std " + std[c]);
    }
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
