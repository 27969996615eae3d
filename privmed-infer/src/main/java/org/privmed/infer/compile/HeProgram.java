package org.privmed.infer.compile;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.he.serial.HeSerializer;
import org.privmed.infer.packing.DiagonalPlan;
import org.privmed.infer.packing.SlotLayout;
import org.privmed.infer.plan.InputLayout;
import org.privmed.infer.plan.LinearStage;
import org.privmed.infer.plan.Lowering;
import org.privmed.infer.plan.PolynomialStage;
import org.privmed.infer.plan.Stage;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;

/**
 * A compiled HE program: the model, the packing, the CKKS parameters, the lowered stages with
 * their levels, the rotation plan (latency packing) and the calibration ranges. Immutable and
 * the model owner's: it embeds the weights, so it stays on the server ({@link #toBytes()} is for
 * the owner's own files and tools; its SHA-256 trailer refuses altered bytes). Clients receive
 * {@link #clientProgram()}, which holds no weight.
 */
public final class HeProgram {
  private static final byte[] MAGIC = "PMHEPROG".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;

  private final Model model;
  private final Packing packing;
  private final CkksParameters params;
  private final double[] maxAbs;
  private final String calibrationSource;
  private final InputLayout layout;
  private final List<Stage> stages;
  private final int[] stageLevels;
  private final DiagonalPlan[] plans;
  private final int inputPeriod;
  private final int[] rotationSteps;
  private final double predictedError;
  /** Throughput with integer weights: linear stages do not rescale (see {@link #integerWeights()}). */
  private final boolean integerWeights;

  private HeProgram(Model model, Packing packing, CkksParameters params, double[] maxAbs,
      String calibrationSource) {
    this.model = model;
    this.packing = packing;
    this.params = params;
    this.maxAbs = maxAbs.clone();
    this.calibrationSource = calibrationSource;
    Lowering.Lowered low = Lowering.lower(model, packing == Packing.LATENCY);
    this.layout = low.layout();
    this.stages = low.stages();
    if (maxAbs.length != stages.size() + 1) {
      throw new IllegalArgumentException("calibration has " + maxAbs.length + " ranges, the program "
          + stages.size() + " stages (+1 for the input)");
    }
    this.integerWeights = packing == Packing.THROUGHPUT && integerWeightsFit(stages);
    this.stageLevels = new int[stages.size()];
    int level = params.maxLevel();
    for (int i = 0; i < stages.size(); i++) {
      stageLevels[i] = level;
      level -= stageDepth(stages.get(i), integerWeights);
    }
    if (level < 0) {
      throw new IllegalArgumentException("the program needs depth " + (params.maxLevel() - level)
          + " but the parameters offer " + params.maxLevel() + " levels");
    }
    int[] rotationsAfterRescale = new int[stages.size()];
    boolean[] babyRotations = new boolean[stages.size()];
    TreeSet<Integer> rot = new TreeSet<>();
    int period = pow2(layout.size());
    this.inputPeriod = period;
    this.plans = packing == Packing.LATENCY
        ? PlanSearch.choose(stages, stageLevels, SlotLayout.periodic(layout.size(), period,
            params.slots()), costModel(params))
        : new DiagonalPlan[stages.size()];
    for (int i = 0; i < stages.size(); i++) {
      if (plans[i] != null) {
        rot.addAll(plans[i].rotations());
        rotationsAfterRescale[i] = plans[i].sumSteps().length;
        babyRotations[i] = plans[i].keySwitches() > plans[i].sumSteps().length;
      }
    }
    this.rotationSteps = rot.stream().mapToInt(Integer::intValue).toArray();
    double[] weightScales = new double[stages.size()];
    for (int i = 0; i < stages.size(); i++) {
      weightScales[i] = integerWeights && stages.get(i) instanceof LinearStage
          ? linearOutputScale(i) / params.defaultScale() : 0;
    }
    this.predictedError = ErrorModel.predict(stages, maxAbs, params, babyRotations,
        rotationsAfterRescale, weightScales);
  }

  /**
   * Whether the throughput packing can use integer weights: every polynomial is of degree at most
   * 2 and follows a linear stage, whose output scale can then be set so that the square's rescale
   * returns to the default scale. A higher power would square an already rescaled value and fall
   * far below the default scale with the large primes this plan uses.
   */
  static boolean integerWeightsFit(List<Stage> stages) {
    for (int i = 0; i < stages.size(); i++) {
      if (stages.get(i) instanceof PolynomialStage p
          && (p.degree() > 2 || i == 0 || !(stages.get(i - 1) instanceof LinearStage))) {
        return false;
      }
    }
    return true;
  }

