/**
 * Measuring cost: {@link org.privmed.eval.timing.PhaseTimer} accumulates wall-clock time per
 * phase (train, encrypt, evaluate, decrypt, total, and any named extra phase) and
 * {@link org.privmed.eval.timing.ByteCounter} counts bytes sent up (client to server) and down.
 * Their immutable snapshots, {@link org.privmed.eval.timing.PhaseTimes} and
 * {@link org.privmed.eval.timing.ByteCounts}, go into report rows.
 */
package org.privmed.eval.timing;
