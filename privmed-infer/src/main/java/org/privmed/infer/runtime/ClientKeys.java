package org.privmed.infer.runtime;

import org.privmed.he.ckks.CkksContext;
import org.privmed.he.rlwe.GaloisKeys;
import org.privmed.he.rlwe.KeyGenerator;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.he.rlwe.SecretKey;
import org.privmed.infer.compile.HeProgram;

/**
 * A client's keys for one program: the secret key it keeps, and the evaluation keys it uploads —
 * a relinearization key if the program squares, and Galois keys for exactly the program's
 * rotation steps (none for the throughput packing).
 */
public record ClientKeys(SecretKey secretKey, RelinearizationKey relinearizationKey,
    GaloisKeys galoisKeys) {

  /** Fresh keys (SecureRandom-seeded inside {@link KeyGenerator}). */
  public static ClientKeys generate(HeProgram program, CkksContext ctx) {
    KeyGenerator kg = new KeyGenerator(ctx.rlwe());
    RelinearizationKey rlk = program.needsRelinKey() ? kg.relinearizationKey() : null;
    int[] steps = program.rotationSteps();
    GaloisKeys gk = steps.length == 0 ? null : kg.galoisKeys(ctx.galoisElementsForRotations(steps));
    return new ClientKeys(kg.secretKey(), rlk, gk);
  }
}
