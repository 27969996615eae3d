package org.privmed.eval.timing;

/**
 * Bytes sent up (client to server, e.g. encrypted inputs, evaluation keys, masked updates) and
 * down (server to client, e.g. encrypted scores, the global model). Immutable.
 */
public record ByteCounts(long up, long down) {
    public static final ByteCounts NONE = new ByteCounts(0, 0);

    public ByteCounts {
        if (up < 0 || down < 0) {
            throw new IllegalArgumentException("byte counts must be non-negative, got up=" + up
                    + " down=" + down);
        }
    }

    public long total() {
        return up + down;
    }

    public ByteCounts plus(ByteCounts other) {
        return new ByteCounts(Math.addExact(up, other.up), Math.addExact(down, other.down));
    }
}
