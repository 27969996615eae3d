package org.privmed.fl.secagg;

/** The four stages of a SecAgg+ round, in order. */
public enum SecAggStage {
    ADVERTISE_KEYS,
    SHARE_KEYS,
    COLLECT_MASKED_INPUTS,
    UNMASK
}
