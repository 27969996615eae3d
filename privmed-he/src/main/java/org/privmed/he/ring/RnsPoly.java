package org.privmed.he.ring;

/**
 * A polynomial of Z_Q[X]/(X^N+1) in residue-number-system form: one flat {@code long[]} of N
 * residues per prime of its basis, either as coefficients or in the bit-reversed NTT evaluation
 * order of {@link org.privmed.he.math.NttTables}.
 *
 * <p>The poly does not know its primes: the {@link RnsBasis} that operates on it does. Limb i
 * belongs to the basis' i-th prime. A poly over Q at level l has l+1 limbs.
 */
public final class RnsPoly {
    private final long[][] limbs;
    private boolean ntt;

    public RnsPoly(int ringDegree, int limbCount, boolean ntt) {
        if (ringDegree < 1 || limbCount < 1) {
            throw new IllegalArgumentException("poly needs N >= 1 and >= 1 limb, got N=" + ringDegree
                    + ", limbs=" + limbCount);
        }
        this.limbs = new long[limbCount][ringDegree];
        this.ntt = ntt;
    }

    /** Wraps the given arrays without copying. */
    public RnsPoly(long[][] limbs, boolean ntt) {
        if (limbs.length == 0) {
            throw new IllegalArgumentException("poly needs at least one limb");
        }
        int n = limbs[0].length;
        for (int i = 0; i < limbs.length; i++) {
            if (limbs[i].length != n) {
                throw new IllegalArgumentException("limb " + i + " has " + limbs[i].length + " residues, limb 0 has " + n);
            }
        }
        this.limbs = limbs;
        this.ntt = ntt;
    }

    public long[][] limbs() {
        return limbs;
    }

    public long[] limb(int i) {
        return limbs[i];
    }

    public int limbCount() {
        return limbs.length;
    }

    public int ringDegree() {
        return limbs[0].length;
    }

    /** Level of a poly over Q: number of limbs minus one. */
    public int level() {
        return limbs.length - 1;
    }

    public boolean isNtt() {
        return ntt;
    }

    public void setNtt(boolean ntt) {
        this.ntt = ntt;
    }

    public RnsPoly copy() {
        return copyPrefix(limbs.length);
    }

    /** A copy of the first k limbs (the poly reduced to a smaller prefix basis). */
    public RnsPoly copyPrefix(int k) {
        if (k < 1 || k > limbs.length) {
            throw new IllegalArgumentException("prefix of " + k + " limbs out of range [1, " + limbs.length + "]");
        }
        long[][] out = new long[k][];
        for (int i = 0; i < k; i++) out[i] = limbs[i].clone();
        return new RnsPoly(out, ntt);
    }

    public void copyFrom(RnsPoly other) {
        if (other.limbCount() < limbs.length) {
            throw new IllegalArgumentException("source has " + other.limbCount() + " limbs, need " + limbs.length);
        }
        for (int i = 0; i < limbs.length; i++) System.arraycopy(other.limbs[i], 0, limbs[i], 0, limbs[i].length);
        ntt = other.ntt;
    }
}
