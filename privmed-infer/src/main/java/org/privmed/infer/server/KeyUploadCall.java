package org.privmed.infer.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.privmed.infer.proto.KeyChunk;
import org.privmed.infer.proto.SessionOpened;

/**
 * One OpenSession call of either scheme: every chunk is checked as it arrives, the session opens
 * when the client completes, and the first refusal ends the call with its status and drops
 * everything received (gRPC delivers a call's messages serially).
 */
abstract class KeyUploadCall implements StreamObserver<KeyChunk> {

    private static final System.Logger LOG = System.getLogger(KeyUploadCall.class.getName());

    private final StreamObserver<SessionOpened> out;
    private boolean failed;
    private long declared;

    KeyUploadCall(StreamObserver<SessionOpened> out) {
        this.out = out;
    }

    /**
     * Counts a new frame's declared size against the per-session cap before any of it is kept, so
     * that a client cannot make the server hold more than the cap by splitting keys into frames.
     */
    final void reserve(long frameBytes, long capBytes) {
        if (declared + frameBytes > capBytes) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("evaluation keys of " + (declared + frameBytes)
                    + " bytes exceed the server's cap of " + capBytes + " bytes per session").asRuntimeException();
        }
        declared += frameBytes;
    }

    /** Checks one chunk and keeps its data. */
    abstract void accept(KeyChunk chunk);

    /** Parses, binds and stores the completed keys. */
    abstract SessionOpened finish();

    /** Forgets every byte received. */
    abstract void discard();

    @Override
    public final void onNext(KeyChunk chunk) {
        if (failed) {
            return;
        }
        try {
            accept(chunk);
        } catch (StatusRuntimeException e) {
            fail(e);
        }
    }

    @Override
    public final void onError(Throwable t) {
        failed = true;
        discard();
    }

    @Override
    public final void onCompleted() {
        if (failed) {
            return;
        }
        try {
            out.onNext(finish());
            out.onCompleted();
        } catch (StatusRuntimeException e) {
            fail(e);
        }
    }

    private void fail(StatusRuntimeException e) {
        failed = true;
        discard();
        LOG.log(System.Logger.Level.INFO, "OpenSession refused: " + e.getStatus());
        out.onError(e);
    }
}
