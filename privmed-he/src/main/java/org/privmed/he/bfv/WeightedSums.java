package org.privmed.he.bfv;

import org.privmed.he.math.Modulus;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;

/**
 * Y = W·X for an integer matrix W and a vector X of ciphertexts (or unrelinearized products), the
 * weighted sums of the CryptoNets packing (Gilad-Bachrach et al., ICML 2016, Sec. 3): a weight is the
 * same in every slot, so it multiplies each residue as a small integer, with no encoding or NTT, and
 * the sums are linear in the residues, so they hold in NTT or coefficient form alike.
 *
 * <p>Memory, not arithmetic, bounds a row-at-a-time sum: each output would stream every input
 * (845 inputs × 3 polys × 2 limbs × 64 KiB for the CryptoNets dense layer, 100 times). Here the
 * coefficients are taken in blocks and, per block, every input is read once and added into the
 * accumulators of all rows that use it (the inputs' columns in compressed sparse form, so a
 * convolution's zero weights cost nothing); the block is sized so that those accumulators stay in
 * the core's L2 cache.
 *
 * <p>Exactness. Products w·c of a centred weight and a residue c in [0, q) are summed in signed
 * longs without reduction. Narrow primes take c whole; when a term |w|·q could approach 2^63 (wide
 * primes, e.g. 60 bits) c is split into c = hi·2^32 + lo and the two halves are summed apart, then
 * joined as hi·2^32 + lo modulo q. A row's accumulators are reduced modulo q before a term could
 * push their bound past 2^63 - 1, so any weights and any number of terms give the exact residue.
 */
final class WeightedSums {
    /** Accumulator longs per row block: 64 Ki longs (512 KiB) stay within a 1 MiB L2 next to the inputs. */
    private static final int ACCUMULATOR_LONGS = 1 << 16;
    private static final int MIN_BLOCK = 64;
    private static final int SPLIT_BITS = 32;
    private static final long LOW_MASK = (1L << SPLIT_BITS) - 1;

    private WeightedSums() {
    }

