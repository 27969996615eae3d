package org.privmed.fl.secagg;

/**
 * A message that breaks the protocol (wrong round, unknown or duplicate sender, bad sizes,
 * failed authentication). The receiver discards it and its state is unchanged; a coordinator
 * treats the sender as dropped.
 */
public final class SecAggProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SecAggProtocolException(String message) {
        super(message);
    }

    public SecAggProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
