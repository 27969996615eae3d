/**
 * The RNS variant of the BFV scheme (Brakerski, CRYPTO 2012; Fan and Vercauteren, ePrint 2012/144)
 * for exact integer arithmetic modulo a batching prime t: {@link org.privmed.he.bfv.BfvParameters}
 * (security-checked, SEAL's measurement set as a preset), {@link org.privmed.he.bfv.BfvContext},
 * {@link org.privmed.he.bfv.BatchEncoder} (2 × N/2 slot matrix), {@link
 * org.privmed.he.bfv.BfvEncryptor}, {@link org.privmed.he.bfv.BfvDecryptor} (with the invariant noise
 * budget), {@link org.privmed.he.bfv.BfvEvaluator} (multiplication after Halevi, Polyakov and Shoup,
 * CT-RSA 2019) and {@link org.privmed.he.bfv.BfvNoiseModel}. Keys, key switching and the security
 * table are the CKKS core's ({@link org.privmed.he.rlwe}).
 *
 * <p>Typical use:
 * <pre>{@code
 * BfvContext ctx = new BfvContext(BfvParameters.presetSeal());
 * KeyGenerator keys = new KeyGenerator(ctx.rlwe());
 * BfvEvaluator ev = new BfvEvaluator(ctx, keys.relinearizationKey(),
 *         keys.galoisKeys(ctx.galoisElementsForRowRotations(1)));
 * BatchEncoder encoder = new BatchEncoder(ctx);
 * BfvCiphertext x = new BfvEncryptor(ctx, keys.publicKey()).encrypt(encoder.encode(values));
 * BfvCiphertext y = ev.rotateRows(ev.multiplyRelinearize(x, x), 1);
 * long[] out = encoder.decode(new BfvDecryptor(ctx, keys.secretKey()).decrypt(y));
 * }</pre>
 */
package org.privmed.he.bfv;
