package org.privmed.infer.bfv;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.privmed.he.bfv.BatchEncoder;
import org.privmed.he.bfv.BfvCiphertext;
import org.privmed.he.bfv.BfvContext;
import org.privmed.he.bfv.BfvDecryptor;
import org.privmed.he.bfv.BfvEncryptor;
import org.privmed.he.rlwe.KeyGenerator;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.he.rlwe.SecretKey;

/**
 * The client side of a {@link BfvProgram}: one secret key per plaintext prime (each prime has its
 * own parameter set), quantization of the images with the program's input scale, batching (slot b
 * = image b), symmetric seeded encryption under every prime, decryption of the residues and their
 * recombination by the CRT into signed integer logits. The secret keys never leave this object;
 * the server gets {@link #relinearizationKey} only.
 */
public final class BfvClient {
  private final BfvClientProgram program;
  private final List<BfvContext> contexts;
  private final List<SecretKey> secretKeys = new ArrayList<>();
  private final List<RelinearizationKey> relinKeys = new ArrayList<>();
  private final CrtRecombiner crt;

  /** Fresh keys for an owner's program (benchmarks and tests: owner and client in one process). */
  public BfvClient(BfvProgram program, List<BfvContext> contexts) {
    this(BfvClientProgram.of(program), contexts, null);
  }

  /**
   * @param contexts one per plaintext prime, in the program's order
   * @param secretKeys one per prime (keys loaded from the client's key directory), or null to
   *     generate fresh ones (SecureRandom-seeded inside {@link KeyGenerator}) with their
   *     relinearization keys
   */
  public BfvClient(BfvClientProgram program, List<BfvContext> contexts, List<SecretKey> secretKeys) {
    if (contexts.size() != program.primeCount()) {
      throw new IllegalArgumentException(contexts.size() + " contexts for " + program.primeCount()
          + " plaintext primes");
    }
    if (secretKeys != null && secretKeys.size() != contexts.size()) {
      throw new IllegalArgumentException(secretKeys.size() + " secret keys for " + contexts.size() + " primes");
    }
    for (int i = 0; i < contexts.size(); i++) {
      if (contexts.get(i).paramsId() != program.parameters().get(i).id()) {
        throw new IllegalArgumentException("context " + i + " is not the parameter set of plaintext prime " + i);
      }
      if (secretKeys != null && secretKeys.get(i).paramsId() != contexts.get(i).paramsId()) {
        throw new IllegalArgumentException("secret key " + i + " belongs to another parameter set than prime " + i);
      }
    }
    this.program = program;
    this.contexts = List.copyOf(contexts);
    for (int i = 0; i < contexts.size(); i++) {
      if (secretKeys == null) {
        KeyGenerator kg = new KeyGenerator(contexts.get(i).rlwe());
        this.secretKeys.add(kg.secretKey());
        relinKeys.add(kg.relinearizationKey());
      } else {
        this.secretKeys.add(secretKeys.get(i));
      }
    }
    this.crt = new CrtRecombiner(program.plainPrimes());
  }

  /** The secret key of one prime, for the client's own key directory only. */
  public SecretKey secretKey(int prime) {
    return secretKeys.get(prime);
  }

  /** The relinearization key of one prime (only for keys generated here, not loaded ones). */
  public RelinearizationKey relinearizationKey(int prime) {
    if (relinKeys.isEmpty()) {
      throw new IllegalStateException("keys loaded from disk: the relinearization keys are in the key directory");
    }
    return relinKeys.get(prime);
  }

  /** The quantized inputs of a batch, [image][value]: what the integer reference evaluates. */
  public long[][] quantize(float[][] images) {
    long[][] q = new long[images.length][];
    for (int b = 0; b < images.length; b++) {
      q[b] = program.quantize(images[b]);
    }
    return q;
  }

  /**
   * Encrypts a batch of 1 to N images under every prime: [prime][value], the ciphertext of value j
   * holding image b's quantized value j in slot b.
   */
  public BfvCiphertext[][] encrypt(float[][] images, int threads) {
    long[][] q = quantizeBatch(images);
    BfvCiphertext[][] out = new BfvCiphertext[contexts.size()][];
    for (int p = 0; p < contexts.size(); p++) {
      out[p] = encrypt(q, p, threads);
    }
    return out;
  }

  /**
   * The batch under one prime only: [value]. A caller that evaluates prime after prime holds one
   * prime's inputs at a time (cryptonets-all at 12 bits: 3,072 ciphertexts of four limbs per prime,
   * 1.5 GB, against 7.7 GB for all five primes at once).
   */
  public BfvCiphertext[] encrypt(float[][] images, int prime, int threads) {
    if (prime < 0 || prime >= contexts.size()) {
      throw new IllegalArgumentException("prime index " + prime + " outside [0, " + contexts.size() + ")");
    }
    return encrypt(quantizeBatch(images), prime, threads);
  }

