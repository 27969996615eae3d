package org.privmed.infer.server;

import static org.privmed.infer.server.SessionCache.invalid;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import org.privmed.infer.proto.KeyChunk;

/**
 * One evaluation-key frame of an OpenSession upload, assembled from its chunks. Both schemes upload
 * keys this way (CKKS: a relinearization key and Galois keys; BFV: one relinearization key per
 * plaintext prime), so the checks live here once: a positive declared size that never changes,
 * chunks in order without gaps or overrun, and a frame whose header says "secret key" refused and
 * forgotten the moment the header byte arrives.
 */
final class ChunkedKeyFrame {

    /** Object type code of a secret key in privmed-he's frame header (byte 6, see HeSerializer). */
    private static final int SECRET_KEY_TYPE_CODE = 2;
    private static final int TYPE_OFFSET = 6;
    /** First buffer; doubled as chunks arrive, up to the declared size. */
    private static final int INITIAL_BUFFER = 1 << 20;

    private final String what;
    private final long total;
    private byte[] buffer;
    private long received;

    /**
     * Opens a frame from its first chunk (whose data {@link #append} then takes).
     *
     * @param what the frame in error messages, e.g. "the GALOIS_KEYS" or "prime 1's key"
     */
    ChunkedKeyFrame(String what, KeyChunk first) {
        this.what = what;
        this.total = first.getTotalBytes();
        if (total <= 0) {
            throw invalid("total_bytes of " + what + " must be positive, got " + total);
        }
        if (first.getOffset() != 0) {
            throw invalid("the first chunk of " + what + " must start at offset 0, got " + first.getOffset());
        }
        // grow with the data actually received: a declared size alone must not reserve memory
        this.buffer = new byte[(int) Math.min(total, INITIAL_BUFFER)];
    }

    long total() {
        return total;
    }

    /** Checks one chunk against what came before and keeps its data. */
    void append(KeyChunk c) {
        if (buffer == null) {
            throw invalid(what + " was already refused");
        }
        if (c.getTotalBytes() != total) {
            throw invalid("total_bytes of " + what + " changed from " + total + " to " + c.getTotalBytes());
        }
        if (c.getOffset() != received) {
            throw invalid("chunk of " + what + " at offset " + c.getOffset() + " where " + received
                    + " was expected (chunks must arrive in order, without gaps)");
        }
        ByteString data = c.getData();
        if (received + data.size() > total) {
            throw invalid("chunk of " + what + " runs past its declared total of " + total + " bytes");
        }
        if (received + data.size() > buffer.length) {
            long grown = Math.max(received + data.size(), Math.min(total, 2L * buffer.length));
            buffer = Arrays.copyOf(buffer, (int) grown);
        }
        data.copyTo(buffer, (int) received);
        received += data.size();
        if (received > TYPE_OFFSET && (buffer[TYPE_OFFSET] & 0xFF) == SECRET_KEY_TYPE_CODE) {
            // refuse as soon as the header shows it, and keep none of it
            Arrays.fill(buffer, (byte) 0);
            buffer = null;
            throw invalid(what + " is a SECRET KEY; a secret key must never leave the client."
                    + " It was discarded; upload only evaluation keys");
        }
    }

    /** The whole frame, once every declared byte has arrived. */
    byte[] complete() {
        if (buffer == null) {
            throw invalid(what + " was refused");
        }
        if (received != total) {
            throw invalid("the upload of " + what + " ended after " + received + " of its declared " + total + " bytes");
        }
        return buffer.length == received ? buffer : Arrays.copyOf(buffer, (int) received);
    }
}
