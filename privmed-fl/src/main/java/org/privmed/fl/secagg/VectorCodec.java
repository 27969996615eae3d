package org.privmed.fl.secagg;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;

/** uint32 vectors as little-endian bytes on the wire. */
final class VectorCodec {
    private VectorCodec() {}

    static ByteString encode(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        // The fresh array is never written again, so wrapping it saves a vector-sized copy.
        return UnsafeByteOperations.unsafeWrap(b.array());
    }

    /** Adds the encoded vector into {@code acc} mod 2³² without materialising a second int array. */
    static void addInto(int[] acc, ByteString encoded) {
        IntBuffer words = encoded.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        int[] chunk = new int[Math.min(acc.length, 1 << 14)];
        for (int off = 0; off < acc.length; off += chunk.length) {
            int n = Math.min(chunk.length, acc.length - off);
            words.get(chunk, 0, n);
            for (int i = 0; i < n; i++) acc[off + i] += chunk[i];
        }
    }
}
