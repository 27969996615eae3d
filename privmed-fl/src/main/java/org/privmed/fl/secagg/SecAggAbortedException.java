package org.privmed.fl.secagg;

/**
 * The round cannot finish correctly — too few clients remain at {@link #stage()} — and was
 * abandoned without producing any aggregate.
 */
public final class SecAggAbortedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final SecAggStage stage;
    private final int available;
    private final int required;

    public SecAggAbortedException(SecAggStage stage, int available, int required, String detail) {
        super("SecAgg+ round aborted at stage " + stage + ": " + detail + " (have " + available + ", need " + required + ")");
        this.stage = stage;
        this.available = available;
        this.required = required;
    }

    public SecAggStage stage() { return stage; }

    public int available() { return available; }

    public int required() { return required; }
}
