/**
 * The full-RNS CKKS scheme (Cheon, Han, Kim, Kim, Song, SAC 2018): {@link
 * org.privmed.he.ckks.CkksParameters} (validated against the security table, presets A and B),
 * {@link org.privmed.he.ckks.CkksContext}, {@link org.privmed.he.ckks.CkksEncoder}, {@link
 * org.privmed.he.ckks.CkksEncryptor}, {@link org.privmed.he.ckks.CkksDecryptor}, {@link
 * org.privmed.he.ckks.Evaluator} and {@link org.privmed.he.ckks.LinearTransform}. Keys come from
 * {@link org.privmed.he.rlwe.KeyGenerator} over {@code context.rlwe()}.
 *
 * <p>Typical use:
 * <pre>{@code
 * CkksContext ctx = new CkksContext(CkksParameters.presetA());
 * KeyGenerator keys = new KeyGenerator(ctx.rlwe());
 * Evaluator ev = new Evaluator(ctx, keys.relinearizationKey(),
 *         keys.galoisKeys(ctx.galoisElementsForRotations(1, 2, 4)));
 * CkksEncoder encoder = new CkksEncoder(ctx);
 * Ciphertext x = new CkksEncryptor(ctx, keys.publicKey()).encrypt(encoder.encode(values));
 * Ciphertext y = ev.rescale(ev.relinearize(ev.multiply(x, x)));
 * double[] out = encoder.decodeReal(new CkksDecryptor(ctx, keys.secretKey()).decrypt(y));
 * }</pre>
 */
package org.privmed.he.ckks;
