package org.privmed.infer.server;

import io.grpc.stub.StreamObserver;
import org.privmed.infer.proto.CloseSessionRequest;
import org.privmed.infer.proto.CloseSessionResponse;
import org.privmed.infer.proto.EncryptedDiagnosisGrpc;
import org.privmed.infer.proto.GetProgramRequest;
import org.privmed.infer.proto.ProgramInfo;

/**
 * What the CKKS and BFV services share of the one gRPC service they both implement: the program
 * description handed to clients, and the session cache behind CloseSession and shutdown. The
 * scheme-specific parts — key upload, key binding, Classify — stay in the subclasses.
 *
 * @param <E> the evaluator a session's keys are bound to
 */
abstract class DiagnosisService<E> extends EncryptedDiagnosisGrpc.EncryptedDiagnosisImplBase
        implements DiagnosisEndpoint {

    private ProgramInfo info;
    private SessionCache<E> sessions;

    /** Called once by the subclass constructor, when both are built. */
    final void serve(ProgramInfo programInfo, SessionCache<E> sessionCache) {
        if (info != null) {
            throw new IllegalStateException("serve() was already called");
        }
        this.info = programInfo;
        this.sessions = sessionCache;
    }

    final SessionCache<E> sessions() {
        return sessions;
    }

    @Override
    public final ProgramInfo info() {
        return info;
    }

    @Override
    public final void getProgram(GetProgramRequest request, StreamObserver<ProgramInfo> out) {
        out.onNext(info);
        out.onCompleted();
    }

    @Override
    public final void closeSession(CloseSessionRequest r, StreamObserver<CloseSessionResponse> out) {
        sessions.close(r, out);
    }

    @Override
    public final void closeSessions() {
        sessions.closeAll();
    }
}
