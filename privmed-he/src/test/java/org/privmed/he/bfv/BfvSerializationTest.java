package org.privmed.he.bfv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.he.serial.BfvSerializer;
import org.privmed.he.serial.HeFormatException;
import org.privmed.he.serial.HeSerializer;

class BfvSerializationTest {
    private static final BfvFixture F = BfvFixture.SEAL;
    private static final BfvSerializer S = new BfvSerializer(F.ctx);

    /** Recomputes the CRC32C trailer so that a test can reach the checks behind it. */
    private static byte[] withValidCrc(byte[] frame) {
        CRC32C c = new CRC32C();
        c.update(frame, 0, frame.length - 4);
        ByteBuffer.wrap(frame, frame.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) c.getValue());
        return frame;
    }

    @Test
    void parametersRoundTripAndInsecureSetsAreRefused() throws Exception {
        BfvParameters p = BfvParameters.presetSeal();
        assertEquals(p, BfvSerializer.readParameters(BfvSerializer.writeParameters(p)));
        BfvParameters insecure = BfvParameters.builder().logN(12).qBits(50, 50).pBits(50).plainModulusBits(17)
                .insecureForTesting().build();
        byte[] data = BfvSerializer.writeParameters(insecure);
        HeFormatException e = assertThrows(HeFormatException.class, () -> BfvSerializer.readParameters(data));
        assertTrue(e.getMessage().contains("insecure"), e.getMessage());
        assertEquals(insecure, BfvSerializer.readParameters(data, true));
        byte[] ckks = HeSerializer.writeParameters(CkksParameters.presetA());
        assertThrows(HeFormatException.class, () -> BfvSerializer.readParameters(ckks));
    }

    @Test
    void ciphertextsPlaintextsAndKeysRoundTrip() throws Exception {
        long[] v = F.random(new Random(11));
        BfvPlaintext pt = F.encoder.encode(v);
        assertArrayEquals(pt.coefficients(), S.readPlaintext(S.write(pt)).coefficients());

        BfvCiphertext pk = F.encryptor.encrypt(pt);
        byte[] full = S.write(pk);
        assertArrayEquals(v, F.decrypt(S.readCiphertext(full)));

        BfvCiphertext sym = F.symmetric.encrypt(pt);
        byte[] seeded = S.write(sym);
        assertTrue(seeded.length < full.length * 0.55, seeded.length + " vs " + full.length);
        assertArrayEquals(v, F.decrypt(S.readCiphertext(seeded)));

        BfvCiphertext product = F.eval.multiply(pk, sym);
        BfvCiphertext read = S.readCiphertext(S.write(product));
        assertEquals(3, read.size());
        BfvEvaluator withReadKey = new BfvEvaluator(F.ctx, S.readRelinearizationKey(S.write(F.relin)),
                S.readGaloisKeys(S.write(F.galois)));
        long[] expected = new long[v.length];
        for (int i = 0; i < v.length; i++) expected[i] = v[i] * v[i] % F.t;
        assertArrayEquals(expected, F.decrypt(withReadKey.relinearize(read)));
        BfvDecryptor fromStoredKey = new BfvDecryptor(F.ctx, S.readSecretKey(S.write(F.keys.secretKey())));
        assertArrayEquals(v, F.encoder.decode(fromStoredKey.decrypt(
                new BfvEncryptor(F.ctx, S.readPublicKey(S.write(F.keys.publicKey()))).encrypt(pt))));
    }

    @Test
    void truncatedCorruptForeignAndOutOfRangeInputIsRejected() {
        BfvCiphertext ct = F.encrypt(F.random(new Random(5)));
        byte[] good = S.write(ct);
        assertThrows(HeFormatException.class, () -> S.readCiphertext(Arrays.copyOf(good, good.length - 1)));
        assertThrows(HeFormatException.class, () -> S.readCiphertext(Arrays.copyOf(good, 20)));
        assertThrows(HeFormatException.class, () -> S.readCiphertext(null));
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 1;
        HeFormatException crc = assertThrows(HeFormatException.class, () -> S.readCiphertext(flipped));
        assertFalse(crc.getMessage().isEmpty());

        // another parameter set: same shape, different t, so a different id
        BfvContext other = new BfvContext(BfvParameters.builder().logN(13).qBits(43, 43, 44, 44).pBits(44)
                .plainModulusBits(18).build());
        HeFormatException foreign = assertThrows(HeFormatException.class, () -> new BfvSerializer(other).readCiphertext(good));
        assertTrue(foreign.getMessage().toLowerCase().contains("parameter"), foreign.getMessage());
        // a plaintext frame is not a ciphertext
        byte[] pt = S.write(F.encoder.encode(new long[] {1, 2, 3}));
        assertThrows(HeFormatException.class, () -> S.readCiphertext(pt));

        // a plaintext coefficient at or above t, with a valid checksum
        byte[] big = pt.clone();
        big[36] = big[37] = big[38] = (byte) 0xFF;
        HeFormatException range = assertThrows(HeFormatException.class, () -> S.readPlaintext(withValidCrc(big)));
        assertTrue(range.getMessage().contains("not below"), range.getMessage());
        // a ciphertext residue above its prime (44-bit field, all ones), with a valid checksum
        byte[] bad = good.clone();
        for (int i = 37; i < 43; i++) bad[i] = (byte) 0xFF;
        assertThrows(HeFormatException.class, () -> S.readCiphertext(withValidCrc(bad)));
        // a declared poly count of 4
        byte[] count = good.clone();
        count[36] = 4;
        assertThrows(HeFormatException.class, () -> S.readCiphertext(withValidCrc(count)));
    }
}
