package org.privmed.he.rlwe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.privmed.he.math.Modulus;
import org.privmed.he.math.NttTables;
import org.privmed.he.math.Primes;
import org.privmed.he.ring.Parallelism;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;

class RlweTest {
    private static final int N = 1024;

    private static RlweContext context(int[] qBits, int[] pBits, int dnum) {
        int[] all = new int[qBits.length + pBits.length];
        System.arraycopy(qBits, 0, all, 0, qBits.length);
        System.arraycopy(pBits, 0, all, qBits.length, pBits.length);
        long[] primes = Primes.coefficientModuli(N, all);
        NttTables[] qt = new NttTables[qBits.length], pt = new NttTables[pBits.length];
        for (int i = 0; i < qt.length; i++) qt[i] = new NttTables(N, new Modulus(primes[i]));
        for (int i = 0; i < pt.length; i++) pt[i] = new NttTables(N, new Modulus(primes[qt.length + i]));
        return new RlweContext(qt, pt, dnum, 42L, Parallelism.SINGLE);
    }

    /** Largest centered coefficient magnitude of a poly over Q_l, in bits. */
    private static double maxBits(RlweContext ctx, RnsPoly nttPoly) {
        RnsPoly c = nttPoly.copy();
        RnsBasis q = ctx.qAtLevel(c.level());
        q.fromNtt(c);
        BigInteger bigQ = q.product();
        double max = 0;
        long[] primes = q.primes();
        for (int j = 0; j < N; j++) {
            BigInteger x = BigInteger.ZERO;
            for (int i = 0; i < primes.length; i++) {
                BigInteger qi = BigInteger.valueOf(primes[i]);
                BigInteger hat = bigQ.divide(qi);
                x = x.add(BigInteger.valueOf(c.limb(i)[j]).multiply(hat).multiply(hat.modInverse(qi)));
            }
            x = x.mod(bigQ);
            if (x.compareTo(bigQ.shiftRight(1)) > 0) x = x.subtract(bigQ);
            max = Math.max(max, x.abs().bitLength());
        }
        return max;
    }

    private static RnsPoly uniform(RnsBasis q, Random rnd) {
        RnsPoly p = q.newPoly(true);
        for (int i = 0; i < q.size(); i++) {
            long qi = q.modulus(i).value();
            for (int j = 0; j < N; j++) p.limb(i)[j] = Math.floorMod(rnd.nextLong(), qi);
        }
        return p;
    }

    @Test
    void encryptionsOfZeroDecryptToSmallNoise() {
        RlweContext ctx = context(new int[] {50, 40, 40}, new int[] {50}, 3);
        KeyGenerator kg = new KeyGenerator(ctx);
        Decryptor dec = new Decryptor(ctx, kg.secretKey());
        for (Encryptor enc : new Encryptor[] {new Encryptor(ctx, kg.publicKey()), new Encryptor(ctx, kg.secretKey())}) {
            for (int level = 0; level <= ctx.maxLevel(); level++) {
                RlweCiphertext ct = enc.encryptZero(level);
                double bits = maxBits(ctx, dec.decrypt(ct.polys()));
                assertTrue(bits < 16, "noise of " + bits + " bits at level " + level + ", symmetric=" + enc.isSymmetric());
                if (enc.isSymmetric()) {
                    assertArrayEquals(ct.polys()[1].limbs(), Encryptor.expandSeeded(ctx, ct.seed(), level).limbs());
                } else {
                    assertEquals(null, ct.seed());
                }
            }
        }
    }

    @Test
    void keySwitchingWithOnePrimePerDigit() {
        checkKeySwitching(context(new int[] {50, 40, 40, 40}, new int[] {55}, 4));
    }

    @Test
    void keySwitchingWithMultiPrimeDigitsAndTwoSpecialPrimes() {
        checkKeySwitching(context(new int[] {50, 40, 40, 40, 40}, new int[] {55, 55}, 2));
    }

    /**
     * Worst-case size of u0 + u1·s − c·s' after hybrid key switching: each digit d_j < Q_j multiplies
     * a key error bounded by 6σ, the sum over N coefficients and the dnum digits is divided by P,
     * and ModDown adds a rounding error of at most about N (rounding times a ternary s). When a
     * digit's modulus Q_j exceeds P (dnum small, one or two special primes), the error grows by
     * Q_j/P — the reason SEAL and Lattigo keep P at least as large as the largest digit. A broken
     * switch leaves errors the size of Q itself (hundreds of bits), far above this bound.
     */
    private static double keySwitchingErrorBoundBits(RlweContext ctx, int level) {
        double log2P = ctx.p().logProduct();
        double maxDigitBits = 0;
        long[] primes = ctx.q().primes();
        for (int d = 0; d < ctx.digitCount(level); d++) {
            double bits = 0;
            for (int i = ctx.digitStart(d); i < ctx.digitEnd(d, level); i++) {
                bits += Math.log(primes[i]) / Math.log(2);
            }
            maxDigitBits = Math.max(maxDigitBits, bits);
        }
        double log2N = Math.log(ctx.ringDegree()) / Math.log(2);
        double log2KeyError = Math.log(org.privmed.he.sampling.Samplers.BOUND) / Math.log(2);
        double digits = Math.log(ctx.digitCount(level) + 1) / Math.log(2);
        return Math.max(0, maxDigitBits - log2P) + log2N + log2KeyError + digits + 2;
    }

