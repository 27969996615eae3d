package org.privmed.infer.runtime;

import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.ckks.CkksDecryptor;
import org.privmed.he.ckks.CkksEncoder;
import org.privmed.he.ckks.CkksEncryptor;
import org.privmed.he.rlwe.SecretKey;
import org.privmed.infer.compile.ClientProgram;
import org.privmed.infer.compile.Packing;
import org.privmed.infer.plan.InputLayout;

/**
 * The client's side of a compiled program, from its {@link ClientProgram} (the form without the
 * model's weights): normalises, arranges, encodes and encrypts images under its secret key, and
 * decrypts the logits. Encryption is symmetric (seeded), so each input
 * ciphertext travels as one polynomial plus a 32-byte seed — half a public-key ciphertext.
 */
public final class ClientSession {
  private static final int TRANSPOSE = 8;
  private final ClientProgram program;
  private final CkksContext ctx;
  private final CkksEncoder encoder;
  private final CkksEncryptor encryptor;
  private final CkksDecryptor decryptor;

  public ClientSession(ClientProgram program, CkksContext ctx, SecretKey sk) {
    if (ctx.paramsId() != program.parameters().id()) {
      throw new IllegalArgumentException(String.format("context parameters %016x differ from the "
          + "program's %016x", ctx.paramsId(), program.parameters().id()));
    }
    if (sk.paramsId() != program.parameters().id()) {
      throw new IllegalArgumentException(String.format("secret key belongs to parameters %016x, the "
          + "program uses %016x", sk.paramsId(), program.parameters().id()));
    }
    this.program = program;
    this.ctx = ctx;
    this.encoder = new CkksEncoder(ctx);
    this.encryptor = new CkksEncryptor(ctx, sk);
    this.decryptor = new CkksDecryptor(ctx, sk);
  }

  public ClientProgram program() {
    return program;
  }

  /**
   * @param images pixels in [0, 1], C×H×W each; exactly 1 image (latency) or 1 to
   *     {@link ClientProgram#imagesPerBatch()} (throughput)
   */
  public Ciphertext[] encrypt(float[][] images) {
    int max = program.imagesPerBatch();
    if (images == null || images.length < 1 || images.length > max) {
      throw new IllegalArgumentException("a " + program.packing() + " batch takes 1 to " + max
          + " images, got " + (images == null ? "null" : images.length));
    }
    InputLayout layout = program.layout();
    double[][] arranged = new double[images.length][];
    for (int b = 0; b < images.length; b++) {
      if (images[b] == null) {
        throw new IllegalArgumentException("image " + b + " is null");
      }
      for (float v : images[b]) {
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("image " + b + " holds a non-finite pixel " + v);
        }
      }
      arranged[b] = layout.arrange(program.normalize(images[b]));
    }
    int top = program.inputLevel();
    double scale = program.inputScale();
    int slots = ctx.slots();
    if (program.packing() == Packing.LATENCY) {
      int period = program.inputPeriod();
      double[] v = new double[slots];
      for (int j = 0; j < slots; j++) {
        int i = j % period;
        v[j] = i < arranged[0].length ? arranged[0][i] : 0;
      }
      return new Ciphertext[] {encryptor.encrypt(encoder.encode(v, top, scale))};
    }
    Ciphertext[] out = new Ciphertext[layout.size()];
    // feature i of every image: transposed a cache line (8 features) at a time, so each image's
    // row is read once per 8 ciphertexts rather than once per ciphertext
    double[][] v = new double[TRANSPOSE][slots];
    for (int i0 = 0; i0 < out.length; i0 += TRANSPOSE) {
      int width = Math.min(TRANSPOSE, out.length - i0);
      for (int b = 0; b < arranged.length; b++) {
        double[] row = arranged[b];
        for (int k = 0; k < width; k++) {
          v[k][b] = row[i0 + k];
        }
      }
      for (int k = 0; k < width; k++) {
        out[i0 + k] = encryptor.encrypt(v[k], top, scale);
      }
    }
    return out;
  }

  /** Logits of every slot's image: 1 row (latency) or {@link ClientProgram#imagesPerBatch()} rows. */
  public double[][] decrypt(Ciphertext[] scores) {
    return decrypt(scores, program.imagesPerBatch());
  }

  /** Logits of the first {@code images} images. */
  public double[][] decrypt(Ciphertext[] scores, int images) {
    if (scores == null || scores.length != program.outputCiphertexts()) {
      throw new IllegalArgumentException("expected " + program.outputCiphertexts()
          + " score ciphertexts, got " + (scores == null ? "null" : scores.length));
    }
    if (images < 1 || images > program.imagesPerBatch()) {
      throw new IllegalArgumentException("images must be in [1, " + program.imagesPerBatch() + "], got "
          + images);
    }
    int classes = program.classes();
    double[][] out = new double[images][classes];
    double[][] decoded = new double[scores.length][];
    for (int o = 0; o < scores.length; o++) {
      decoded[o] = encoder.decodeReal(decryptor.decrypt(scores[o]));
    }
    int stride = program.imageStride();
    int[] cts = program.outputCiphertext();
    int[] slots = program.outputSlot();
    for (int c = 0; c < classes; c++) {
      double[] v = decoded[cts[c]];
      int slot = slots[c];
      for (int b = 0; b < images; b++) {
        out[b][c] = v[slot + b * stride];
      }
    }
    return out;
  }
}
