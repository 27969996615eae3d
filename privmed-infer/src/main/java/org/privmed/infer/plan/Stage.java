package org.privmed.infer.plan;

/**
 * One step of an HE program after lowering: either an affine map on the whole activation vector
 * or an element-wise polynomial. Every network the compiler accepts is an alternation of these.
 */
public sealed interface Stage permits LinearStage, PolynomialStage {
  /** The source layers this stage evaluates, for messages and the plan listing. */
  String label();

  /** Number of values this stage reads. */
  int inputSize();

  /** Number of values this stage produces. */
  int outputSize();

  /** Multiplicative levels (rescales) this stage consumes. */
  int depth();
}