    /**
     * Rows [rowFrom, rowTo) of W·X.
     *
     * @param q the basis of the inputs' level
     * @param x x[j][p]: poly p of input j; every input with a non-zero weight in the rows has the
     *     same number of polys and limbs and one form (NTT or coefficient), which the outputs keep
     * @param weights row-major, {@code rows × x.length}, centred representatives modulo t
     *     (|w| &lt; 2^30)
     * @return out[r - rowFrom][p], null for a row whose weights are all zero
     */
    static RnsPoly[][] apply(RnsBasis q, RnsPoly[][] x, long[] weights, int rowFrom, int rowTo) {
        int cols = x.length;
        int rows = rowTo - rowFrom;
        // compressed sparse columns of the row range
        int[] colStart = new int[cols + 1];
        for (int r = rowFrom; r < rowTo; r++) {
            for (int j = 0; j < cols; j++) {
                if (weights[r * cols + j] != 0) colStart[j + 1]++;
            }
        }
        for (int j = 0; j < cols; j++) colStart[j + 1] += colStart[j];
        int[] entryRow = new int[colStart[cols]];
        long[] entryWeight = new long[colStart[cols]];
        int[] fill = colStart.clone();
        long maxAbsWeight = 0;
        boolean[] used = new boolean[rows];
        int sample = -1;
        for (int r = rowFrom; r < rowTo; r++) {
            for (int j = 0; j < cols; j++) {
                long w = weights[r * cols + j];
                if (w == 0) continue;
                entryRow[fill[j]] = r - rowFrom;
                entryWeight[fill[j]++] = w;
                maxAbsWeight = Math.max(maxAbsWeight, Math.abs(w));
                used[r - rowFrom] = true;
                sample = j;
            }
        }
        RnsPoly[][] out = new RnsPoly[rows][];
        if (sample < 0) return out;
        int polys = x[sample].length;
        int limbs = x[sample][0].limbCount();
        boolean ntt = x[sample][0].isNtt();
        int n = q.ringDegree();
        for (int r = 0; r < rows; r++) {
            if (!used[r]) continue;
            out[r] = new RnsPoly[polys];
            for (int p = 0; p < polys; p++) out[r][p] = new RnsPoly(n, limbs, ntt);
        }
        long[] bound = new long[rows];
        for (int l = 0; l < limbs; l++) {
            Modulus m = q.modulus(l);
            // whole residues while at least 64 terms fit between reductions, halves beyond
            boolean split = maxAbsWeight > (Long.MAX_VALUE >> 6) / m.value();
            int factor = split ? 2 : 1;
            int block = Math.max(MIN_BLOCK, Integer.highestOneBit(Math.max(1, ACCUMULATOR_LONGS / (rows * factor))));
            block = Math.min(block, n);
            // one accumulator array per row, indexed like the input block: loops whose arrays share
            // one index are the ones the JIT turns into vector instructions
            long[][] lo = new long[rows][];
            long[][] hi = new long[rows][];
            for (int r = 0; r < rows; r++) {
                if (!used[r]) continue;
                lo[r] = new long[block];
                hi[r] = split ? new long[block] : null;
            }
            long[] cLo = new long[block];
            long[] cHi = split ? new long[block] : null;
            long unit = split ? 1L << SPLIT_BITS : m.value();
            long twoToSplit = m.reduce(1L << SPLIT_BITS);
            long twoToSplitShoup = m.shoup(twoToSplit);
            for (int p = 0; p < polys; p++) {
                for (int k0 = 0; k0 < n; k0 += block) {
                    int len = Math.min(block, n - k0);
                    for (int r = 0; r < rows; r++) {
                        if (!used[r]) continue;
                        java.util.Arrays.fill(lo[r], 0);
                        if (split) java.util.Arrays.fill(hi[r], 0);
                    }
                    java.util.Arrays.fill(bound, 0);
                    for (int j = 0; j < cols; j++) {
                        if (colStart[j] == colStart[j + 1]) continue;
                        long[] c = x[j][p].limb(l);
                        if (split) {
                            for (int k = 0; k < len; k++) {
                                long v = c[k0 + k];
                                cLo[k] = v & LOW_MASK;
                                cHi[k] = v >>> SPLIT_BITS;
                            }
                        } else {
                            System.arraycopy(c, k0, cLo, 0, len);
                        }
                        for (int e = colStart[j]; e < colStart[j + 1]; e++) {
                            int r = entryRow[e];
                            long w = entryWeight[e];
                            long step = Math.abs(w) * unit;
                            if (bound[r] > Long.MAX_VALUE - step) {
                                bound[r] = reduceRow(m, lo[r], hi[r], len);
                            }
                            bound[r] += step;
                            addScaled(lo[r], cLo, w, len);
                            if (split) addScaled(hi[r], cHi, w, len);
                        }
                    }
                    for (int r = 0; r < rows; r++) {
                        if (!used[r]) continue;
                        long[] dst = out[r][p].limb(l);
                        long[] a = lo[r], b = hi[r];
                        for (int k = 0; k < len; k++) {
                            long v = reduceAnySign(m, a[k]);
                            if (split) {
                                long h = m.mulShoup(reduceAnySign(m, b[k]), twoToSplit, twoToSplitShoup);
                                v = m.add(v, h);
                            }
                            dst[k0 + k] = v;
                        }
                    }
                }
            }
        }
        return out;
    }

    /** acc[k] += w·c[k] for k &lt; len. */
    private static void addScaled(long[] acc, long[] c, long w, int len) {
        for (int k = 0; k < len; k++) acc[k] += w * c[k];
    }

    /**
     * x mod q in [0, q) for |x| &lt; 2^63, without a branch on the sign: the sums' signs are random,
     * so {@link Modulus#reduceSigned}'s sign test would be mispredicted half the time.
     */
    private static long reduceAnySign(Modulus m, long x) {
        long q = m.value();
        long sign = x >> 63;
        long r = m.reduce((x ^ sign) - sign);
        long neg = q - r;
        neg -= q & ((q - 1 - neg) >> 63);
        return (r & ~sign) | (neg & sign);
    }

    /** Reduces one row's accumulators modulo q; returns their new bound. */
    private static long reduceRow(Modulus m, long[] lo, long[] hi, int len) {
        for (int k = 0; k < len; k++) lo[k] = reduceAnySign(m, lo[k]);
        if (hi != null) {
            for (int k = 0; k < len; k++) hi[k] = reduceAnySign(m, hi[k]);
        }
        return m.value();
    }
}
