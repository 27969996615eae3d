package org.privmed.he.rlwe;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.privmed.he.math.Modulus;
import org.privmed.he.math.NttTables;
import org.privmed.he.ring.BasisExtender;
import org.privmed.he.ring.DivideAndRound;
import org.privmed.he.ring.Parallelism;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;

/**
 * Everything scheme-independent that RLWE key generation, encryption and hybrid key switching need
 * for one parameter set: the ciphertext modulus chain Q = q_0 … q_L, the special primes P, the
 * decomposition number dnum, NTT tables, and caches of the per-level conversion constants and of the
 * Galois permutations of NTT slots.
 *
 * <p>Digits of the key-switching decomposition are consecutive runs of ⌈(L+1)/dnum⌉ primes of Q
 * (dnum = L+1 gives one prime per digit, as in SEAL; smaller dnum as in Lattigo); at a lower level
 * the digits are restricted to the primes still present.
 */
public final class RlweContext {
    private final int n;
    private final int logN;
    private final RnsBasis qFull;
    private final RnsBasis p;
    private final RnsBasis qpFull;
    private final int dnum;
    private final int digitSize;
    private final long paramsId;
    private final RnsBasis[] qAtLevel;
    private final RnsBasis[] qpAtLevel;
    private final DivideAndRound[] modDown;
    private final DivideAndRound[] rescale;
    private final BasisExtender[][] modUp;
    private final ConcurrentHashMap<Integer, int[]> galoisMaps = new ConcurrentHashMap<>();

    /**
     * @param qTables  NTT tables of the primes of Q, in chain order (q_0 first, dropped last)
     * @param pTables  NTT tables of the special primes P (may be empty only if no key switching is used)
     * @param dnum     decomposition number, 1 ≤ dnum ≤ |Q|
     * @param paramsId identifier of the parameter set, carried by every key and checked on use
     */
    public RlweContext(NttTables[] qTables, NttTables[] pTables, int dnum, long paramsId, Parallelism parallelism) {
        if (qTables.length == 0) {
            throw new IllegalArgumentException("Q needs at least one prime");
        }
        if (pTables.length == 0) {
            throw new IllegalArgumentException("hybrid key switching needs at least one special prime");
        }
        if (dnum < 1 || dnum > qTables.length) {
            throw new IllegalArgumentException("dnum must be in [1, " + qTables.length + "], got " + dnum);
        }
        this.qFull = new RnsBasis(qTables, parallelism);
        this.p = new RnsBasis(pTables, parallelism);
        this.qpFull = qFull.concat(p);
        this.n = qFull.ringDegree();
        this.logN = Integer.numberOfTrailingZeros(n);
        this.dnum = dnum;
        this.digitSize = (qTables.length + dnum - 1) / dnum;
        this.paramsId = paramsId;
        int levels = qTables.length;
        qAtLevel = new RnsBasis[levels];
        qpAtLevel = new RnsBasis[levels];
        modDown = new DivideAndRound[levels];
        rescale = new DivideAndRound[levels];
        modUp = new BasisExtender[levels][];
        for (int l = 0; l < levels; l++) {
            qAtLevel[l] = qFull.slice(0, l + 1);
            qpAtLevel[l] = qAtLevel[l].concat(p);
        }
    }

    /** A context for the given primes of Q and P, with NTT tables built for ring degree n. */
    public static RlweContext of(int n, long[] q, long[] p, int dnum, long paramsId, Parallelism parallelism) {
        NttTables[] qt = new NttTables[q.length];
        NttTables[] pt = new NttTables[p.length];
        for (int i = 0; i < q.length; i++) qt[i] = new NttTables(n, new Modulus(q[i]));
        for (int i = 0; i < p.length; i++) pt[i] = new NttTables(n, new Modulus(p[i]));
        return new RlweContext(qt, pt, dnum, paramsId, parallelism);
    }

    public int ringDegree() {
        return n;
    }

    public int logRingDegree() {
        return logN;
    }

    public int maxLevel() {
        return qFull.size() - 1;
    }

    public long paramsId() {
        return paramsId;
    }

    public int dnum() {
        return dnum;
    }

    public Parallelism parallelism() {
        return qFull.parallelism();
    }

    public RnsBasis q() {
        return qFull;
    }

    public RnsBasis p() {
        return p;
    }

    /** Q followed by P: the basis of secret keys and key-switching keys. */
    public RnsBasis qp() {
        return qpFull;
    }

    public RnsBasis qAtLevel(int level) {
        checkLevel(level);
        return qAtLevel[level];
    }

