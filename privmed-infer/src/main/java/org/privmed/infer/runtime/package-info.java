/**
 * Running a compiled program: {@link org.privmed.infer.runtime.ClientKeys} and
 * {@link org.privmed.infer.runtime.ClientSession} on the client (secret key),
 * {@link org.privmed.infer.runtime.ServerEvaluator} on the server (evaluation keys only).
 */
package org.privmed.infer.runtime;
