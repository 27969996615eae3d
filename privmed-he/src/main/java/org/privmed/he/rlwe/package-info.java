/**
 * Scheme-independent RLWE machinery over an {@link org.privmed.he.rlwe.RlweContext}: ternary secret
 * keys, seeded public and switching keys, public-key and seeded symmetric encryption of zero,
 * decryption, and hybrid key switching with special primes and dnum digits, including the hoisted
 * form that shares one decomposition among several Galois automorphisms.
 *
 * <p>Key generators and encryptors hold a random generator and are not thread-safe; use one per
 * thread. Keys, contexts and {@link org.privmed.he.rlwe.KeySwitcher} may be shared.
 */
package org.privmed.he.rlwe;