    public RnsBasis qpAtLevel(int level) {
        checkLevel(level);
        return qpAtLevel[level];
    }

    public void checkLevel(int level) {
        if (level < 0 || level > maxLevel()) {
            throw new IllegalArgumentException("level " + level + " out of range [0, " + maxLevel() + "]");
        }
    }

    public void checkParams(long id, String what) {
        if (id != paramsId) {
            throw new IllegalArgumentException(what + " belongs to parameter set " + Long.toHexString(id)
                    + ", this context is " + Long.toHexString(paramsId));
        }
    }

    /** Number of digits of the decomposition at a level. */
    public int digitCount(int level) {
        return (level + digitSize) / digitSize;
    }

    public int digitStart(int digit) {
        return digit * digitSize;
    }

    /** One past the last prime of a digit at a level. */
    public int digitEnd(int digit, int level) {
        return Math.min((digit + 1) * digitSize, level + 1);
    }

    /** ModDown from Q_l ∪ P to Q_l. */
    public DivideAndRound modDown(int level) {
        checkLevel(level);
        DivideAndRound d = modDown[level];
        if (d == null) {
            d = new DivideAndRound(qAtLevel[level], p);
            modDown[level] = d;
        }
        return d;
    }

    /** Division by q_level with rounding, from Q_level to Q_(level-1). */
    public DivideAndRound rescaler(int level) {
        checkLevel(level);
        if (level == 0) {
            throw new IllegalArgumentException("cannot rescale at level 0: no prime left to divide by");
        }
        DivideAndRound d = rescale[level];
        if (d == null) {
            d = new DivideAndRound(qAtLevel[level - 1], qFull.slice(level, level + 1));
            rescale[level] = d;
        }
        return d;
    }

    /** Extension of one digit's primes to the other primes of Q_l and to P. */
    BasisExtender modUp(int level, int digit) {
        BasisExtender[] perDigit = modUp[level];
        if (perDigit == null) {
            perDigit = new BasisExtender[digitCount(level)];
            modUp[level] = perDigit;
        }
        BasisExtender e = perDigit[digit];
        if (e == null) {
            int s = digitStart(digit), t = digitEnd(digit, level);
            RnsBasis from = qFull.slice(s, t);
            NttTables[] others = new NttTables[level + 1 - (t - s) + p.size()];
            int k = 0;
            for (int i = 0; i <= level; i++) if (i < s || i >= t) others[k++] = qFull.ntt(i);
            for (int j = 0; j < p.size(); j++) others[k++] = p.ntt(j);
            e = new BasisExtender(from, new RnsBasis(others, qFull.parallelism()));
            perDigit[digit] = e;
        }
        return e;
    }

    /**
     * The permutation of NTT slots that applies X → X^g: after the map, slot i holds the old slot
     * {@code map[i]}. With the bit-reversed order of {@link NttTables}, slot i is the evaluation at
     * ψ^(2·rev(i)+1), and σ_g(a)(ψ^k) = a(ψ^(g·k)).
     */
    public int[] galoisMap(int galoisElement) {
        checkGaloisElement(galoisElement);
        return galoisMaps.computeIfAbsent(galoisElement, g -> {
            int[] map = new int[n];
            long twoN = 2L * n;
            for (int i = 0; i < n; i++) {
                long e = (long) g * (2L * NttTables.bitReverse(i, logN) + 1) % twoN;
                map[i] = NttTables.bitReverse((int) ((e - 1) >> 1), logN);
            }
            return map;
        });
    }

    public void checkGaloisElement(int g) {
        if ((g & 1) == 0 || g <= 0 || g >= 2 * n) {
            throw new IllegalArgumentException("Galois element must be odd and in (0, 2N) = (0, " + 2 * n + "), got " + g);
        }
    }

    /** out = σ_g(in), both in NTT form; out must not alias in. */
    public void applyGalois(RnsPoly in, int galoisElement, RnsPoly out) {
        if (!in.isNtt()) {
            throw new IllegalArgumentException("Galois permutation expects NTT form");
        }
        if (in == out) {
            throw new IllegalArgumentException("Galois permutation cannot run in place");
        }
        int[] map = galoisMap(galoisElement);
        for (int i = 0; i < out.limbCount(); i++) {
            long[] src = in.limb(i), dst = out.limb(i);
            for (int j = 0; j < n; j++) dst[j] = src[map[j]];
        }
        out.setNtt(true);
    }

    @Override
    public String toString() {
        return "RlweContext(N=" + n + ", Q=" + Arrays.toString(qFull.primes()) + ", P=" + Arrays.toString(p.primes())
                + ", dnum=" + dnum + ")";
    }
}
