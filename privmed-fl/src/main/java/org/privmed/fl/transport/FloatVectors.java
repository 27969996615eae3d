package org.privmed.fl.transport;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** float32 vectors as little-endian bytes on the wire. */
final class FloatVectors {
    private FloatVectors() {}

    static ByteString encode(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return ByteString.copyFrom(b.array());
    }

    static float[] decode(ByteString bytes, String what) {
        if (bytes.size() % 4 != 0) throw new IllegalArgumentException(what + " has " + bytes.size() + " bytes, not a multiple of 4");
        float[] out = new float[bytes.size() / 4];
        bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
