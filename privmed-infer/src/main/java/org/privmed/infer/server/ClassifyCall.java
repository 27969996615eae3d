package org.privmed.infer.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.privmed.infer.proto.ClassifyRequest;
import org.privmed.infer.proto.ClassifyResponse;

/**
 * One Classify call of either scheme: assembles each request from its parts (all of one request id
 * and session), checks every part as it arrives, evaluates when the last part is in, and ends the
 * call on the first refusal with its status (other calls keep being served).
 *
 * @param <C> the scheme's parsed ciphertext
 */
final class ClassifyCall<C> implements StreamObserver<ClassifyRequest> {

    /** A service's checks and evaluation. */
    interface Handler<C> {
        /** Checks one part and adds its ciphertexts to {@code pending} (the request so far). */
        void accept(ClassifyRequest part, List<C> pending);

        /** Evaluates a whole request, {@code head} its first part. */
        ClassifyResponse evaluate(ClassifyRequest head, List<C> inputs);
    }

    private static final System.Logger LOG = System.getLogger(ClassifyCall.class.getName());

    private final StreamObserver<ClassifyResponse> out;
    private final Handler<C> handler;
    private final List<C> pending = new ArrayList<>();
    private ClassifyRequest first;
    private boolean failed;

    ClassifyCall(StreamObserver<ClassifyResponse> out, Handler<C> handler) {
        this.out = out;
        this.handler = handler;
    }

    @Override
    public void onNext(ClassifyRequest r) {
        if (failed) {
            return;
        }
        try {
            if (first != null && (r.getRequestId() != first.getRequestId()
                    || !r.getSessionId().equals(first.getSessionId()))) {
                throw SessionCache.invalid("request " + first.getRequestId() + " announced more parts, but the next"
                        + " message belongs to request " + r.getRequestId() + (r.getSessionId().equals(first.getSessionId())
                        ? "" : " of another session"));
            }
            if (first == null) {
                first = r;
            }
            handler.accept(r, pending);
            if (!r.getMore()) {
                ClassifyRequest head = first;
                first = null;
                List<C> in = new ArrayList<>(pending);
                pending.clear();
                out.onNext(handler.evaluate(head, in));
            }
        } catch (StatusRuntimeException e) {
            failed = true;
            LOG.log(System.Logger.Level.INFO, "Classify refused: " + e.getStatus());
            out.onError(e);
        } catch (RuntimeException e) {
            failed = true;
            LOG.log(System.Logger.Level.ERROR, "Classify failed", e);
            out.onError(Status.INTERNAL.withDescription("evaluation failed: " + e).asRuntimeException());
        }
    }

    @Override
    public void onError(Throwable t) {
        failed = true;
    }

    @Override
    public void onCompleted() {
        if (!failed) {
            out.onCompleted();
        }
    }
}
