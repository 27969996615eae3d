package org.privmed.fl.dp.rdp;

/**
 * An (ε, δ) guarantee and the Rényi order at which the conversion was tightest.
 *
 * @param epsilon the ε spent ({@code +∞} when no order gives a finite bound)
 * @param delta the δ it holds for
 * @param order the optimal order, or NaN when ε is infinite
 */
public record PrivacySpent(double epsilon, double delta, double order) {}
