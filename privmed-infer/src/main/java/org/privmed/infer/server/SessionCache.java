package org.privmed.infer.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.privmed.he.serial.HeFormatException;
import org.privmed.infer.keys.EvaluationKeyStore;
import org.privmed.infer.proto.CloseSessionRequest;
import org.privmed.infer.proto.CloseSessionResponse;

/**
 * The sessions of one service: evaluators bound to uploaded keys, cached in memory and rebuilt from
 * the {@link EvaluationKeyStore} after a restart or expiry of the cache entry; the same for every
 * scheme. Also the status helpers both services answer with.
 *
 * @param <E> a session's bound evaluator(s)
 */
final class SessionCache<E> {

    private record Live<E>(long expiresAtEpochMs, E evaluator) {
    }

    private final EvaluationKeyStore store;
    private final long parametersId;
    private final String programName;
    private final Function<EvaluationKeyStore.StoredSession, E> binder;
    private final Consumer<E> closer;
    private final Map<String, Live<E>> sessions = new ConcurrentHashMap<>();

    /**
     * @param parametersId what the store files this program's sessions under
     * @param binder parses and binds a stored session's keys (throws a status if they do not fit)
     */
    SessionCache(EvaluationKeyStore store, long parametersId, String programName,
            Function<EvaluationKeyStore.StoredSession, E> binder, Consumer<E> closer) {
        this.store = store;
        this.parametersId = parametersId;
        this.programName = programName;
        this.binder = binder;
        this.closer = closer;
    }

    /** Stores a new session's checked key frames, caches its evaluator, and returns what the client learns. */
    EvaluationKeyStore.StoredSession open(byte[] relinearizationKey, byte[] galoisKeys, E evaluator) {
        forgetExpired();
        EvaluationKeyStore.StoredSession stored;
        try {
            store.purgeExpired();
            stored = store.put(parametersId, relinearizationKey, galoisKeys);
        } catch (IOException e) {
            closer.accept(evaluator);
            System.getLogger(SessionCache.class.getName()).log(System.Logger.Level.ERROR, "cannot store evaluation keys", e);
            throw Status.INTERNAL.withDescription("the server could not store the keys: " + e.getMessage())
                    .asRuntimeException();
        }
        sessions.put(stored.sessionId(), new Live<>(stored.expiresAtEpochMs(), evaluator));
        return stored;
    }

    /** The session's evaluator; NOT_FOUND for unknown, closed or expired ids. */
    E get(String id) {
        if (id.isEmpty()) {
            throw invalid("session_id is empty; open a session first");
        }
        if (!EvaluationKeyStore.isWellFormed(id)) {
            throw Status.NOT_FOUND.withDescription("no session with id '" + abbreviate(id) + "' (not a session id)")
                    .asRuntimeException();
        }
        Live<E> s = sessions.get(id);
        if (s != null && s.expiresAtEpochMs() > System.currentTimeMillis()) {
            return s.evaluator();
        }
        if (s != null) {
            forget(id);
        }
        // keys persist on disk across server restarts; reload them
        Optional<EvaluationKeyStore.StoredSession> stored;
        try {
            stored = store.get(id);
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("cannot read the session's keys: " + e.getMessage()).asRuntimeException();
        }
        if (stored.isEmpty()) {
            throw Status.NOT_FOUND.withDescription("no session " + id + " (never opened, closed, or expired)")
                    .asRuntimeException();
        }
        EvaluationKeyStore.StoredSession st = stored.get();
        if (st.parametersId() != parametersId) {
            throw Status.FAILED_PRECONDITION.withDescription("session " + id + " holds keys for parameter set "
                    + Long.toHexString(st.parametersId()) + ", not " + programName + "'s " + Long.toHexString(parametersId))
                    .asRuntimeException();
        }
        Live<E> live = new Live<>(st.expiresAtEpochMs(), binder.apply(st));
        Live<E> raced = sessions.putIfAbsent(id, live);
        if (raced != null) {
            closer.accept(live.evaluator());
            return raced.evaluator();
        }
        return live.evaluator();
    }

    /** CloseSession: drops the cached evaluator and deletes the keys. */
    void close(CloseSessionRequest r, StreamObserver<CloseSessionResponse> out) {
        String id = r.getSessionId();
        if (!EvaluationKeyStore.isWellFormed(id)) {
            out.onError(Status.NOT_FOUND.withDescription("no session with id '" + abbreviate(id) + "' (not a session id)")
                    .asRuntimeException());
            return;
        }
        boolean cached = forget(id);
        boolean deleted;
        try {
            deleted = store.delete(id);
        } catch (IOException e) {
            out.onError(Status.INTERNAL.withDescription("cannot delete the session's keys: " + e.getMessage())
                    .asRuntimeException());
            return;
        }
        if (!deleted && !cached) {
            out.onError(Status.NOT_FOUND.withDescription("no session " + id).asRuntimeException());
            return;
        }
        out.onNext(CloseSessionResponse.newBuilder().setDeleted(deleted).build());
        out.onCompleted();
    }

    /** Drops a session's bound evaluator; true if one was cached. */
    private boolean forget(String id) {
        Live<E> s = sessions.remove(id);
        if (s == null) {
            return false;
        }
        closer.accept(s.evaluator());
        return true;
    }

    /** Drops bound evaluators of sessions past their expiry, so the cache does not grow without bound. */
    private void forgetExpired() {
        long now = System.currentTimeMillis();
        for (Map.Entry<String, Live<E>> e : sessions.entrySet()) {
            if (e.getValue().expiresAtEpochMs() <= now) {
                forget(e.getKey());
            }
        }
    }

    /** Closes every bound evaluator (server shutdown); the keys stay on disk until they expire. */
    void closeAll() {
        for (String id : sessions.keySet()) {
            forget(id);
        }
    }

    // ------------------------------------------------------------------ statuses

    /** A frame made for another parameter set is FAILED_PRECONDITION; any other defect INVALID_ARGUMENT. */
    static StatusRuntimeException frameError(HeFormatException e, String what) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        if (m.contains("made for parameter set")) {
            return Status.FAILED_PRECONDITION.withDescription(what + ": " + m).asRuntimeException();
        }
        return invalid(what + ": " + m);
    }

    static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
