/**
 * DP-SGD inside a hospital's local training: per-example gradients clipped to C, Gaussian noise
 * on their sum at every step, Poisson-sampled batches, and sample-level (ε, δ) from the RDP of the
 * sampled Gaussian mechanism (Abadi et al. CCS 2016; Mironov, Talwar, Zhang 2019), as Opacus does.
 */
package org.privmed.fl.dp.sgd;
