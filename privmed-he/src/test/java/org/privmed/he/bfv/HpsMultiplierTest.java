package org.privmed.he.bfv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;

/**
 * The scaled tensor of {@link HpsMultiplier} against exact integer arithmetic: for arbitrary
 * elements of R_Q (not only ciphertexts) each component must equal round(t·x/Q) mod Q, x being
 * the negacyclic product of the centred representatives computed with BigInteger. N = 1024 keeps
 * the quadratic reference fast; the chains cover two limbs of 60 bits (the CryptoNets square), SEAL's
 * four limbs of 43–44 bits, and five 60-bit limbs, where the lazy sums of the scaling and of the
 * conversion back to Q must be reduced part-way.
 */
class HpsMultiplierTest {
    private static final int[][] CHAINS = {{60, 60}, {43, 43, 44, 44}, {60, 60, 60, 60, 60}};
    private static final int[] PLAIN_BITS = {21, 25, 20};

    @Test
    void scaledTensorEqualsExactIntegerRounding() {
        qt().withExamples(3).forAll(integers().between(0, CHAINS.length - 1), integers().between(1, 100000))
                .checkAssert((chain, seed) -> {
                    BfvParameters params = BfvParameters.builder().logN(10).qBits(CHAINS[chain]).pBits(60)
                            .plainModulusBits(PLAIN_BITS[chain]).insecureForTesting().build();
                    try (BfvContext ctx = new BfvContext(params)) {
                        checkLevel(ctx, ctx.maxLevel(), new Random(seed));
                        checkLevel(ctx, 0, new Random(seed + 1));
                    }
                });
    }

    private static void checkLevel(BfvContext ctx, int level, Random rnd) {
        RnsBasis q = ctx.rlwe().qAtLevel(level);
        BigInteger t = BigInteger.valueOf(ctx.params().plainModulus());
        HpsMultiplier hps = ctx.multiplier(level);
        RnsPoly[] a = {random(q, rnd), random(q, rnd)};
        RnsPoly[] b = {random(q, rnd), random(q, rnd)};
        BigInteger[] a0 = centred(a[0], q), a1 = centred(a[1], q);
        BigInteger[] b0 = centred(b[0], q), b1 = centred(b[1], q);

        RnsPoly[] product = hps.multiply(a, b);
        assertScaled(negacyclic(a0, b0), product[0], q, t);
        assertScaled(add(negacyclic(a0, b1), negacyclic(a1, b0)), product[1], q, t);
        assertScaled(negacyclic(a1, b1), product[2], q, t);

        RnsPoly[] square = hps.square(a);
        BigInteger[] cross = negacyclic(a0, a1);
        assertScaled(negacyclic(a0, a0), square[0], q, t);
        assertScaled(add(cross, cross), square[1], q, t);
        assertScaled(negacyclic(a1, a1), square[2], q, t);

        // the other entry points are the same numbers in another form
        RnsPoly[] coefficients = hps.squareCoefficients(a);
        RnsPoly[] forRelinearization = hps.squareForRelinearization(a);
        for (int i = 0; i < 3; i++) {
            assertFalse(coefficients[i].isNtt());
            RnsPoly ntt = coefficients[i].copy();
            q.toNtt(ntt);
            assertLimbsEqual(square[i], ntt);
            assertLimbsEqual(square[i], forRelinearization[i]);
        }
        assertLimbsEqual(coefficients[2], forRelinearization[3]);
    }

    private static RnsPoly random(RnsBasis q, Random rnd) {
        RnsPoly p = q.newPoly(true);
        for (int i = 0; i < q.size(); i++) {
            long qi = q.modulus(i).value();
            long[] limb = p.limb(i);
            for (int c = 0; c < limb.length; c++) limb[c] = Math.floorMod(rnd.nextLong(), qi);
        }
        return p;
    }

    /** The coefficients of an NTT-form poly as integers in (-Q/2, Q/2]. */
    private static BigInteger[] centred(RnsPoly ntt, RnsBasis q) {
        RnsPoly p = ntt.copy();
        q.fromNtt(p);
        BigInteger bigQ = q.product();
        BigInteger[] crt = new BigInteger[q.size()];
        for (int i = 0; i < q.size(); i++) {
            BigInteger qi = BigInteger.valueOf(q.modulus(i).value());
            BigInteger hat = bigQ.divide(qi);
            crt[i] = hat.multiply(hat.modInverse(qi));
        }
        BigInteger[] out = new BigInteger[p.ringDegree()];
        for (int c = 0; c < out.length; c++) {
            BigInteger x = BigInteger.ZERO;
            for (int i = 0; i < q.size(); i++) x = x.add(crt[i].multiply(BigInteger.valueOf(p.limb(i)[c])));
            x = x.mod(bigQ);
            out[c] = x.shiftLeft(1).compareTo(bigQ) > 0 ? x.subtract(bigQ) : x;
        }
        return out;
    }

    /** a·b in Z[X]/(X^N + 1). */
    private static BigInteger[] negacyclic(BigInteger[] a, BigInteger[] b) {
        int n = a.length;
        BigInteger[] out = new BigInteger[n];
        java.util.Arrays.fill(out, BigInteger.ZERO);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                BigInteger p = a[i].multiply(b[j]);
                int k = i + j;
                if (k < n) out[k] = out[k].add(p);
                else out[k - n] = out[k - n].subtract(p);
            }
        }
        return out;
    }

    private static BigInteger[] add(BigInteger[] a, BigInteger[] b) {
        BigInteger[] out = new BigInteger[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i].add(b[i]);
        return out;
    }

    /** got (NTT or coefficient form) equals round(t·x/Q) mod Q coefficient-wise. */
    private static void assertScaled(BigInteger[] x, RnsPoly got, RnsBasis q, BigInteger t) {
        RnsPoly p = got.copy();
        if (p.isNtt()) q.fromNtt(p);
        BigInteger bigQ = q.product();
        BigInteger twoQ = bigQ.shiftLeft(1);
        for (int i = 0; i < q.size(); i++) {
            BigInteger qi = BigInteger.valueOf(q.modulus(i).value());
            long[] expected = new long[x.length];
            for (int c = 0; c < x.length; c++) {
                // round(t·x/Q) = ⌊(2·t·x + Q) / 2Q⌋, a floor division (BigInteger's truncates)
                BigInteger[] qr = t.multiply(x[c]).shiftLeft(1).add(bigQ).divideAndRemainder(twoQ);
                BigInteger rounded = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
                expected[c] = rounded.mod(qi).longValueExact();
            }
            assertArrayEquals(expected, p.limb(i), "limb " + i + " of " + q.size());
        }
    }

    private static void assertLimbsEqual(RnsPoly expected, RnsPoly actual) {
        assertEquals(expected.limbCount(), actual.limbCount());
        for (int i = 0; i < expected.limbCount(); i++) assertArrayEquals(expected.limb(i), actual.limb(i));
    }
}
