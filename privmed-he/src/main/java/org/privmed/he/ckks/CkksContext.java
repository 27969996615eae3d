package org.privmed.he.ckks;

import org.privmed.he.ring.Parallelism;
import org.privmed.he.rlwe.RlweContext;

/**
 * One validated CKKS parameter set with everything precomputed from it: NTT tables of every prime,
 * the RLWE context (bases per level, ModUp/ModDown and rescale constants, Galois permutations),
 * the special FFT and the thread pool for limb-level parallelism (default: one thread). Build it
 * once and share it; it is thread-safe for concurrent use by independent operations.
 */
public final class CkksContext implements AutoCloseable {
    private final CkksParameters params;
    private final RlweContext rlwe;
    private final SpecialFft fft;
    private final Parallelism parallelism;

    public CkksContext(CkksParameters params) {
        this(params, 1);
    }

    public CkksContext(CkksParameters params, int threads) {
        this.params = params;
        this.parallelism = threads == 1 ? Parallelism.SINGLE : new Parallelism(threads);
        int n = params.ringDegree();
        this.rlwe = RlweContext.of(n, params.qPrimes(), params.pPrimes(), params.dnum(), params.id(), parallelism);
        this.fft = new SpecialFft(n);
    }

    public CkksParameters params() {
        return params;
    }

    public RlweContext rlwe() {
        return rlwe;
    }

    public SpecialFft fft() {
        return fft;
    }

    public int ringDegree() {
        return params.ringDegree();
    }

    public int slots() {
        return params.slots();
    }

    public int maxLevel() {
        return params.maxLevel();
    }

    public long paramsId() {
        return params.id();
    }

    public int threads() {
        return parallelism.threads();
    }

    /** Galois element 5^k mod 2N of a left rotation by k slots (k may be negative). */
    public int galoisElementForRotation(int steps) {
        int slots = slots();
        int k = Math.floorMod(steps, slots);
        long twoN = 2L * ringDegree();
        long g = 1, base = 5;
        while (k != 0) {
            if ((k & 1) != 0) g = g * base % twoN;
            base = base * base % twoN;
            k >>= 1;
        }
        return (int) g;
    }

    /** Galois element 2N - 1 of complex conjugation of every slot. */
    public int galoisElementForConjugation() {
        return 2 * ringDegree() - 1;
    }

    /** Galois elements for a list of rotation steps (for {@code KeyGenerator.galoisKeys}). */
    public int[] galoisElementsForRotations(int... steps) {
        int[] g = new int[steps.length];
        for (int i = 0; i < steps.length; i++) g[i] = galoisElementForRotation(steps[i]);
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
