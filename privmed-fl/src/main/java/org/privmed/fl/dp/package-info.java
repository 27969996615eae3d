/**
 * Differential privacy for federated updates: fixed L2 clipping, Gaussian noise (central on the
 * aggregate or local on each update), with the accountant in {@code dp.accountant} and the RDP
 * mathematics in {@code dp.rdp}.
 */
package org.privmed.fl.dp;
