package org.privmed.bench.timing;

/**
 * The timing of one operation: median and minimum over {@code reps} measured repetitions.
 *
 * @param op the operation's name as the benchmark output spells it (e.g. {@code ntt_forward})
 * @param n the ring degree it ran at
 * @param limbs RNS limbs of the operand it ran on
 */
public record OpTiming(String op, int n, int limbs, double medianMs, double minMs, int reps) {}
