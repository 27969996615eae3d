// Run (after `mvn -q -B -o install -Dmaven.test.skip=true` in the repository root):
//   java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp 'privmed-cli/target/lib/*' org.openjdk.jmh.Main CkksOpsBenchmark
// A short check (one fork, 2 warm-up and 3 measured iterations, preset A only):
//   java -cp 'privmed-cli/target/lib/*' org.openjdk.jmh.Main CkksOpsBenchmark -f 1 -wi 2 -i 3 -w 1 -r 1 -p preset=A
package org.privmed.bench.jmh;

import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.ckks.CkksDecryptor;
import org.privmed.he.ckks.CkksEncoder;
import org.privmed.he.ckks.CkksEncryptor;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.he.ckks.Evaluator;
import org.privmed.he.ckks.Plaintext;
import org.privmed.he.math.NttTables;
import org.privmed.he.rlwe.KeyGenerator;
import org.privmed.he.rlwe.SecretKey;

/**
 * JMH counterpart of {@code privmed bench he}: the same operation list on the same two parameter
 * sets (A: N = 8192, B: N = 16384; see {@link CkksParameters#presetA()} and {@link
 * CkksParameters#presetB()}), single thread, fresh full-level operands, as SEAL's sealbench measures
 * them. Keys and operands are built once per trial in {@link Setup}, so only the operation is timed.
 *
 * <p>Results are average times in milliseconds. The two NTT benchmarks transform one limb in place,
 * again and again: both transforms map [0, q) to [0, q), so every call gets a valid input.
 */
public class CkksOpsBenchmark extends HeOpsMeasurement {
  private static final int[] HOISTED_STEPS = {1, 2, 3, 4, 5, 6, 7, 8};

  /** Parameter set name: A or B, as in {@code privmed bench he --set}. */
  @Param({"A", "B"})
  public String preset;

  private CkksContext ctx;
  private CkksEncoder encoder;
  private CkksEncryptor encryptor;
  private CkksDecryptor decryptor;
  private Evaluator eval;
  private NttTables ntt;
  private long[] limb;
  private double[] values;
  private double scale;
  private int top;
  private Plaintext plain;
  private Plaintext decrypted;
  private Ciphertext ct1;
  private Ciphertext ct2;
  private Ciphertext product;
  private Ciphertext relinearized;

  @Setup(Level.Trial)
  public void setUp() {
    CkksParameters params = switch (preset) {
      case "A" -> CkksParameters.presetA();
      case "B" -> CkksParameters.presetB();
      default -> throw new IllegalArgumentException("unknown preset '" + preset + "' (expected A or B)");
    };
    ctx = new CkksContext(params, 1);
    KeyGenerator keygen = new KeyGenerator(ctx.rlwe());
    SecretKey sk = keygen.secretKey();
    encoder = new CkksEncoder(ctx);
    encryptor = new CkksEncryptor(ctx, keygen.publicKey());
    decryptor = new CkksDecryptor(ctx, sk);
    eval = new Evaluator(ctx, keygen.relinearizationKey(),
        keygen.galoisKeys(ctx.galoisElementsForRotations(HOISTED_STEPS)));
    top = ctx.maxLevel();
    scale = params.defaultScale();
    // fixed seed: the operands only need to be typical, and a fixed seed keeps trials comparable
    Random rnd = new Random(42);
    values = new double[ctx.slots()];
    for (int i = 0; i < values.length; i++) {
      values[i] = rnd.nextDouble() * 2 - 1;
    }
    plain = encoder.encode(values, top, scale);
    ct1 = encryptor.encrypt(plain);
    ct2 = encryptor.encrypt(plain);
    product = eval.multiply(ct1, ct2);
    relinearized = eval.relinearize(product);
    decrypted = decryptor.decrypt(ct1);
    ntt = ctx.rlwe().q().ntt(0);
    limb = ct1.poly(0).limb(0).clone();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ctx.close();
  }

  @Benchmark
  public long[] ntt_forward() {
    ntt.forward(limb);
    return limb;
  }

  @Benchmark
  public long[] ntt_inverse() {
    ntt.inverse(limb);
    return limb;
  }

  @Benchmark
  public Plaintext encode() {
    return encoder.encode(values, top, scale);
  }

  @Benchmark
  public Ciphertext encrypt_pk() {
    return encryptor.encrypt(plain);
  }

  @Benchmark
  public Plaintext decrypt() {
    return decryptor.decrypt(ct1);
  }

  @Benchmark
  public double[][] decode() {
    return encoder.decode(decrypted);
  }

  @Benchmark
  public Ciphertext add() {
    return eval.add(ct1, ct2);
  }

  @Benchmark
  public Ciphertext multiply_plain() {
    return eval.multiplyPlain(ct1, plain);
  }

  @Benchmark
  public Ciphertext multiply() {
    return eval.multiply(ct1, ct2);
  }

  @Benchmark
  public Ciphertext relinearize() {
    return eval.relinearize(product);
  }

  @Benchmark
  public Ciphertext rescale() {
    return eval.rescale(relinearized);
  }

  @Benchmark
  public Ciphertext rotate() {
    return eval.rotate(ct1, 1);
  }

  @Benchmark
  public Ciphertext[] rotate_hoisted_8() {
    return eval.rotateHoisted(ct1, HOISTED_STEPS);
  }
}
