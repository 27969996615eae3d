// Run (after `mvn -q -B -o install -Dmaven.test.skip=true` in the repository root):
//   java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp 'privmed-cli/target/lib/*' org.openjdk.jmh.Main BfvOpsJmhBenchmark
// A short check (one fork, 2 warm-up and 3 measured iterations):
//   java -cp 'privmed-cli/target/lib/*' org.openjdk.jmh.Main BfvOpsJmhBenchmark -f 1 -wi 2 -i 3 -w 1 -r 1
package org.privmed.bench.jmh;

import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.privmed.he.bfv.BatchEncoder;
import org.privmed.he.bfv.BfvCiphertext;
import org.privmed.he.bfv.BfvContext;
import org.privmed.he.bfv.BfvDecryptor;
import org.privmed.he.bfv.BfvEncryptor;
import org.privmed.he.bfv.BfvEvaluator;
import org.privmed.he.bfv.BfvParameters;
import org.privmed.he.bfv.BfvPlaintext;
import org.privmed.he.rlwe.KeyGenerator;

/**
 * JMH counterpart of {@code privmed bench he --scheme bfv}: the BFV operations at SEAL's measurement
 * set ({@link BfvParameters#presetSeal()}: N = 8192, q = {43, 43, 44, 44 | 44}, 20-bit t), single
 * thread, fresh operands. Keys and operands are built once per trial, so only the operation is
 * timed. Results are average times in milliseconds.
 */
public class BfvOpsJmhBenchmark extends HeOpsMeasurement {
  private BfvContext ctx;
  private BatchEncoder encoder;
  private BfvEncryptor encryptor;
  private BfvDecryptor decryptor;
  private BfvEvaluator eval;
  private long[] values;
  private BfvPlaintext plain;
  private BfvCiphertext ct1;
  private BfvCiphertext ct2;
  private BfvCiphertext product;

  @Setup(Level.Trial)
  public void setUp() {
    ctx = new BfvContext(BfvParameters.presetSeal(), 1);
    KeyGenerator keygen = new KeyGenerator(ctx.rlwe());
    encoder = new BatchEncoder(ctx);
    encryptor = new BfvEncryptor(ctx, keygen.publicKey());
    decryptor = new BfvDecryptor(ctx, keygen.secretKey());
    eval = new BfvEvaluator(ctx, keygen.relinearizationKey(), keygen.galoisKeys(
        ctx.galoisElementForRowRotation(1), ctx.galoisElementForColumnRotation()));
    Random rnd = new Random(42);
    values = new long[ctx.ringDegree()];
    long t = ctx.params().plainModulus();
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.floorMod(rnd.nextLong(), t);
    }
    plain = encoder.encode(values);
    ct1 = encryptor.encrypt(plain);
    ct2 = encryptor.encrypt(plain);
    product = eval.multiply(ct1, ct2);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ctx.close();
  }

  @Benchmark
  public BfvPlaintext encode() {
    return encoder.encode(values);
  }

  @Benchmark
  public BfvCiphertext encrypt_pk() {
    return encryptor.encrypt(plain);
  }

  @Benchmark
  public BfvPlaintext decrypt() {
    return decryptor.decrypt(ct1);
  }

  @Benchmark
  public BfvCiphertext add() {
    return eval.add(ct1, ct2);
  }

  @Benchmark
  public BfvCiphertext multiply_plain() {
    return eval.multiplyPlain(ct1, plain);
  }

  @Benchmark
  public BfvCiphertext multiply() {
    return eval.multiply(ct1, ct2);
  }

  @Benchmark
  public BfvCiphertext relinearize() {
    return eval.relinearize(product);
  }

  @Benchmark
  public BfvCiphertext multiply_relinearize() {
    return eval.multiplyRelinearize(ct1, ct2);
  }

  @Benchmark
  public BfvCiphertext rotate_rows() {
    return eval.rotateRows(ct1, 1);
  }

  @Benchmark
  public BfvCiphertext rotate_columns() {
    return eval.rotateColumns(ct1);
  }
}