  /** Levels a stage consumes: none for a linear stage with integer weights. */
  static int stageDepth(Stage s, boolean integerWeights) {
    return integerWeights && s instanceof LinearStage ? 0 : s.depth();
  }

  /** Key-switching cost of these parameters: primes per digit and special primes. */
  static DiagonalPlan.KeySwitchCost costModel(CkksParameters params) {
    int limbs = params.maxLevel() + 1;
    return new DiagonalPlan.KeySwitchCost((limbs + params.dnum() - 1) / params.dnum(),
        params.pBits().length);
  }

  static HeProgram assemble(Model model, Packing packing, CkksParameters params, double[] maxAbs,
      String calibrationSource) {
    return new HeProgram(model, packing, params, maxAbs, calibrationSource);
  }

  static int pow2(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }

  /** Slots the latency packing needs: the widest period span of any linear stage. */
  static int latencySlots(Lowering.Lowered low) {
    int period = pow2(low.layout().size());
    int need = period;
    for (Stage s : low.stages()) {
      if (s instanceof LinearStage l) {
        int in = Math.max(period, pow2(l.cols()));
        int out = pow2(l.rows());
        need = Math.max(need, Math.max(in, out));
        period = out;
      }
    }
    return need;
  }

  // ------------------------------------------------------------------ accessors

  /** What a client needs to encode, encrypt and decode; no weight of the model. */
  public ClientProgram clientProgram() {
    return ClientProgram.of(this);
  }

  public Model model() {
    return model;
  }

  public Packing packing() {
    return packing;
  }

  public CkksParameters parameters() {
    return params;
  }

  /** Rotation steps (left shifts) whose Galois keys the server needs: exactly those it uses. */
  public int[] rotationSteps() {
    return rotationSteps.clone();
  }

  public boolean needsRelinKey() {
    for (Stage s : stages) {
      if (s instanceof PolynomialStage p && p.degree() >= 2) {
        return true;
      }
    }
    return false;
  }

  /** Images one batch of ciphertexts carries: 1 (latency) or N/2 (throughput). */
  public int imagesPerBatch() {
    return packing == Packing.LATENCY ? 1 : params.slots();
  }

  public int inputCiphertexts() {
    return packing == Packing.LATENCY ? 1 : layout.size();
  }

  public int outputCiphertexts() {
    return packing == Packing.LATENCY ? 1 : model.numClasses();
  }

  public InputLayout inputLayout() {
    return layout;
  }

  public List<Stage> stages() {
    return stages;
  }

  /** Level of the ciphertexts entering stage i. */
  public int stageLevel(int i) {
    return stageLevels[i];
  }

  /**
   * Throughput only. When true, a linear stage multiplies by integers round(M·W) and does not
   * rescale; W is chosen so that its output has scale sqrt(q_l·Δ), q_l the prime the following
   * square's rescale drops, and the square's rescale lands back on Δ. A linear stage and the square
   * after it then share one level, where weights scaled by a prime would take a level each
   * (weights as scaled integers, as CryptoNets encodes them, Gilad-Bachrach et al., ICML 2016,
   * Sec. 4.1; a product by an integer needs no rescale). The primes are then wide (up to 60 bits)
   * and the chain half as long, which halves the limbs every operation works on.
   */
  public boolean integerWeights() {
    return integerWeights;
  }

  /**
   * Scale of linear stage i's output under {@link #integerWeights()}: sqrt(q_l·Δ) with q_l the
   * prime at the stage's level when a polynomial follows, else the widest prime above q_0.
   */
  public double linearOutputScale(int i) {
    if (!integerWeights || !(stages.get(i) instanceof LinearStage)) {
      throw new IllegalStateException("stage " + i + " is not an integer-weight linear stage");
    }
    long[] q = params.qPrimes();
    double ref;
    if (i + 1 < stages.size()) {
      ref = (double) q[stageLevels[i]];
    } else if (q.length == 1) {
      ref = 0x1p32 * params.defaultScale(); // no polynomial at all: W = 2^16
    } else {
      ref = 0;
      for (int j = 1; j < q.length; j++) {
        ref = Math.max(ref, (double) q[j]);
      }
    }
    return Math.sqrt(ref * params.defaultScale());
  }

  /** The latency plan of stage i, or null (polynomial stage, or throughput packing). */
  public DiagonalPlan diagonalPlan(int i) {
    return plans[i];
  }

