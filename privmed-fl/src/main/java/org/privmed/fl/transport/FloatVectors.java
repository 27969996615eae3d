package org.privmed.fl.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** float32 vectors as little-endian bytes on the wire. */
public final class FloatVectors {
    private FloatVectors() {}

    public static ByteString encode(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        // The fresh array is never written again, so wrapping it saves a vector-sized copy.
        return UnsafeByteOperations.unsafeWrap(b.array());
    }

    public static float[] decode(ByteString bytes, String what) {
        if (bytes.size() % 4 != 0) throw new IllegalArgumentException(what + " has " + bytes.size() + " bytes, not a multiple of 4");
        float[] out = new float[bytes.size() / 4];
        bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
