package org.privmed.he.serial;

/**
 * The fixed-size header in front of every serialized object.
 *
 * <pre>
 * offset size  field
 *  0      4    magic "PMHE"
 *  4      2    format version (little-endian), currently 1
 *  6      1    object type code ({@link ObjectType})
 *  7      1    flags: bit 0 = seeded form (uniform components stored as their 32-byte PRNG seed)
 *  8      8    parameter id ({@code CkksParameters.id()}: the first 8 bytes of SHA-256 over the
 *              canonical parameter encoding)
 * 16      4    level (signed; -1 where the object has none)
 * 20      8    scale, IEEE 754 double (0 where the object has none)
 * 28      8    payload length in bytes
 * 36      ...  payload
 * end-4   4    CRC32C of every preceding byte
 * </pre>
 *
 * The layout follows the habit of SEAL's {@code SEALHeader} (magic, version, compression mode, size)
 * and its {@code parms_id} check on load; the CRC32C trailer catches accidental corruption (it is no
 * defence against deliberate tampering, which needs a MAC over the transport).
 */
record Header(int version, ObjectType type, int flags, long parameterId, int level, double scale, long payloadLength) {

    static final int SIZE = 36;
    static final int TRAILER = 4;
    static final int VERSION = 1;
    static final int FLAG_SEEDED = 1;
    static final int KNOWN_FLAGS = FLAG_SEEDED;

    boolean seeded() {
        return (flags & FLAG_SEEDED) != 0;
    }
}
