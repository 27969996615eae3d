package org.privmed.he.rlwe;

import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.sampling.Prng;

/**
 * Expansion of the uniform "a" parts of keys and ciphertexts from a 32-byte seed. The residues are
 * uniform modulo each prime, hence the poly is uniform in Z_Q[X]/(X^N+1) in either representation;
 * we read them directly as NTT values so that no transform is spent on them. The order of draws
 * (poly by poly, limb by limb in basis order) is part of the stored format.
 */
final class UniformPolys {
    private UniformPolys() {
    }

    static RnsPoly next(Prng prng, RnsBasis basis, int limbCount) {
        RnsPoly a = new RnsPoly(basis.ringDegree(), limbCount, true);
        for (int i = 0; i < limbCount; i++) prng.uniformModQ(basis.modulus(i).value(), a.limb(i));
        return a;
    }
}
