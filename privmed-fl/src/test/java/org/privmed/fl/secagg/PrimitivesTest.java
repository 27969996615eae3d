package org.privmed.fl.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.privmed.fl.prg.AesCtrPrg;

class PrimitivesTest {
    private static final HexFormat HEX = HexFormat.of();
    private final SecureRandom random = new SecureRandom();

    /** RFC 7748 Sec. 6.1 Diffie–Hellman test vector. */
    @Test
    void x25519MatchesRfc7748() {
        byte[] alicePriv = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] alicePub = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        byte[] bobPriv = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] bobPub = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        byte[] shared = HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assertArrayEquals(alicePub, X25519.publicKeyOf(alicePriv));
        assertArrayEquals(bobPub, X25519.publicKeyOf(bobPriv));
        assertArrayEquals(shared, X25519.agree(alicePriv, bobPub));
        assertArrayEquals(shared, X25519.agree(bobPriv, alicePub));
    }

    @Test
    void x25519GeneratedPairsAgreeAndSmallOrderKeysAreRefused() {
        X25519.KeyPairBytes a = X25519.generate(random);
        X25519.KeyPairBytes b = X25519.generate(random);
        assertArrayEquals(a.publicKey(), X25519.publicKeyOf(a.privateKey()));
        assertArrayEquals(X25519.agree(a.privateKey(), b.publicKey()), X25519.agree(b.privateKey(), a.publicKey()));
        assertThrows(SecAggProtocolException.class, () -> X25519.agree(a.privateKey(), new byte[32])); // u = 0
        assertThrows(SecAggProtocolException.class, () -> X25519.agree(a.privateKey(), new byte[31]));
    }

    /** RFC 5869 Appendix A.1, test case 1. */
    @Test
    void hkdfMatchesRfc5869() {
        byte[] ikm = new byte[22];
        Arrays.fill(ikm, (byte) 0x0b);
        byte[] okm = Hkdf.derive(ikm, HEX.parseHex("000102030405060708090a0b0c"), HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", HEX.formatHex(okm));
    }

    @Test
    void shareCipherRoundTripsAndRejectsEveryTamper() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        byte[] aad = KeyDerivation.shareAssociatedData(5, 1, 2);
        byte[] plain = new byte[ShareBundle.BYTES];
        random.nextBytes(plain);
        byte[] sealed = ShareCipher.seal(key, aad, plain, random);
        assertEquals(ShareBundle.CIPHERTEXT_BYTES, sealed.length);
        assertArrayEquals(plain, ShareCipher.open(key, aad, sealed));
        assertFalse(Arrays.equals(Arrays.copyOf(sealed, 12), Arrays.copyOf(ShareCipher.seal(key, aad, plain, random), 12)), "fresh nonce");
        for (int pos : new int[] {0, 11, 12, 40, sealed.length - 1}) {
            byte[] bad = sealed.clone();
            bad[pos] ^= 1;
            assertThrows(SecAggProtocolException.class, () -> ShareCipher.open(key, aad, bad), "flip at " + pos);
        }
        assertThrows(SecAggProtocolException.class, () -> ShareCipher.open(key, KeyDerivation.shareAssociatedData(5, 2, 1), sealed), "reflected");
        assertThrows(SecAggProtocolException.class, () -> ShareCipher.open(key, KeyDerivation.shareAssociatedData(6, 1, 2), sealed), "other round");
        assertThrows(SecAggProtocolException.class, () -> ShareCipher.open(key, aad, Arrays.copyOf(sealed, 20)), "truncated");
    }

    @Test
    void masksCancelAndSubtractInverts() {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        int[] v = new int[50_000];
        for (int i = 0; i < v.length; i++) v[i] = i * 31;
        int[] w = v.clone();
        Masks.add(w, seed);
        assertFalse(Arrays.equals(v, w));
        int[] expanded = Masks.expand(seed, v.length);
        for (int i = 0; i < v.length; i++) assertEquals(v[i] + expanded[i], w[i]);
        Masks.subtract(w, seed);
        assertArrayEquals(v, w);
    }

    /** Tiles that end inside a keystream buffer, a vector shorter than one tile, and mixed signs. */
    @Test
    void streamsAppliedTileByTileEqualStreamsAppliedOneByOne() {
        SecureRandom r = new SecureRandom();
        for (int length : new int[] {3 * AesCtrPrg.MAX_TILE_INTS + 17, 1000, AesCtrPrg.MAX_TILE_INTS}) {
            int[] base = new int[length];
            for (int i = 0; i < length; i++) base[i] = r.nextInt();
            java.util.List<byte[]> seeds = new java.util.ArrayList<>();
            int[] signs = new int[7];
            int[] oneByOne = base.clone();
            for (int s = 0; s < signs.length; s++) {
                byte[] seed = new byte[32];
                r.nextBytes(seed);
                seeds.add(seed);
                signs[s] = s % 3 == 0 ? -1 : 1;
                if (signs[s] > 0) Masks.add(oneByOne, seed);
                else Masks.subtract(oneByOne, seed);
            }
            int[] tiled = base.clone();
            Masks.applyAll(tiled, seeds, signs);
            assertArrayEquals(oneByOne, tiled, "length " + length);
        }
    }

    @Test
    void stochasticQuantizationIsUnbiasedAndSumsDequantize() {
        StochasticQuantizer q = new StochasticQuantizer(1.0, 16);
        AesCtrPrg prg = new AesCtrPrg(new byte[32]);
        int n = 20_000;
        float[] x = new float[n];
        Arrays.fill(x, 0.123457f);
        int[] qx = q.quantize(x, prg);
        long total = 0;
        for (int v : qx) {
            assertTrue(v >= 0 && v < 1 << 16);
            total += v;
        }
        double mean = q.dequantizeSum(new int[] {(int) total}, n)[0] / n;
        assertEquals(0.123457, mean, 1e-5);
        int[] clipped = q.quantize(new float[] {5f, -5f}, prg);
        assertEquals((1 << 16) - 1, clipped[0]);
        assertEquals(0, clipped[1]);
        assertEquals(65537, q.maxSummands());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.dequantizeSum(new int[1], 70_000));
        assertTrue(e.getMessage().contains("70000"));
        assertThrows(IllegalArgumentException.class, () -> q.quantize(new float[] {Float.NaN}, prg));
    }

    @Test
    void neighbourGraphIsRegularSymmetricAndSeeded() {
        int[] ids = new int[30];
        for (int i = 0; i < ids.length; i++) ids[i] = 3 * i + 1;
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        NeighbourGraph g = new NeighbourGraph(ids, 7, seed);
        NeighbourGraph again = new NeighbourGraph(ids, 7, seed);
        for (int a : ids) {
            int[] na = g.neighbourhood(a);
            assertEquals(7, na.length, "k members including itself");
            assertTrue(Arrays.binarySearch(na, a) >= 0);
            assertArrayEquals(na, again.neighbourhood(a));
            for (int b : na) assertTrue(g.areNeighbours(b, a), a + "~" + b + " must be symmetric");
        }
        byte[] other = seed.clone();
        other[0] ^= 1;
        NeighbourGraph h = new NeighbourGraph(ids, 7, other);
        Set<String> diff = new TreeSet<>();
        for (int a : ids) if (!Arrays.equals(g.neighbourhood(a), h.neighbourhood(a))) diff.add("" + a);
        assertFalse(diff.isEmpty(), "a different seed gives a different graph");
        assertEquals(30, new NeighbourGraph(ids, 30, seed).neighbourhood(1).length);
        assertThrows(IllegalArgumentException.class, () -> new NeighbourGraph(ids, 8, seed));
    }

    @Test
    void roundParametersEnforceTheSecurityConditions() {
        int[] ids = {1, 2, 3, 4, 5};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RoundParameters.create(1, ids, 5, 2, 10, random));
        assertTrue(e.getMessage().contains("k/2 < t"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RoundParameters.create(1, new int[] {1, 3, 2}, 3, 2, 10, random));
        RoundParameters p = RoundParameters.create(1, ids, 5, 3, 10, random);
        assertEquals(p, RoundParameters.fromProto(p.toProto()));
        assertThrows(SecAggProtocolException.class, () -> RoundParameters.fromProto(p.toProto().toBuilder().setReconstructionThreshold(9).build()));
    }
}
