package org.privmed.he.serial;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Fixed-width bit packing: {@code count} values of {@code bits} bits each occupy exactly
 * ceil(count * bits / 8) bytes, least significant bit first. Residues mod a 40-bit prime then cost
 * 5 bytes instead of 8, which is what brings a ciphertext below SEAL's uncompressed size.
 * Unused bits of the last byte are zero and checked to be zero on reading, so the encoding is
 * canonical.
 */
final class BitPacking {

    static final int MAX_BITS = 63;

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private BitPacking() {
    }

    static long packedBytes(long count, int bits) {
        return (count * bits + 7) >>> 3;
    }

    /**
     * Writes values[from .. from+count) at {@code bits} bits each into {@code out} from {@code offset}.
     * Every value must already be in [0, 2^bits); the caller checks the tighter bound v &lt; q.
     *
     * @return the offset just past the written bytes
     */
    static int pack(long[] values, int from, int count, int bits, byte[] out, int offset) {
        checkBits(bits);
        long acc = 0;
        int accBits = 0;
        int pos = offset;
        for (int i = from, end = from + count; i < end; i++) {
            long v = values[i];
            acc |= v << accBits;
            int total = accBits + bits;
            if (total >= 64) {
                LONG_LE.set(out, pos, acc);
                pos += 8;
                // accBits >= 1 here because bits <= 63, so the shift is in [1, 63]
                acc = total == 64 ? 0 : v >>> (64 - accBits);
                accBits = total - 64;
            } else {
                accBits = total;
            }
        }
        while (accBits > 0) {
            out[pos++] = (byte) acc;
            acc >>>= 8;
            accBits -= 8;
        }
        return pos;
    }

    /**
     * Reads {@code count} values of {@code bits} bits from {@code in} at {@code offset} into
     * out[from .. from+count). The caller has checked that enough bytes are present.
     *
     * @return the offset just past the read bytes
     * @throws HeFormatException if the padding bits of the last byte are not zero
     */
    static int unpack(byte[] in, int offset, int bits, long[] out, int from, int count) throws HeFormatException {
        checkBits(bits);
        long mask = (1L << bits) - 1;
        int end = offset + (int) packedBytes(count, bits);
        int pos = offset;
        long acc = 0;
        int accBits = 0;
        for (int i = from, stop = from + count; i < stop; i++) {
            if (accBits >= bits) {
                out[i] = acc & mask;
                acc >>>= bits;
                accBits -= bits;
            } else {
                long word;
                int got;
                if (end - pos >= 8) {
                    word = (long) LONG_LE.get(in, pos);
                    got = 64;
                    pos += 8;
                } else {
                    word = 0;
                    got = 0;
                    while (pos < end) {
                        word |= (in[pos++] & 0xFFL) << got;
                        got += 8;
                    }
                }
                int need = bits - accBits;
                out[i] = (acc | (word << accBits)) & mask;
                acc = need == 64 ? 0 : word >>> need;
                accBits = got - need;
            }
        }
        // leftover bits in the final partial word must be zero padding
        if (accBits > 0 && acc != 0) {
            throw new HeFormatException("non-zero padding bits after " + count + " packed " + bits
                    + "-bit values ending at byte offset " + end);
        }
        return end;
    }

    private static void checkBits(int bits) {
        if (bits < 1 || bits > MAX_BITS) {
            throw new IllegalArgumentException("bit width must be in [1, " + MAX_BITS + "], got " + bits);
        }
    }
}
