package org.privmed.he.serial;

import java.util.Arrays;

/**
 * The fixed-size header in front of every serialized object.
 *
 * <pre>
 * offset size  field
 *  0      4    magic "PMHE"
 *  4      2    format version (little-endian), currently 1
 *  6      1    object type code ({@link ObjectType})
 *  7      1    flags: bit 0 = seeded form (uniform components stored as their 32-byte PRNG seed)
 *  8     32    parameter id: SHA-256 of the canonical parameter encoding
 * 40      4    level (signed; -1 where the object has none)
 * 44      8    scale, IEEE 754 double (0 where the object has none)
 * 52      8    payload length in bytes
 * 60      ...  payload
 * end-4   4    CRC32C of every preceding byte
 * </pre>
 *
 * The layout follows the habit of SEAL's {@code SEALHeader} (magic, version, compression mode, size)
 * and its {@code parms_id} check on load; the CRC32C trailer catches accidental corruption (it is no
 * defence against deliberate tampering, which needs a MAC over the transport).
 */
record Header(int version, ObjectType type, int flags, byte[] parameterId, int level, double scale, long payloadLength) {

    static final int SIZE = 60;
    static final int TRAILER = 4;
    static final int VERSION = 1;
    static final int FLAG_SEEDED = 1;
    static final int KNOWN_FLAGS = FLAG_SEEDED;
    static final int PARAMETER_ID_BYTES = 32;

    Header {
        parameterId = parameterId.clone();
    }

    boolean seeded() {
        return (flags & FLAG_SEEDED) != 0;
    }

    @Override
    public byte[] parameterId() {
        return parameterId.clone();
    }

    boolean sameParameters(byte[] id) {
        return Arrays.equals(parameterId, id);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Header h && version == h.version && type == h.type && flags == h.flags
                && Arrays.equals(parameterId, h.parameterId) && level == h.level
                && Double.compare(scale, h.scale) == 0 && payloadLength == h.payloadLength;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(parameterId) * 31 + type.hashCode() + level;
    }

    @Override
    public String toString() {
        return "Header[" + type + ", v" + version + ", flags=" + flags + ", level=" + level
                + ", scale=" + scale + ", payload=" + payloadLength + " B]";
    }
}
