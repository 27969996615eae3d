package org.privmed.fl.secagg;

/**
 * The outcome of a completed SecAgg+ round.
 *
 * @param sum the sum mod 2³² of the contributors' quantized inputs (read entries as unsigned)
 * @param contributors ids whose inputs are in the sum, increasing
 * @param advertised clients that completed stage 0
 * @param sharedKeys clients that completed stage 1
 * @param unmaskers clients that answered stage 3
 */
public record SecAggResult(int[] sum, int[] contributors, int advertised, int sharedKeys, int unmaskers) {}
