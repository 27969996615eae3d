/**
 * Word-size modular arithmetic for lattice cryptography: {@link org.privmed.he.math.Modulus}
 * (Barrett and Shoup multiplication for moduli below 2^61), {@link org.privmed.he.math.Primes}
 * (deterministic Miller–Rabin, NTT-friendly primes chosen as SEAL does, canonical roots of unity) and
 * {@link org.privmed.he.math.NttTables} (Harvey's lazy negacyclic NTT, bit-reversed output order).
 */
package org.privmed.he.math;
