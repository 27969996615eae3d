package org.privmed.he.rlwe;

import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.sampling.Prng;

/**
 * A hybrid key-switching key from s' to s: for each digit d of the decomposition,
 * (b_d, a_d) over Q ∪ P with b_d = -a_d·s + e_d + P·g_d·s', where g_d is the CRT gadget of digit d
 * (≡ 1 modulo the digit's primes and ≡ 0 modulo the other primes of Q), so that in RNS the term
 * P·g_d·s' is (P mod q_i)·s' on the digit's limbs and zero elsewhere (Han and Ki, CT-RSA 2020,
 * Sec. 3; Kim, Polyakov, Zucca, ASIACRYPT 2021, Sec. 2). All a_d are expanded from one 32-byte
 * seed, digit by digit, so the key is stored as the seed plus dnum polynomials.
 */
public final class SwitchingKey {
    private final byte[] seed;
    private final RnsPoly[] b;
    private final long paramsId;
    private volatile RnsPoly[] a;
    private volatile long[][][] bShoup; // [digit][limb][coefficient], in-memory only
    private volatile long[][][] aShoup;

    public SwitchingKey(byte[] seed, RnsPoly[] b, long paramsId) {
        if (seed.length != Prng.SEED_BYTES) {
            throw new IllegalArgumentException("switching key seed must be " + Prng.SEED_BYTES + " bytes, got " + seed.length);
        }
        if (b.length == 0) {
            throw new IllegalArgumentException("switching key needs at least one digit");
        }
        for (int d = 0; d < b.length; d++) {
            if (!b[d].isNtt()) {
                throw new IllegalArgumentException("switching key digit " + d + " must be in NTT form");
            }
        }
        this.seed = seed.clone();
        this.b = b.clone();
        this.paramsId = paramsId;
    }

    public byte[] seed() {
        return seed.clone();
    }

    /** b_d over Q ∪ P, NTT form. Do not modify. */
    public RnsPoly[] b() {
        return b.clone();
    }

    public int digits() {
        return b.length;
    }

    public long paramsId() {
        return paramsId;
    }

    RnsPoly b(int digit) {
        return b[digit];
    }

    RnsPoly a(int digit, RnsBasis qp) {
        RnsPoly[] x = a;
        if (x == null) {
            x = expand(seed, qp, b.length, b[0].limbCount());
            a = x;
        }
        return x[digit];
    }

    /**
     * Shoup form of b_d (which = 0) or a_d (which = 1), computed once: per limb an array of
     * interleaved pairs (w_c, w') with w' = floor(w·2^64/q) and w_c = w or w - q so that
     * x·w_c - q·multiplyHigh(x, w') is x·w mod q in [0, 2q) with signed arithmetic only (see
     * {@link org.privmed.he.math.NttTables}). The inner products of key switching multiply by these
     * fixed values, and a Shoup product costs about half a Barrett reduction. This doubles the
     * in-memory size of the key; it is never serialized.
     */
    long[][] shoup(int which, int digit, RnsBasis qp) {
        long[][][] cache = which == 0 ? bShoup : aShoup;
        if (cache == null) {
            cache = new long[b.length][][];
            for (int d = 0; d < b.length; d++) {
                RnsPoly src = which == 0 ? b[d] : a(d, qp);
                long[][] out = new long[src.limbCount()][];
                for (int i = 0; i < out.length; i++) {
                    var m = qp.modulus(i);
                    long q = m.value();
                    long[] x = src.limb(i), z = new long[2 * x.length];
                    for (int j = 0; j < x.length; j++) {
                        long ws = m.shoup(x[j]);
                        z[2 * j] = ws < 0 ? x[j] - q : x[j];
                        z[2 * j + 1] = ws;
                    }
                    out[i] = z;
                }
                cache[d] = out;
            }
            if (which == 0) bShoup = cache;
            else aShoup = cache;
        }
        return cache[digit];
    }

    static RnsPoly[] expand(byte[] seed, RnsBasis qp, int digits, int limbs) {
        Prng prng = new Prng(seed);
        RnsPoly[] out = new RnsPoly[digits];
        for (int d = 0; d < digits; d++) out[d] = UniformPolys.next(prng, qp, limbs);
        return out;
    }
}
