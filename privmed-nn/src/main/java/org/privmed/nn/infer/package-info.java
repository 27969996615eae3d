/** Plaintext inference in pure Java, double precision: {@link org.privmed.nn.infer.PlainInference}. */
package org.privmed.nn.infer;
