package org.privmed.bench.he;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.privmed.bench.timing.OpTiming;
import org.privmed.bench.timing.RepeatedTimer;
import org.privmed.he.bfv.BatchEncoder;
import org.privmed.he.bfv.BfvCiphertext;
import org.privmed.he.bfv.BfvContext;
import org.privmed.he.bfv.BfvDecryptor;
import org.privmed.he.bfv.BfvEncryptor;
import org.privmed.he.bfv.BfvEvaluator;
import org.privmed.he.bfv.BfvParameters;
import org.privmed.he.bfv.BfvPlaintext;
import org.privmed.he.rlwe.KeyGenerator;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.he.serial.BfvSerializer;

/**
 * The per-operation BFV benchmark behind {@code privmed bench he --scheme bfv}, at the parameter set
 * SEAL 4.4.3 was measured with on this machine ({@link BfvParameters#presetSeal()}), in the output
 * format of {@link HeOpsBenchmark}. Every operation runs on fresh operands, as SEAL's sealbench does;
 * {@code relinearize} starts from the product of two fresh ciphertexts.
 */
public final class BfvOpsBenchmark {

  /** Operation names in output order; the JSON field "op" uses exactly these. */
  public static final List<String> OPS = List.of("encode", "encrypt_pk", "encrypt_sk", "decrypt",
      "decode", "add", "multiply_plain", "multiply", "relinearize", "multiply_relinearize",
      "rotate_rows", "rotate_columns", "mod_switch_to_next");

  /** The name of the one BFV parameter set in the output. */
  public static final String SET_NAME = "SEAL";

  private final RepeatedTimer timer;
  private final int threads;

  public BfvOpsBenchmark(RepeatedTimer timer, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.timer = timer;
    this.threads = threads;
  }

  public HeOpsBenchmark.Result run(BfvParameters params, HeOpsBenchmark.Progress progress) {
    try (BfvContext ctx = new BfvContext(params, threads)) {
      KeyGenerator keygen = new KeyGenerator(ctx.rlwe());
      RelinearizationKey rlk = keygen.relinearizationKey();
      BfvEvaluator eval = new BfvEvaluator(ctx, rlk, keygen.galoisKeys(
          ctx.galoisElementForRowRotation(1), ctx.galoisElementForColumnRotation()));
      BatchEncoder encoder = new BatchEncoder(ctx);
      BfvEncryptor encryptor = new BfvEncryptor(ctx, keygen.publicKey());
      BfvEncryptor symmetric = new BfvEncryptor(ctx, keygen.secretKey());
      BfvDecryptor decryptor = new BfvDecryptor(ctx, keygen.secretKey());

      int n = ctx.ringDegree();
      int limbs = params.qPrimes().length;
      Random rnd = new Random(42);
      long[] values = new long[n];
      for (int i = 0; i < n; i++) {
        values[i] = Math.floorMod(rnd.nextLong(), params.plainModulus());
      }
      BfvPlaintext pt = encoder.encode(values);
      BfvCiphertext ct1 = encryptor.encrypt(pt);
      BfvCiphertext ct2 = encryptor.encrypt(pt);
      BfvCiphertext product = eval.multiply(ct1, ct2);

      List<OpTiming> ops = new ArrayList<>();
      Consumer<OpTiming> record = t -> {
        ops.add(t);
        progress.op(SET_NAME, t);
      };
      record.accept(timer.time("encode", n, limbs, () -> encoder.encode(values)));
      record.accept(timer.time("encrypt_pk", n, limbs, () -> encryptor.encrypt(pt)));
      record.accept(timer.time("encrypt_sk", n, limbs, () -> symmetric.encrypt(pt)));
      record.accept(timer.time("decrypt", n, limbs, () -> decryptor.decrypt(ct1)));
      BfvPlaintext decrypted = decryptor.decrypt(ct1);
      record.accept(timer.time("decode", n, limbs, () -> encoder.decode(decrypted)));
      record.accept(timer.time("add", n, limbs, () -> eval.add(ct1, ct2)));
      record.accept(timer.time("multiply_plain", n, limbs, () -> eval.multiplyPlain(ct1, pt)));
      record.accept(timer.time("multiply", n, limbs, () -> eval.multiply(ct1, ct2)));
      record.accept(timer.time("relinearize", n, limbs, () -> eval.relinearize(product)));
      record.accept(timer.time("multiply_relinearize", n, limbs,
          () -> eval.multiplyRelinearize(ct1, ct2)));
      record.accept(timer.time("rotate_rows", n, limbs, () -> eval.rotateRows(ct1, 1)));
      record.accept(timer.time("rotate_columns", n, limbs, () -> eval.rotateColumns(ct1)));
      record.accept(timer.time("mod_switch_to_next", n, limbs, () -> eval.modSwitchToNext(ct1)));

      BfvSerializer serializer = new BfvSerializer(ctx);
      Map<String, Long> sizes = new LinkedHashMap<>();
      sizes.put("ciphertext_bytes", (long) serializer.write(ct1).length);
      sizes.put("ciphertext_seeded_bytes", (long) serializer.write(symmetric.encrypt(pt)).length);
      sizes.put("relin_key_bytes", (long) serializer.write(rlk).length);
      sizes.put("galois_key_bytes",
          (long) serializer.write(keygen.galoisKeys(ctx.galoisElementForRowRotation(1))).length);
      Map<String, Long> budget = new LinkedHashMap<>();
      budget.put("fresh", (long) decryptor.invariantNoiseBudget(ct1));
      BfvCiphertext relinearized = eval.relinearize(product);
      budget.put("after_multiply_relinearize", (long) decryptor.invariantNoiseBudget(relinearized));
      budget.put("after_multiply_relinearize_mod_switch",
          (long) decryptor.invariantNoiseBudget(eval.modSwitchToNext(relinearized)));
      sizes.put("ciphertext_one_prime_dropped_bytes",
          (long) serializer.write(eval.modSwitchToNext(ct1)).length);
      return new HeOpsBenchmark.Result(SET_NAME, ParamSummary.of(params), threads, List.copyOf(ops),
          sizes, budget);
    }
  }
}
