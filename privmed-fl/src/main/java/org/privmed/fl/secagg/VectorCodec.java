package org.privmed.fl.secagg;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** uint32 vectors as little-endian bytes on the wire. */
final class VectorCodec {
    private VectorCodec() {}

    static ByteString encode(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        return ByteString.copyFrom(b.array());
    }

    /** Adds the encoded vector into {@code acc} mod 2³² without materialising a second int array. */
    static void addInto(int[] acc, ByteString encoded) {
        ByteBuffer b = encoded.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < acc.length; i++) acc[i] += b.getInt(i * 4);
    }
}
