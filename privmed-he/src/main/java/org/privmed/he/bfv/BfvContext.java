package org.privmed.he.bfv;

import org.privmed.he.math.Modulus;
import org.privmed.he.math.NttTables;
import org.privmed.he.ring.Parallelism;
import org.privmed.he.rlwe.RlweContext;

/**
 * One validated BFV parameter set with everything precomputed from it: the RLWE context shared with
 * CKKS (NTT tables, key-switching constants, Galois permutations), the NTT modulo t for batching,
 * the scaling constants of encryption and decryption and the extended basis of multiplication.
 * Build it once and share it; it is thread-safe for concurrent use by independent operations.
 *
 * <p>Everything that depends on t lives here, not in the RLWE layer, so one program can hold one
 * context per plaintext prime (the CRT plaintexts of issue 6) over the same ciphertext primes.
 */
public final class BfvContext implements AutoCloseable {
    private final BfvParameters params;
    private final Parallelism parallelism;
    private final RlweContext rlwe;
    private final Modulus t;
    private final NttTables plainNtt;
    private final PlainScaling[] scaling;      // per level, built on first use
    private final HpsMultiplier[] multiplier;

    public BfvContext(BfvParameters params) {
        this(params, 1);
    }

    public BfvContext(BfvParameters params, int threads) {
        this.params = params;
        this.parallelism = threads == 1 ? Parallelism.SINGLE : new Parallelism(threads);
        int n = params.ringDegree();
        int levels = params.qPrimes().length;
        this.rlwe = RlweContext.of(n, params.qPrimes(), params.pPrimes(), params.dnum(), params.id(), parallelism);
        this.t = new Modulus(params.plainModulus());
        this.plainNtt = new NttTables(n, t);
        this.scaling = new PlainScaling[levels];
        this.multiplier = new HpsMultiplier[levels];
        scaling[rlwe.maxLevel()] = new PlainScaling(rlwe.q(), t);
        multiplier[rlwe.maxLevel()] = new HpsMultiplier(rlwe, rlwe.q(), t.value());
    }

    public BfvParameters params() {
        return params;
    }

    public RlweContext rlwe() {
        return rlwe;
    }

    public int ringDegree() {
        return params.ringDegree();
    }

    public long paramsId() {
        return params.id();
    }

    public int threads() {
        return parallelism.threads();
    }

    Modulus plainModulus() {
        return t;
    }

    NttTables plainNtt() {
        return plainNtt;
    }

    /** Highest level: a fresh ciphertext has all L+1 primes of Q. */
    public int maxLevel() {
        return rlwe.maxLevel();
    }

    /** Scalings between R_t and R_{Q_level} (Q_level = q_0 … q_level). */
    synchronized PlainScaling scaling(int level) {
        rlwe.checkLevel(level);
        if (scaling[level] == null) scaling[level] = new PlainScaling(rlwe.qAtLevel(level), t);
        return scaling[level];
    }

    synchronized HpsMultiplier multiplier(int level) {
        rlwe.checkLevel(level);
        if (multiplier[level] == null) multiplier[level] = new HpsMultiplier(rlwe, rlwe.qAtLevel(level), t.value());
        return multiplier[level];
    }

    /**
     * Galois element of a cyclic rotation of both rows of the slot matrix by {@code steps} to the left
     * (negative: to the right): 3^steps mod 2N, with SEAL's convention that a right rotation by k is
     * the left rotation by N/2 - k. |steps| must be below N/2; 0 is refused (nothing to rotate).
     */
    public int galoisElementForRowRotation(int steps) {
        int rowSize = params.ringDegree() / 2;
        if (steps == 0 || Math.abs(steps) >= rowSize) {
            throw new IllegalArgumentException("row rotation steps must be non-zero with |steps| < N/2 = " + rowSize
                    + ", got " + steps);
        }
        int k = steps > 0 ? steps : rowSize + steps;
        long twoN = 2L * params.ringDegree();
        long g = 1;
        for (int i = 0; i < k; i++) g = g * 3 % twoN;
        return (int) g;
    }

    /** Galois element 2N - 1, which swaps the two rows of the slot matrix. */
    public int galoisElementForColumnRotation() {
        return 2 * params.ringDegree() - 1;
    }

    /** Galois elements for the given row rotations (for {@code KeyGenerator.galoisKeys}). */
    public int[] galoisElementsForRowRotations(int... steps) {
        int[] g = new int[steps.length];
        for (int i = 0; i < steps.length; i++) g[i] = galoisElementForRowRotation(steps[i]);
        return g;
    }

    void checkParams(long id, String what) {
        rlwe.checkParams(id, what);
    }

    @Override
    public void close() {
        if (parallelism != Parallelism.SINGLE) parallelism.close();
    }
}
