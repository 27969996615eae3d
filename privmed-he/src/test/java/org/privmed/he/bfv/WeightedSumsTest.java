package org.privmed.he.bfv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.he.math.Primes;
import org.privmed.he.ring.Parallelism;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;

/**
 * {@link WeightedSums} residue by residue against BigInteger sums: sparse random matrices (rows
 * without any weight, row ranges), whole and split residues (40- and 60-bit primes), and weights
 * large enough that the accumulators are reduced part-way.
 */
class WeightedSumsTest {
    private static final int N = 1024;

    @Test
    void sumsEqualBigIntegerSumsModuloEachPrime() {
        qt().withExamples(40).forAll(integers().between(1, 1_000_000)).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int bits = rnd.nextBoolean() ? 40 : 60;
            RnsBasis q = RnsBasis.of(N, Primes.nttPrimes(bits, N, 2), Parallelism.SINGLE);
            int cols = 1 + rnd.nextInt(9);
            int rows = 1 + rnd.nextInt(7);
            int polys = 2 + rnd.nextInt(2);
            // at most 2^29 in magnitude, as centred weights modulo a t below 2^30 are
            long limit = rnd.nextBoolean() ? 16 : 1L << 29;
            long[] w = new long[rows * cols];
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextInt(3) == 0 ? 0 : Math.floorMod(rnd.nextLong(), 2 * limit + 1) - limit;
            }
            RnsPoly[][] x = new RnsPoly[cols][polys];
            for (int j = 0; j < cols; j++) {
                for (int p = 0; p < polys; p++) x[j][p] = random(q, rnd);
            }
            int from = rnd.nextInt(rows);
            int to = from + 1 + rnd.nextInt(rows - from);
            RnsPoly[][] out = WeightedSums.apply(q, x, w, from, to);
            for (int r = from; r < to; r++) {
                boolean any = false;
                for (int j = 0; j < cols; j++) any |= w[r * cols + j] != 0;
                if (!any) {
                    assertNull(out[r - from], "row " + r + " has no weight");
                    continue;
                }
                for (int p = 0; p < polys; p++) {
                    for (int l = 0; l < q.size(); l++) {
                        BigInteger ql = BigInteger.valueOf(q.modulus(l).value());
                        long[] expected = new long[N];
                        for (int c = 0; c < N; c++) {
                            BigInteger acc = BigInteger.ZERO;
                            for (int j = 0; j < cols; j++) {
                                acc = acc.add(BigInteger.valueOf(w[r * cols + j]).multiply(BigInteger.valueOf(x[j][p].limb(l)[c])));
                            }
                            expected[c] = acc.mod(ql).longValueExact();
                        }
                        assertArrayEquals(expected, out[r - from][p].limb(l), "row " + r + " poly " + p + " limb " + l);
                    }
                }
            }
        });
    }

    private static RnsPoly random(RnsBasis q, Random rnd) {
        RnsPoly p = q.newPoly(false);
        for (int i = 0; i < q.size(); i++) {
            long qi = q.modulus(i).value();
            long[] limb = p.limb(i);
            for (int c = 0; c < N; c++) limb[c] = Math.floorMod(rnd.nextLong(), qi);
        }
        return p;
    }
}
