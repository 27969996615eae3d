package org.privmed.he.rlwe;

import org.privmed.he.ring.RnsPoly;

/**
 * The raw output of an RLWE encryption: polys (c0, c1) in NTT form over Q_l, and the seed c1 was
 * expanded from when the encryption was symmetric (null otherwise), so the ciphertext can be stored
 * as seed + c0.
 */
public record RlweCiphertext(RnsPoly[] polys, byte[] seed) {
}