  /** Latency: the slot of each class's score in the output ciphertext. */
  public int[] outputSlots() {
    int[] out = new int[model.numClasses()];
    for (int i = plans.length - 1; i >= 0; i--) {
      if (plans[i] != null) {
        for (int c = 0; c < out.length; c++) {
          out[c] = plans[i].outputSlot(c);
        }
        return out;
      }
    }
    for (int c = 0; c < out.length; c++) {
      out[c] = c;
    }
    return out;
  }

  /** Period (a power of two) with which the client replicates its arranged input (latency). */
  public int inputPeriod() {
    return inputPeriod;
  }

  /** Predicted bound on |encrypted logit − plaintext logit| (see {@link ErrorModel}). */
  public double predictedError() {
    return predictedError;
  }

  /** Calibration maxima: element 0 the input, element i+1 stage i's output. */
  public double[] calibrationMaxAbs() {
    return maxAbs.clone();
  }

  /** Total key switches of one evaluation (latency), 0 for throughput. */
  public int keySwitches() {
    int n = 0;
    for (DiagonalPlan p : plans) {
      if (p != null) {
        n += p.keySwitches();
      }
    }
    for (Stage s : stages) {
      if (s instanceof PolynomialStage p && p.degree() >= 2) {
        n += (p.degree() - 1) * (packing == Packing.LATENCY ? 1 : p.size());
      }
    }
    return n;
  }

  /** Approximate serialized size of one switching key (seeded: the b polys over QP only). */
  public long switchingKeyBytes() {
    long bits = 0;
    for (int b : params.qBits()) {
      bits += b;
    }
    for (int b : params.pBits()) {
      bits += b;
    }
    return (long) params.dnum() * bits * params.ringDegree() / 8;
  }

  /** Bytes of one fresh seeded input ciphertext (top level, one poly). */
  public long inputCiphertextBytes() {
    long bits = 0;
    for (int b : params.qBits()) {
      bits += b;
    }
    return bits * params.ringDegree() / 8;
  }

  /** Bytes of one output ciphertext (level 0, two polys). */
  public long outputCiphertextBytes() {
    return 2L * params.qBits()[0] * params.ringDegree() / 8;
  }

  /** The plan, as {@code privmed compile --explain} prints it (for the model owner). */
  public String explain() {
    return explain(true);
  }

  /**
   * The plan as clients may see it: the same, less what describes the model itself (polynomial
   * coefficients, which may be trained, and the calibration ranges measured on the owner's data).
   */
  public String explainForClients() {
    return explain(false);
  }

