package org.privmed.bench.he;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.privmed.bench.timing.OpTiming;
import org.privmed.bench.timing.RepeatedTimer;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.ckks.CkksDecryptor;
import org.privmed.he.ckks.CkksEncoder;
import org.privmed.he.ckks.CkksEncryptor;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.he.ckks.Evaluator;
import org.privmed.he.ckks.Plaintext;
import org.privmed.he.math.NttTables;
import org.privmed.he.rlwe.GaloisKeys;
import org.privmed.he.rlwe.KeyGenerator;
import org.privmed.he.rlwe.PublicKey;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.he.rlwe.SecretKey;
import org.privmed.he.serial.HeSerializer;

/**
 * The per-operation CKKS benchmark behind {@code privmed bench he}: the operation list and the
 * two parameter sets are the ones Microsoft SEAL 4.4.3 was measured with on this machine, so that
 * docs/performance.md can put each median beside SEAL's.
 *
 * <p>Every operation runs on fresh, full-level operands (what SEAL's own {@code sealbench} does);
 * {@code rescale} starts from the product of two fresh ciphertexts, and {@code rotate_hoisted_8}
 * rotates one ciphertext by the steps 1..8 with one shared key-switch decomposition.
 */
public final class HeOpsBenchmark {

  /** Operation names in output order; the JSON field "op" uses exactly these. */
  public static final List<String> OPS = List.of("ntt_forward", "ntt_inverse", "encode",
      "encrypt_pk", "decrypt", "decode", "add", "multiply_plain", "multiply", "relinearize",
      "rescale", "rotate", "rotate_hoisted_8");

  private static final int[] HOISTED_STEPS = {1, 2, 3, 4, 5, 6, 7, 8};

  private final RepeatedTimer timer;
  private final int threads;

  public HeOpsBenchmark(RepeatedTimer timer, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.timer = timer;
    this.threads = threads;
  }

  /** The measured operations and object sizes of one parameter set. */
  public record Result(String name, ParamSummary params, int threads, List<OpTiming> ops,
      Map<String, Long> sizes, Map<String, Long> noiseBudgetBits) {}

  /** Progress lines go to this sink (stderr in the CLI), one per operation. */
  public interface Progress {
    void op(String paramSet, OpTiming timing);
  }

  public Result run(String name, CkksParameters params, Progress progress) {
    try (CkksContext ctx = new CkksContext(params, threads)) {
      KeyGenerator keygen = new KeyGenerator(ctx.rlwe());
      SecretKey sk = keygen.secretKey();
      PublicKey pk = keygen.publicKey();
      RelinearizationKey rlk = keygen.relinearizationKey();
      GaloisKeys gk = keygen.galoisKeys(ctx.galoisElementsForRotations(HOISTED_STEPS));
      GaloisKeys oneStep = keygen.galoisKeys(ctx.galoisElementsForRotations(1));

      CkksEncoder encoder = new CkksEncoder(ctx);
      CkksEncryptor encryptor = new CkksEncryptor(ctx, pk);
      CkksEncryptor symmetric = new CkksEncryptor(ctx, sk);
      CkksDecryptor decryptor = new CkksDecryptor(ctx, sk);
      Evaluator eval = new Evaluator(ctx, rlk, gk);

      int n = ctx.ringDegree();
      int top = ctx.maxLevel();
      int limbs = top + 1;
      double scale = params.defaultScale();
      Random rnd = new Random(42);
      double[] values = new double[ctx.slots()];
      for (int i = 0; i < values.length; i++) {
        values[i] = rnd.nextDouble() * 2 - 1;
      }
      Plaintext pt = encoder.encode(values, top, scale);
      Ciphertext ct1 = encryptor.encrypt(pt);
      Ciphertext ct2 = encryptor.encrypt(pt);
      Ciphertext product = eval.multiply(ct1, ct2);
      Ciphertext relinearized = eval.relinearize(product);

      NttTables ntt = ctx.rlwe().q().ntt(0);
      long[] limb = ct1.poly(0).limb(0).clone();

      List<OpTiming> ops = new ArrayList<>();
      java.util.function.Consumer<OpTiming> record = t -> {
        ops.add(t);
        progress.op(name, t);
      };
      // The inverse is timed by alternating with the forward transform: both keep values in [0, q).
      record.accept(timer.time("ntt_forward", n, 1, () -> ntt.forward(limb)));
      record.accept(timer.time("ntt_inverse", n, 1, () -> ntt.inverse(limb)));
      record.accept(timer.time("encode", n, limbs, () -> encoder.encode(values, top, scale)));
      record.accept(timer.time("encrypt_pk", n, limbs, () -> encryptor.encrypt(pt)));
      record.accept(timer.time("decrypt", n, limbs, () -> decryptor.decrypt(ct1)));
      Plaintext decrypted = decryptor.decrypt(ct1);
      record.accept(timer.time("decode", n, limbs, () -> encoder.decode(decrypted)));
      record.accept(timer.time("add", n, limbs, () -> eval.add(ct1, ct2)));
      record.accept(timer.time("multiply_plain", n, limbs, () -> eval.multiplyPlain(ct1, pt)));
      record.accept(timer.time("multiply", n, limbs, () -> eval.multiply(ct1, ct2)));
      record.accept(timer.time("relinearize", n, limbs, () -> eval.relinearize(product)));
      record.accept(timer.time("rescale", n, limbs, () -> eval.rescale(relinearized)));
      record.accept(timer.time("rotate", n, limbs, () -> eval.rotate(ct1, 1)));
      record.accept(timer.time("rotate_hoisted_8", n, limbs,
          () -> eval.rotateHoisted(ct1, HOISTED_STEPS)));

      HeSerializer serializer = new HeSerializer(ctx);
      Map<String, Long> sizes = new LinkedHashMap<>();
      sizes.put("ciphertext_bytes", (long) serializer.write(ct1).length);
      sizes.put("ciphertext_seeded_bytes", (long) serializer.write(symmetric.encrypt(pt)).length);
      sizes.put("relin_key_bytes", (long) serializer.write(rlk).length);
      sizes.put("galois_key_bytes", (long) serializer.write(oneStep).length);
      return new Result(name, ParamSummary.of(params), threads, List.copyOf(ops), sizes, Map.of());
    }
  }
}