  private long[][] quantizeBatch(float[][] images) {
    int max = program.imagesPerBatch();
    if (images.length < 1 || images.length > max) {
      throw new IllegalArgumentException("a batch takes 1 to " + max + " images, got " + images.length);
    }
    return quantize(images);
  }

  private BfvCiphertext[] encrypt(long[][] q, int p, int threads) {
    int values = program.inputSize();
    int level = program.inputLevel();
    BfvCiphertext[] row = new BfvCiphertext[values];
    int workers = Math.max(1, Math.min(threads, values));
    ExecutorService pool = workers == 1 ? null : Executors.newFixedThreadPool(workers);
    try {
      BfvContext ctx = contexts.get(p);
      BatchEncoder encoder = new BatchEncoder(ctx);
      SecretKey sk = secretKeys.get(p);
      List<Future<?>> jobs = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int from = (int) ((long) values * w / workers);
        int to = (int) ((long) values * (w + 1) / workers);
        Runnable job = () -> {
          BfvEncryptor enc = new BfvEncryptor(ctx, sk); // encryptors keep a PRNG: one per worker
          long[] slots = new long[q.length];
          for (int j = from; j < to; j++) {
            for (int b = 0; b < q.length; b++) {
              slots[b] = q[b][j];
            }
            row[j] = enc.encrypt(encoder.encode(slots), level);
          }
        };
        if (pool == null) {
          job.run();
        } else {
          jobs.add(pool.submit(job));
        }
      }
      for (Future<?> f : jobs) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during encryption", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } finally {
      if (pool != null) {
        pool.shutdown();
      }
    }
    return row;
  }

  /** Decrypts [prime][class] outputs and joins the residues: [image][class] integer logits. */
  public BigInteger[][] decrypt(BfvCiphertext[][] outputs, int count) {
    checkOutputs(outputs);
    int classes = program.classes();
    if (count < 1 || count > program.imagesPerBatch()) {
      throw new IllegalArgumentException("image count must be in [1, " + program.imagesPerBatch() + "], got " + count);
    }
    int k = contexts.size();
    long[][][] residues = new long[k][classes][];
    for (int p = 0; p < k; p++) {
      BfvContext ctx = contexts.get(p);
      BatchEncoder encoder = new BatchEncoder(ctx);
      BfvDecryptor dec = new BfvDecryptor(ctx, secretKeys.get(p));
      for (int c = 0; c < classes; c++) {
        // the plan only predicts the noise: an output whose measured budget is gone may decrypt to
        // wrong integers, and the CRT would join them into a plausible-looking wrong logit
        if (dec.invariantNoiseBudget(outputs[p][c]) == 0) {
          throw new IllegalStateException("prime " + p + " (t = " + ctx.params().plainModulus()
              + "), output " + c + ": no noise budget left, so its decryption may be wrong; nothing"
              + " is returned (a plan whose noise estimate was too optimistic: compile it with a"
              + " larger minimum budget)");
        }
        residues[p][c] = encoder.decode(dec.decrypt(outputs[p][c]));
      }
    }
    BigInteger[][] logits = new BigInteger[count][classes];
    long[] r = new long[k];
    for (int b = 0; b < count; b++) {
      for (int c = 0; c < classes; c++) {
        for (int p = 0; p < k; p++) {
          r[p] = residues[p][c][b];
        }
        logits[b][c] = crt.combine(r);
      }
    }
    return logits;
  }

  /** The smallest invariant noise budget (bits) among the outputs, over all primes. */
  public int noiseBudget(BfvCiphertext[][] outputs) {
    checkOutputs(outputs);
    int min = Integer.MAX_VALUE;
    for (int p = 0; p < contexts.size(); p++) {
      BfvDecryptor dec = new BfvDecryptor(contexts.get(p), secretKeys.get(p));
      for (BfvCiphertext c : outputs[p]) {
        min = Math.min(min, dec.invariantNoiseBudget(c));
      }
    }
    return min;
  }

  private void checkOutputs(BfvCiphertext[][] outputs) {
    int classes = program.classes();
    if (outputs.length != contexts.size()) {
      throw new IllegalArgumentException(outputs.length + " output sets for " + contexts.size() + " primes");
    }
    for (int p = 0; p < outputs.length; p++) {
      if (outputs[p].length != classes) {
        throw new IllegalArgumentException("prime " + p + ": " + outputs[p].length + " outputs, the program has "
            + classes + " classes");
      }
    }
  }
}
