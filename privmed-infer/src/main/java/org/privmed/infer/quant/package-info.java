/**
 * Fixed-point quantization of square-activation networks for exact integer (BFV) evaluation:
 * {@link org.privmed.infer.quant.Quantizer} picks a scale per layer for the inputs and the weights,
 * {@link org.privmed.infer.quant.QuantizedNetwork} evaluates the integer network exactly (signed
 * longs, every product and sum overflow-checked, and BigInteger from the first stage that outgrows
 * them), and {@link org.privmed.infer.quant.DryRun}
 * records the largest absolute intermediate value per layer and the argmax agreement with the float
 * network, from which the BFV plaintext primes are sized (CryptoNets, Gilad-Bachrach et al., ICML
 * 2016, Sec. 4.2 "Precision").
 */
package org.privmed.infer.quant;
