package org.privmed.he.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BitPackingTest {

    @Test
    void roundTripForEveryWidthAndManyCounts() {
        qt().withExamples(400).forAll(integers().between(1, BitPacking.MAX_BITS), integers().between(0, 300),
                integers().between(0, 1_000_000)).checkAssert((bits, count, seed) -> {
            Random rnd = new Random(seed);
            long[] values = new long[count + 3];
            long mask = (1L << bits) - 1;
            for (int i = 0; i < values.length; i++) {
                values[i] = rnd.nextLong() & mask;
            }
            byte[] buf = new byte[5 + (int) BitPacking.packedBytes(count, bits) + 2];
            int end = BitPacking.pack(values, 2, count, bits, buf, 5);
            assertEquals(5 + BitPacking.packedBytes(count, bits), end);
            long[] back = new long[count + 1];
            try {
                assertEquals(end, BitPacking.unpack(buf, 5, bits, back, 1, count));
            } catch (HeFormatException e) {
                throw new AssertionError(e);
            }
            long[] expected = new long[count + 1];
            System.arraycopy(values, 2, expected, 1, count);
            assertArrayEquals(expected, back, "bits " + bits + " count " + count);
            assertEquals(0, buf[end], "must not write past the packed length");
        });
    }

    @Test
    void sizesAreTheBitCountRoundedUpToBytes() {
        assertEquals(5 * 8192, BitPacking.packedBytes(8192, 40));
        assertEquals(8, BitPacking.packedBytes(1, 60));
        assertEquals(15, BitPacking.packedBytes(2, 60));
        assertEquals(0, BitPacking.packedBytes(0, 60));
    }

    @Test
    void knownLayoutIsLeastSignificantBitFirst() {
        byte[] buf = new byte[2];
        BitPacking.pack(new long[] {0b101, 0b011, 0b111}, 0, 3, 3, buf, 0);
        // 101 | 011 << 3 | 111 << 6  = 0b1_1101_1101
        assertEquals((byte) 0b1101_1101, buf[0]);
        assertEquals((byte) 0b1, buf[1]);
    }

    @Test
    void nonZeroPaddingIsRefused() {
        byte[] buf = new byte[2];
        BitPacking.pack(new long[] {5, 3, 7}, 0, 3, 3, buf, 0);
        buf[1] |= 0x40;
        HeFormatException e = assertThrows(HeFormatException.class,
                () -> BitPacking.unpack(buf, 0, 3, new long[3], 0, 3));
        assertEquals(true, e.getMessage().contains("padding"), e.getMessage());
    }
}
