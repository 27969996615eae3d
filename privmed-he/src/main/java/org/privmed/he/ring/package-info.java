/**
 * Polynomials of Z_Q[X]/(X^N+1) in residue-number-system form: {@link org.privmed.he.ring.RnsPoly}
 * (one flat long[] per prime), {@link org.privmed.he.ring.RnsBasis} (limb-wise arithmetic and NTTs),
 * {@link org.privmed.he.ring.BasisExtender} (fast basis conversion), {@link
 * org.privmed.he.ring.DivideAndRound} (ModDown and rescale) and {@link org.privmed.he.ring.Parallelism}
 * (per-limb threads with bit-identical results).
 */
package org.privmed.he.ring;