  private String explain(boolean owner) {
    StringBuilder sb = new StringBuilder();
    Locale l = Locale.ROOT;
    sb.append(String.format(l, "HE program for model %s, packing %s%n", model.name(), packing));
    sb.append(String.format(l, "parameters: N = %d (%d slots), q bits %s, special prime bits %s, "
            + "dnum %d, scale 2^%.0f, log2(QP) = %.1f (128-bit bound %s), id %016x%n",
        params.ringDegree(), params.slots(), Arrays.toString(params.qBits()),
        Arrays.toString(params.pBits()), params.dnum(), Math.log(params.defaultScale()) / Math.log(2),
        params.logQP(), org.privmed.he.security.SecurityTable.maxLogQP(params.ringDegree(),
            org.privmed.he.security.SecurityLevel.CLASSICAL_128), params.id()));
    sb.append(String.format(l, "input layout: %s, %d values%s; %d input ciphertext(s), %d image(s) "
            + "per batch%n", layout.kind(), layout.size(),
        packing == Packing.LATENCY ? " replicated with period " + inputPeriod : " (one ciphertext each)",
        inputCiphertexts(), imagesPerBatch()));
    if (owner) {
      sb.append(String.format(l, "calibration: %s; max |input| %.3g%n", calibrationSource, maxAbs[0]));
    }
    sb.append("stages:\n");
    for (int i = 0; i < stages.size(); i++) {
      Stage s = stages.get(i);
      sb.append(String.format(l, "  %d. level %d -> %d  ", i, stageLevels[i],
          stageLevels[i] - stageDepth(s, integerWeights)));
      if (s instanceof LinearStage ls) {
        sb.append(String.format(l, "linear %d -> %d [%s], %d nonzero weights", ls.cols(), ls.rows(),
            ls.label(), ls.nonZeros()));
        if (plans[i] != null) {
          DiagonalPlan p = plans[i];
          sb.append(String.format(l, "; %s: %d products, %d baby (hoisted) + %d giant + %d "
                  + "rotate-and-sum rotations %s", p.description(), p.diagonalCount(),
              p.babySteps().length, p.giantSteps().length, p.sumSteps().length, p.rotations()));
        } else if (integerWeights) {
          sb.append(String.format(l, "; integer weights at scale 2^%.1f, no rescale, no rotations",
              Math.log(linearOutputScale(i) / params.defaultScale()) / Math.log(2)));
        } else {
          sb.append("; constant multiplications, no rotations");
        }
      } else {
        PolynomialStage ps = (PolynomialStage) s;
        sb.append(String.format(l, "polynomial degree %d%s [%s]", ps.degree(),
            owner ? " " + Arrays.toString(ps.coefficients()) : "", ps.label()));
      }
      sb.append(owner ? String.format(l, "; max |out| %.3g%n", maxAbs[i + 1]) : "\n");
    }
    long keyBytes = switchingKeyBytes();
    sb.append(String.format(l, "keys: relinearization %s (%s), Galois keys for %d rotation steps %s "
            + "(%s); total evaluation keys about %s%n",
        needsRelinKey() ? "yes" : "no", bytes(keyBytes), rotationSteps.length,
        Arrays.toString(rotationSteps), bytes(keyBytes * rotationSteps.length),
        bytes(keyBytes * (rotationSteps.length + (needsRelinKey() ? 1 : 0)))));
    sb.append(String.format(l, "key switches per evaluation: %d%n", keySwitches()));
    sb.append(String.format(l, "ciphertexts: input %d x %s (seeded), output %d x %s; upload per image "
            + "%s%n", inputCiphertexts(), bytes(inputCiphertextBytes()), outputCiphertexts(),
        bytes(outputCiphertextBytes()), bytes(inputCiphertextBytes() * inputCiphertexts()
            / imagesPerBatch())));
    if (owner) {
      sb.append(String.format(l, "predicted max |logit error| %.3g (about %.1f bits below the largest "
              + "logit %.3g)%n", predictedError, Math.log(maxAbs[stages.size()] / predictedError)
              / Math.log(2), maxAbs[stages.size()]));
    } else {
      sb.append(String.format(l, "predicted max |logit error| %.3g%n", predictedError));
    }
    return sb.toString();
  }

  private static String bytes(long b) {
    if (b >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MB", b / 1048576.0);
    }
    return String.format(Locale.ROOT, "%.1f KB", b / 1024.0);
  }

  // ------------------------------------------------------------------ serialization

  public byte[] toBytes() {
    return SealedForm.write(MAGIC, VERSION, out -> {
      out.writeUTF(packing.name());
      byte[] p = HeSerializer.writeParameters(params);
      out.writeInt(p.length);
      out.write(p);
      byte[] m = ModelFile.toBytes(model);
      out.writeInt(m.length);
      out.write(m);
      out.writeInt(maxAbs.length);
      for (double v : maxAbs) {
        out.writeDouble(v);
      }
      out.writeUTF(calibrationSource);
    });
  }

  /**
   * @throws ProgramFormatException for truncated, altered or unknown bytes
   */
  public static HeProgram fromBytes(byte[] data) {
    return SealedForm.read(data, "HE program", MAGIC, VERSION, 0, in -> {
      Packing packing = Packing.valueOf(in.readUTF());
      CkksParameters params = HeSerializer.readParameters(readBlock(in, "parameters"));
      Model model = ModelFile.fromBytes(readBlock(in, "model"), "HE program");
      int n = in.readInt();
      if (n < 1 || n > 100_000) {
        throw new ProgramFormatException("HE program: " + n + " calibration ranges is implausible");
      }
      double[] maxAbs = new double[n];
      for (int i = 0; i < n; i++) {
        maxAbs[i] = in.readDouble();
        if (!(maxAbs[i] > 0) || !Double.isFinite(maxAbs[i])) {
          throw new ProgramFormatException("HE program: calibration range " + i + " is " + maxAbs[i]);
        }
      }
      String source = in.readUTF();
      if (in.available() != 0) {
        throw new ProgramFormatException("HE program: " + in.available() + " trailing bytes");
      }
      return new HeProgram(model, packing, params, maxAbs, source);
    });
  }

  private static byte[] readBlock(DataInputStream in, String what) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > in.available()) {
      throw new ProgramFormatException("HE program: " + what + " block of " + len + " bytes exceeds the "
          + in.available() + " left");
    }
    return in.readNBytes(len);
  }


  /** Stage list for tests and tools. */
  public List<String> stageLabels() {
    List<String> out = new ArrayList<>();
    for (Stage s : stages) {
      out.add(s.label());
    }
    return out;
  }
}
