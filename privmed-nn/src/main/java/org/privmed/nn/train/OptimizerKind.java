package org.privmed.nn.train;

/** The optimisers {@link ModelTrainer} offers. */
public enum OptimizerKind {
  /** Adam (Kingma and Ba, ICLR 2015), β1 = 0.9, β2 = 0.999. */
  ADAM,
  /** Stochastic gradient descent with (heavy-ball) momentum. */
  SGD
}
