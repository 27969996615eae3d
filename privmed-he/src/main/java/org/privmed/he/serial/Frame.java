package org.privmed.he.serial;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * Builds and opens the header + payload + CRC32C frame described in {@link Header}.
 *
 * <p>Writing: {@link #writer} returns a cursor over a buffer of the exact final size, so an object
 * is serialized with one allocation; {@link Writer#finish} checks the payload filled its declared
 * length and stamps the checksum. Reading: {@link #open} checks, in this order, size, magic,
 * version, length consistency, checksum, object type, flags and parameter id, and returns a cursor
 * over the payload whose every read is bounds-checked.
 */
final class Frame {

    static final byte[] MAGIC = "PMHE".getBytes(StandardCharsets.US_ASCII);

    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Largest frame a Java array can hold. */
    static final long MAX_FRAME = Integer.MAX_VALUE - 16;

    private Frame() {
    }

    static Writer writer(ObjectType type, boolean seeded, long parameterId, int level, double scale, long payloadLength) {
        long total = Header.SIZE + payloadLength + Header.TRAILER;
        if (payloadLength < 0 || total > MAX_FRAME) {
            throw new IllegalArgumentException("a " + type + " of " + payloadLength
                    + " payload bytes does not fit one frame (limit " + MAX_FRAME + " bytes)");
        }
        byte[] buf = new byte[(int) total];
        System.arraycopy(MAGIC, 0, buf, 0, 4);
        SHORT_LE.set(buf, 4, (short) Header.VERSION);
        buf[6] = (byte) type.code();
        buf[7] = (byte) (seeded ? Header.FLAG_SEEDED : 0);
        LONG_LE.set(buf, 8, parameterId);
        INT_LE.set(buf, 16, level);
        LONG_LE.set(buf, 20, Double.doubleToRawLongBits(scale));
        LONG_LE.set(buf, 28, payloadLength);
        return new Writer(buf);
    }

    /**
     * Parses and checks a header from its first {@link Header#SIZE} bytes (magic, version, type code,
     * flags); length and checksum are checked by {@link #open}.
     */
    static Header parseHeader(byte[] data) throws HeFormatException {
        if (data.length < Header.SIZE) {
            throw new HeFormatException("truncated: " + data.length + " bytes, shorter than the "
                    + Header.SIZE + "-byte header");
        }
        for (int i = 0; i < 4; i++) {
            if (data[i] != MAGIC[i]) {
                throw new HeFormatException("not PrivMed HE data: magic bytes are "
                        + HexFormat.of().formatHex(data, 0, 4) + ", expected "
                        + HexFormat.of().formatHex(MAGIC) + " (\"PMHE\")");
            }
        }
        int version = Short.toUnsignedInt((short) SHORT_LE.get(data, 4));
        if (version != Header.VERSION) {
            throw new HeFormatException("unsupported format version " + version + " (this build reads version "
                    + Header.VERSION + ")");
        }
        ObjectType type = ObjectType.fromCode(data[6] & 0xFF);
        int flags = data[7] & 0xFF;
        if ((flags & ~Header.KNOWN_FLAGS) != 0) {
            throw new HeFormatException("unknown header flags 0x" + Integer.toHexString(flags));
        }
        long id = (long) LONG_LE.get(data, 8);
        int level = (int) INT_LE.get(data, 16);
        double scale = Double.longBitsToDouble((long) LONG_LE.get(data, 20));
        long payload = (long) LONG_LE.get(data, 28);
        if (payload < 0 || payload > MAX_FRAME - Header.SIZE - Header.TRAILER) {
            throw new HeFormatException("declared payload length " + Long.toUnsignedString(payload)
                    + " bytes is out of range");
        }
        return new Header(version, type, flags, id, level, scale, payload);
    }

    /**
     * Checks a whole frame and returns a reader positioned at the start of its payload.
     *
     * @param expected    the object type the caller wants
     * @param parameterId the id of the caller's parameters
     * @param checkId     false for a parameter set itself, whose codec checks the id against the
     *                    parameters it rebuilds
     */
    static Reader open(byte[] data, ObjectType expected, long parameterId, boolean checkId) throws HeFormatException {
        Header h = parseHeader(data);
        long total = Header.SIZE + h.payloadLength() + Header.TRAILER;
        if (data.length < total) {
            throw new HeFormatException("truncated: " + data.length + " bytes, the header declares "
                    + total + " (" + h.payloadLength() + "-byte payload + header + checksum)");
        }
        if (data.length > total) {
            throw new HeFormatException(data.length - total + " unexpected bytes after the end of the "
                    + h.type() + " (" + total + " bytes declared)");
        }
        int crcAt = (int) total - Header.TRAILER;
        int stored = (int) INT_LE.get(data, crcAt);
        int computed = crc(data, crcAt);
        if (stored != computed) {
            throw new HeFormatException("checksum mismatch: stored CRC32C " + hex(stored) + ", computed "
                    + hex(computed) + " (the data is corrupted)");
        }
        if (h.type() != expected) {
            throw new HeFormatException("expected a " + expected + ", found a " + h.type());
        }
        if (checkId && h.parameterId() != parameterId) {
            throw new HeFormatException("the " + h.type() + " was made for parameter set "
                    + Long.toHexString(h.parameterId()) + ", not for these parameters ("
                    + Long.toHexString(parameterId) + ")");
        }
        return new Reader(data, Header.SIZE, crcAt, h);
    }

    /**
     * Reads one frame from a stream: the header, then exactly the payload and checksum it declares.
     * The declared length is not trusted for allocation (the JDK reads in bounded chunks), so a
     * lying header on a short stream costs no more memory than the bytes actually present.
     */
    static byte[] readFrom(InputStream in) throws IOException {
        byte[] head = in.readNBytes(Header.SIZE);
        Header h = parseHeader(head);
        int rest = (int) (h.payloadLength() + Header.TRAILER);
        byte[] tail = in.readNBytes(rest);
        if (tail.length < rest) {
            throw new HeFormatException("truncated: the stream ended " + (rest - tail.length)
                    + " bytes before the end of the " + h.type() + " (" + (Header.SIZE + rest) + " bytes declared)");
        }
        byte[] frame = new byte[Header.SIZE + rest];
        System.arraycopy(head, 0, frame, 0, Header.SIZE);
        System.arraycopy(tail, 0, frame, Header.SIZE, rest);
        return frame;
    }

    static int crc(byte[] data, int length) {
        CRC32C c = new CRC32C();
        c.update(data, 0, length);
        return (int) c.getValue();
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }

    /** Sequential writer over an exactly-sized frame buffer. */
    static final class Writer {
        private final byte[] buf;
        private int pos = Header.SIZE;

        private Writer(byte[] buf) {
            this.buf = buf;
        }

        void u8(int v) {
            buf[pos++] = (byte) v;
        }

        void i32(int v) {
            INT_LE.set(buf, pos, v);
            pos += 4;
        }

        void i64(long v) {
            LONG_LE.set(buf, pos, v);
            pos += 8;
        }

        void f64(double v) {
            i64(Double.doubleToRawLongBits(v));
        }

        void bytes(byte[] b) {
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        /**
         * Packs residues mod {@code modulus} at its bit width.
         *
         * @throws IllegalArgumentException if a value is outside [0, modulus): refusing to write
         *                                  garbage that the reader would refuse anyway
         */
        void residues(long[] values, int from, int count, long modulus, String what) {
            for (int i = from, end = from + count; i < end; i++) {
                long v = values[i];
                if (v < 0 || v >= modulus) {
                    throw new IllegalArgumentException(what + ": coefficient " + (i - from) + " = " + v
                            + " is not reduced mod " + modulus);
                }
            }
            pos = BitPacking.pack(values, from, count, bitWidth(modulus), buf, pos);
        }

        byte[] finish() {
            int crcAt = buf.length - Header.TRAILER;
            if (pos != crcAt) {
                throw new IllegalStateException("payload wrote " + (pos - Header.SIZE) + " bytes, declared "
                        + (crcAt - Header.SIZE));
            }
            INT_LE.set(buf, crcAt, crc(buf, crcAt));
            return buf;
        }
    }

    /** Bounds-checked sequential reader over a frame's payload. */
    static final class Reader {
        private final byte[] data;
        private final int end;
        private final Header header;
        private int pos;

        private Reader(byte[] data, int start, int end, Header header) {
            this.data = data;
            this.pos = start;
            this.end = end;
            this.header = header;
        }

        Header header() {
            return header;
        }

        private void need(long n, String what) throws HeFormatException {
            if (n > end - pos) {
                throw new HeFormatException("payload too short: " + what + " needs " + n + " bytes at payload offset "
                        + (pos - Header.SIZE) + ", only " + (end - pos) + " left");
            }
        }

        int u8(String what) throws HeFormatException {
            need(1, what);
            return data[pos++] & 0xFF;
        }

        int i32(String what) throws HeFormatException {
            need(4, what);
            int v = (int) INT_LE.get(data, pos);
            pos += 4;
            return v;
        }

        long i64(String what) throws HeFormatException {
            need(8, what);
            long v = (long) LONG_LE.get(data, pos);
            pos += 8;
            return v;
        }

        double f64(String what) throws HeFormatException {
            return Double.longBitsToDouble(i64(what));
        }

        byte[] bytes(int n, String what) throws HeFormatException {
            need(n, what);
            byte[] b = new byte[n];
            System.arraycopy(data, pos, b, 0, n);
            pos += n;
            return b;
        }

        /** Unpacks {@code count} residues and checks each is below {@code modulus}. */
        void residues(long[] out, int from, int count, long modulus, String what) throws HeFormatException {
            int bits = bitWidth(modulus);
            need(BitPacking.packedBytes(count, bits), what);
            pos = BitPacking.unpack(data, pos, bits, out, from, count);
            for (int i = from, stop = from + count; i < stop; i++) {
                if (out[i] >= modulus) {
                    throw new HeFormatException(what + ": coefficient " + (i - from) + " = " + out[i]
                            + " is not below its modulus " + modulus);
                }
            }
        }

        void expectEnd(String what) throws HeFormatException {
            if (pos != end) {
                throw new HeFormatException(end - pos + " unexpected payload bytes after the " + what);
            }
        }
    }

    /** Bits needed for residues mod q: values lie in [0, q - 1]. */
    static int bitWidth(long modulus) {
        if (modulus < 2) {
            throw new IllegalArgumentException("modulus must be at least 2, got " + modulus);
        }
        return 64 - Long.numberOfLeadingZeros(modulus - 1);
    }
}
