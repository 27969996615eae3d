package org.privmed.infer.server;

import io.grpc.BindableService;
import org.privmed.infer.proto.ProgramInfo;

/** What {@link InferenceServer} needs of a scheme's service: its program description and shutdown. */
interface DiagnosisEndpoint extends BindableService, AutoCloseable {

    ProgramInfo info();

    /** Closes every bound evaluator; the keys stay on disk until they expire. */
    void closeSessions();

    @Override
    default void close() {
        closeSessions();
    }
}
