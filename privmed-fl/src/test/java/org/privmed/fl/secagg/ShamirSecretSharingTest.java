package org.privmed.fl.secagg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShamirSecretSharingTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void fieldModulusIsThePrimeJustAbove2To256() {
        assertTrue(ShamirSecretSharing.PRIME.isProbablePrime(128));
        for (int k = 1; k < 297; k += 2) {
            assertFalse(BigInteger.ONE.shiftLeft(256).add(BigInteger.valueOf(k)).isProbablePrime(64), "2^256+" + k);
        }
    }

    @Test
    void anyThresholdSubsetReconstructs() {
        qt().withExamples(60).forAll(integers().between(1, 9), integers().between(0, 9), integers().all()).checkAssert((t, extra, seed) -> {
            int n = t + extra;
            Random pick = new Random(seed);
            byte[] secret = new byte[32];
            pick.nextBytes(secret);
            int[] xs = new int[n];
            for (int i = 0; i < n; i++) xs[i] = 1 + i * 7 + pick.nextInt(5);
            List<ShamirSecretSharing.Share> shares = new ArrayList<>(ShamirSecretSharing.split(secret, t, xs, random));
            Collections.shuffle(shares, pick);
            assertArrayEquals(secret, ShamirSecretSharing.reconstruct(shares.subList(0, t), t));
            assertArrayEquals(secret, ShamirSecretSharing.reconstruct(shares, t), "all shares, extras checked for consistency");
        });
    }

    @Test
    void fewerThanThresholdSharesDoNotReconstruct() {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        int t = 4;
        List<ShamirSecretSharing.Share> shares = ShamirSecretSharing.split(secret, t, new int[] {1, 2, 3, 4, 5, 6}, random);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShamirSecretSharing.reconstruct(shares.subList(0, t - 1), t));
        assertTrue(e.getMessage().contains("need 4"), e.getMessage());
        // Interpolating t−1 shares as if they were enough gives some other value, not the secret.
        BigInteger wrong = ShamirSecretSharing.interpolate(shares.subList(0, t - 1), BigInteger.ZERO);
        assertFalse(wrong.equals(new BigInteger(1, secret)));
    }

    @Test
    void aCorruptedExtraShareIsDetected() {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        List<ShamirSecretSharing.Share> shares = new ArrayList<>(ShamirSecretSharing.split(secret, 3, new int[] {1, 2, 3, 4}, random));
        ShamirSecretSharing.Share last = shares.get(3);
        shares.set(3, new ShamirSecretSharing.Share(last.x(), last.y().add(BigInteger.ONE).mod(ShamirSecretSharing.PRIME)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShamirSecretSharing.reconstruct(shares, 3));
        assertTrue(e.getMessage().contains("x=4"), e.getMessage());
    }

    @Test
    void valueEncodingRoundTripsAndRejectsOutOfField() {
        BigInteger y = ShamirSecretSharing.PRIME.subtract(BigInteger.ONE);
        byte[] enc = ShamirSecretSharing.encodeValue(y);
        assertEquals(33, enc.length);
        assertEquals(y, ShamirSecretSharing.decodeValue(enc));
        assertEquals(BigInteger.ZERO, ShamirSecretSharing.decodeValue(ShamirSecretSharing.encodeValue(BigInteger.ZERO)));
        assertThrows(IllegalArgumentException.class, () -> ShamirSecretSharing.decodeValue(ShamirSecretSharing.encodeValue(ShamirSecretSharing.PRIME)));
        assertThrows(IllegalArgumentException.class, () -> ShamirSecretSharing.decodeValue(new byte[32]));
    }

    @Test
    void rejectsBadSplits() {
        assertThrows(IllegalArgumentException.class, () -> ShamirSecretSharing.split(new byte[31], 2, new int[] {1, 2}, random));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShamirSecretSharing.split(new byte[32], 2, new int[] {1, 1}, random));
        assertTrue(e.getMessage().contains("duplicate share point 1"));
        assertThrows(IllegalArgumentException.class, () -> ShamirSecretSharing.split(new byte[32], 3, new int[] {1, 2}, random));
        assertThrows(IllegalArgumentException.class, () -> ShamirSecretSharing.split(new byte[32], 2, new int[] {0, 2}, random));
        assertEquals(2, Arrays.stream(new int[] {1, 2}).count());
    }
}