    private static void checkKeySwitching(RlweContext ctx) {
        Random rnd = new Random(3);
        KeyGenerator kg = new KeyGenerator(ctx);
        KeyGenerator other = new KeyGenerator(ctx);
        RnsPoly sPrime = other.secretKey().poly();
        SwitchingKey key = kg.switchingKey(sPrime);
        KeySwitcher ks = new KeySwitcher(ctx);
        for (int level = ctx.maxLevel(); level >= 0; level--) {
            RnsBasis q = ctx.qAtLevel(level);
            RnsPoly c = uniform(q, rnd);
            RnsPoly[] u = ks.switchKey(c, key);
            // u0 + u1·s - c·s' must be small
            RnsPoly diff = u[0].copy();
            q.mulAdd(u[1], kg.secretKey().poly(), diff);
            RnsPoly cs = q.newPoly(true);
            q.mul(c, sPrime, cs);
            q.sub(diff, cs, diff);
            double bits = maxBits(ctx, diff);
            double bound = keySwitchingErrorBoundBits(ctx, level);
            assertTrue(bits < bound, "key-switching error of " + bits + " bits at level " + level
                + " exceeds the worst-case bound of " + bound + " bits");
        }
    }

    @Test
    void hoistedGaloisSwitchMatchesRotatingFirst() {
        RlweContext ctx = context(new int[] {50, 40, 40}, new int[] {55}, 3);
        Random rnd = new Random(5);
        KeyGenerator kg = new KeyGenerator(ctx);
        int g = 5 * 5 * 5 % (2 * N);
        GaloisKeys gk = kg.galoisKeys(g, g);
        assertEquals(1, gk.keys().size());
        KeySwitcher ks = new KeySwitcher(ctx);
        RnsBasis q = ctx.qAtLevel(2);
        RnsPoly c = uniform(q, rnd);
        RnsPoly rotated = q.newPoly(true);
        ctx.applyGalois(c, g, rotated);
        RnsPoly[] plain = ks.switchKey(rotated, gk.get(g));
        RnsPoly[] hoisted = ks.switchDecomposed(ks.decompose(c), g, gk.get(g));
        // both approximate σ_g(c)·σ_g(s) under s; their difference is key-switching noise only
        RnsPoly d0 = q.newPoly(true), d1 = q.newPoly(true);
        q.sub(plain[0], hoisted[0], d0);
        q.sub(plain[1], hoisted[1], d1);
        q.mulAdd(d1, kg.secretKey().poly(), d0);
        assertTrue(maxBits(ctx, d0) < 30);
        assertThrows(IllegalArgumentException.class, () -> gk.get(3));
    }

    @Test
    void galoisMapIsTheAutomorphismInNttForm() {
        RlweContext ctx = context(new int[] {40}, new int[] {40}, 1);
        RnsBasis q = ctx.q();
        Random rnd = new Random(9);
        long qv = q.modulus(0).value();
        RnsPoly a = new RnsPoly(N, 1, false);
        for (int j = 0; j < N; j++) a.limb(0)[j] = Math.floorMod(rnd.nextLong(), qv);
        for (int g : new int[] {5, 25, 2 * N - 1}) {
            // coefficient-domain reference: X^j -> ±X^(g j mod N)
            RnsPoly expected = new RnsPoly(N, 1, false);
            for (int j = 0; j < N; j++) {
                long e = (long) g * j % (2L * N);
                long v = a.limb(0)[j];
                if (e >= N) expected.limb(0)[(int) (e - N)] = v == 0 ? 0 : qv - v;
                else expected.limb(0)[(int) e] = v;
            }
            RnsPoly an = a.copy();
            q.toNtt(an);
            RnsPoly out = q.newPoly(true);
            ctx.applyGalois(an, g, out);
            q.fromNtt(out);
            assertArrayEquals(expected.limb(0), out.limb(0), "g=" + g);
        }
        assertThrows(IllegalArgumentException.class, () -> ctx.galoisMap(4));
    }

    @Test
    void foreignKeysAreRejected() {
        RlweContext ctx = context(new int[] {50, 40}, new int[] {50}, 2);
        KeyGenerator kg = new KeyGenerator(ctx);
        SecretKey foreign = new SecretKey(kg.secretKey().poly(), 43L);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Decryptor(ctx, foreign));
        assertTrue(e.getMessage().contains("2b"), e.getMessage());
    }
}
