package org.privmed.he.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameTest {

    private static final long ID = 0x1234_5678_9abc_def0L;

    private static byte[] sample() {
        long q = (1L << 40) - 87;
        long[] residues = {0, 1, q - 1, 123456789, 42};
        long payload = 4 + 8 + BitPacking.packedBytes(residues.length, 40);
        Frame.Writer w = Frame.writer(ObjectType.CIPHERTEXT, false, ID, 2, 0x1p40, payload);
        w.i32(residues.length);
        w.i64(q);
        w.residues(residues, 0, residues.length, q, "test poly");
        return w.finish();
    }

    @Test
    void roundTrip() throws HeFormatException {
        byte[] data = sample();
        Frame.Reader r = Frame.open(data, ObjectType.CIPHERTEXT, ID, true);
        assertEquals(2, r.header().level());
        assertEquals(0x1p40, r.header().scale());
        int n = r.i32("count");
        long q = r.i64("modulus");
        long[] back = new long[n];
        r.residues(back, 0, n, q, "test poly");
        r.expectEnd("test poly");
        assertArrayEquals(new long[] {0, 1, q - 1, 123456789, 42}, back);
        assertArrayEquals(Frame.MAGIC, Arrays.copyOf(data, 4));
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] data = sample();
        for (int len = 0; len < data.length; len++) {
            byte[] cut = Arrays.copyOf(data, len);
            HeFormatException e = assertThrows(HeFormatException.class,
                    () -> Frame.open(cut, ObjectType.CIPHERTEXT, ID, true), "length " + len);
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void everySingleBitFlipIsRefused() {
        byte[] data = sample();
        for (int i = 0; i < data.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = data.clone();
                bad[i] ^= (byte) (1 << bit);
                assertThrows(HeFormatException.class, () -> Frame.open(bad, ObjectType.CIPHERTEXT, ID, true),
                        "flip at byte " + i + " bit " + bit);
            }
        }
    }

    @Test
    void wrongTypeForeignParametersAndTrailingBytesAreNamed() {
        byte[] data = sample();
        HeFormatException e = assertThrows(HeFormatException.class,
                () -> Frame.open(data, ObjectType.PUBLIC_KEY, ID, true));
        assertTrue(e.getMessage().contains("expected a PUBLIC_KEY, found a CIPHERTEXT"), e.getMessage());
        e = assertThrows(HeFormatException.class, () -> Frame.open(data, ObjectType.CIPHERTEXT, ID + 1, true));
        assertTrue(e.getMessage().contains("parameter set 123456789abcdef0"), e.getMessage());
        byte[] longer = Arrays.copyOf(data, data.length + 3);
        e = assertThrows(HeFormatException.class, () -> Frame.open(longer, ObjectType.CIPHERTEXT, ID, true));
        assertTrue(e.getMessage().contains("3 unexpected bytes"), e.getMessage());
        byte[] foreign = data.clone();
        foreign[0] = 'X';
        e = assertThrows(HeFormatException.class, () -> Frame.open(foreign, ObjectType.CIPHERTEXT, ID, true));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void coefficientAboveModulusIsRefusedEvenWithAValidChecksum() {
        long q = 1000;
        // 1023 fits the 10-bit width of q but is not a residue mod q
        long payload = BitPacking.packedBytes(3, 10);
        Frame.Writer w = Frame.writer(ObjectType.PLAINTEXT, false, ID, 0, 1.0, payload);
        w.residues(new long[] {1, 2, 3}, 0, 3, q, "poly");
        byte[] data = w.finish();
        // rewrite the second value to 1023 and re-stamp the checksum, as a buggy writer would
        byte[] packed = new byte[(int) payload];
        BitPacking.pack(new long[] {1, 1023, 3}, 0, 3, 10, packed, 0);
        System.arraycopy(packed, 0, data, Header.SIZE, packed.length);
        int crc = Frame.crc(data, data.length - 4);
        for (int i = 0; i < 4; i++) {
            data[data.length - 4 + i] = (byte) (crc >>> (8 * i));
        }
        HeFormatException e = assertThrows(HeFormatException.class, () -> {
            Frame.Reader r = Frame.open(data, ObjectType.PLAINTEXT, ID, true);
            r.residues(new long[3], 0, 3, q, "poly");
        });
        assertTrue(e.getMessage().contains("coefficient 1 = 1023"), e.getMessage());
    }

    @Test
    void writerRefusesUnreducedValues() {
        Frame.Writer w = Frame.writer(ObjectType.PLAINTEXT, false, ID, 0, 1.0, BitPacking.packedBytes(1, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.residues(new long[] {1000}, 0, 1, 1000, "poly"));
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
    }
}
