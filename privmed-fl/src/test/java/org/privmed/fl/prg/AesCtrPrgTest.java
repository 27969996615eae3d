package org.privmed.fl.prg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class AesCtrPrgTest {

    /** The keystream must be AES-256 of the counter blocks 0, 1, … (checked against the raw block cipher). */
    @Test
    void firstBlockIsAesOfTheZeroCounter() throws Exception {
        byte[] seed = HexFormat.of().parseHex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        byte[] got = new byte[32];
        new AesCtrPrg(seed).nextBytes(got);
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"));
        byte[] counters = new byte[32];
        counters[31] = 1; // second block counter = 1
        byte[] want = ecb.doFinal(counters);
        assertArrayEquals(want, got);
    }

    @Test
    void sameSeedSameStreamAcrossAccessPatterns() {
        byte[] seed = new byte[32];
        seed[0] = 7;
        int[] a = new int[100_000];
        new AesCtrPrg(seed).nextInts(a);
        AesCtrPrg b = new AesCtrPrg(seed);
        for (int i = 0; i < 1000; i++) assertEquals(a[i], b.nextInt(), "word " + i);
        byte[] other = seed.clone();
        other[31] = 1;
        int[] c = new int[a.length];
        new AesCtrPrg(other).nextInts(c);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void boundedDrawsAreUniform() {
        AesCtrPrg prg = new AesCtrPrg(new byte[32]);
        int bound = 7;
        int[] counts = new int[bound];
        int n = 70_000;
        for (int i = 0; i < n; i++) counts[(int) prg.nextLong(bound)]++;
        double chi2 = 0;
        for (int c : counts) chi2 += Math.pow(c - n / (double) bound, 2) / (n / (double) bound);
        assertTrue(chi2 < 22.46, "chi-square with 6 dof at p=0.001: " + chi2);
        for (int i = 0; i < 1000; i++) {
            double d = prg.nextDouble();
            assertTrue(d >= 0 && d < 1);
        }
    }

    @Test
    void rejectsWrongSeedLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AesCtrPrg(new byte[16]));
        assertTrue(e.getMessage().contains("16"));
    }
}
