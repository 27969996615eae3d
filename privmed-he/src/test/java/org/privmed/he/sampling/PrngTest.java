package org.privmed.he.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PrngTest {

    private static byte[] seed(int tag) {
        byte[] s = new byte[32];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (tag * 31 + i);
        }
        return s;
    }

    @Test
    void sameSeedGivesSameStream() {
        Prng a = new Prng(seed(1));
        Prng b = new Prng(seed(1));
        for (int i = 0; i < 5000; i++) { // crosses several 8 KiB buffer refills
            assertEquals(a.nextLong(), b.nextLong(), "word " + i);
        }
        long[] ua = new long[3000];
        long[] ub = new long[3000];
        a.uniformModQ(1_000_003L, ua);
        b.uniformModQ(1_000_003L, ub);
        assertArrayEquals(ua, ub);
    }

    @Test
    void differentSeedsGiveDifferentStreams() {
        Prng a = new Prng(seed(1));
        Prng b = new Prng(seed(2));
        long[] sa = new long[64];
        long[] sb = new long[64];
        for (int i = 0; i < 64; i++) {
            sa[i] = a.nextLong();
            sb[i] = b.nextLong();
        }
        assertFalse(Arrays.equals(sa, sb));
        int equalWords = 0;
        for (int i = 0; i < 64; i++) {
            equalWords += sa[i] == sb[i] ? 1 : 0;
        }
        assertEquals(0, equalWords, "independent 64-bit words should essentially never coincide");
    }

    @Test
    void streamIsAesCtrFromCounterZero() throws Exception {
        // independent reference: AES-256 in ECB mode applied to the big-endian counter blocks 0, 1, 2, ...
        byte[] key = seed(7);
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        int blocks = 1100; // 17600 bytes: more than two internal buffers
        byte[] counters = new byte[16 * blocks];
        for (int i = 0; i < blocks; i++) {
            ByteBuffer.wrap(counters, 16 * i + 8, 8).putLong(i);
        }
        byte[] expected = ecb.doFinal(counters);

        Prng prng = new Prng(key);
        ByteBuffer actual = ByteBuffer.allocate(expected.length).order(ByteOrder.LITTLE_ENDIAN);
        // mix odd-sized byte reads with word reads to exercise the buffer bookkeeping
        byte[] three = new byte[3];
        prng.nextBytes(three);
        actual.put(three);
        while (actual.remaining() >= 8 + 5) {
            actual.putLong(prng.nextLong());
            if (actual.position() % 1000 < 8) {
                byte[] five = new byte[5];
                prng.nextBytes(five);
                actual.put(five);
            }
        }
        byte[] rest = new byte[actual.remaining()];
        prng.nextBytes(rest);
        actual.put(rest);
        assertArrayEquals(expected, actual.array());
    }

    @Test
    void seedIsACopyAndLengthIsChecked() {
        byte[] s = seed(3);
        Prng prng = new Prng(s);
        s[0] ^= 1;
        assertNotEquals(s[0], prng.seed()[0], "constructor must copy the seed");
        byte[] out = prng.seed();
        out[1] ^= 1;
        assertEquals(seed(3)[1], prng.seed()[1], "seed() must return a copy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Prng(new byte[16]));
        assertTrue(e.getMessage().contains("16"), e.getMessage());
    }

    @Test
    void secureRandomGeneratorsHaveDistinctSeeds() {
        assertFalse(Arrays.equals(Prng.fromSecureRandom().seed(), Prng.fromSecureRandom().seed()));
    }

    @Test
    void uniformModSixtyBitPrimeIsUniformInHighAndLowBits() {
        // q ~ 0.75 * 2^60: a quarter of the masked draws are rejected, and a sampler that reduced the
        // masked value mod q instead would make the lowest third of [0, q) twice as likely
        long q = (3L << 58) + 12345;
        int n = 640_000;
        long[] values = new long[n];
        new Prng(seed(11)).uniformModQ(q, values);
        int buckets = 64;
        long[] high = new long[buckets];
        long[] low = new long[buckets];
        for (long v : values) {
            assertTrue(v >= 0 && v < q, "value out of range: " + v);
            high[(int) ((double) v / q * buckets)]++;
            low[(int) (v & (buckets - 1))]++;
        }
        double[] expected = new double[buckets];
        Arrays.fill(expected, (double) n / buckets);
        double limit = ChiSquare.threshold(buckets - 1);
        assertTrue(ChiSquare.statistic(high, expected) < limit, "high-order buckets biased");
        assertTrue(ChiSquare.statistic(low, expected) < limit, "low-order buckets biased");
    }

    @Test
    void uniformModSmallQHasNoModuloBias() {
        for (long q : new long[] {2, 3, 17, 257}) {
            int n = 200_000;
            long[] values = new long[n];
            new Prng(seed((int) q)).uniformModQ(q, values);
            long[] counts = new long[(int) q];
            for (long v : values) {
                assertTrue(v >= 0 && v < q, "value out of range for q = " + q + ": " + v);
                counts[(int) v]++;
            }
            double[] expected = new double[(int) q];
            Arrays.fill(expected, (double) n / q);
            double chi = ChiSquare.statistic(counts, expected);
            assertTrue(chi < ChiSquare.threshold((int) q - 1), "q = " + q + ": chi-square " + chi);
        }
    }

    @Test
    void uniformModQRejectsTinyModulus() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Prng(seed(1)).uniformModQ(1, new long[4]));
        assertTrue(e.getMessage().contains("1"), e.getMessage());
    }
}
