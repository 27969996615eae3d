package org.privmed.nn.train;

/** How the cross-entropy of each training example is weighted by its class. */
public enum ClassWeighting {
  /** Every example counts once: the network learns the training set's class prior. */
  NONE,
  /**
   * Class c weighs n / (k · n_c) (n examples, k classes, n_c of class c), so every class
   * contributes equally and the mean weight is 1. Why: when the deployment prior differs from the
   * training prior (PneumoniaMNIST trains at 1 : 2.9 normal : pneumonia and tests at 1 : 1.67), an
   * unweighted model puts its decision point where the training prior wants it.
   */
  BALANCED
}
