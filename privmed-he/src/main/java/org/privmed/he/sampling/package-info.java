/**
 * Randomness for RLWE: {@link org.privmed.he.sampling.Prng}, an AES-256-CTR stream from a 32-byte
 * seed (fresh from SecureRandom for secrets and noise, fixed for the uniform parts of seeded keys and
 * ciphertexts), and {@link org.privmed.he.sampling.Samplers} for the ternary secret and the discrete
 * Gaussian error distributions.
 */
package org.privmed.he.sampling;
