package org.privmed.fl.federated;

/**
 * Where client-level differential privacy noise is added: nowhere, once to the aggregate by the
 * coordinator (central, Flower's client-side fixed clipping), or by every client to its own
 * clipped update (local).
 */
public enum DpMode {
    NONE,
    CENTRAL,
    LOCAL
}
