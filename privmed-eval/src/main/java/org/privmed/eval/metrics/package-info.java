/**
 * Classification metrics shared by every PrivMed technique: the confusion matrix, accuracy,
 * precision / recall / F1 (per class, macro, weighted) and AUROC (binary and one-vs-rest macro),
 * with ROC curve points for charts.
 *
 * <p>Conventions follow scikit-learn so that figures can be compared with published MedMNIST and
 * TenSEAL/Flower numbers: confusion-matrix rows are true classes and columns predicted classes;
 * undefined ratios (a class never predicted, a class with no support) count as 0 like
 * {@code zero_division=0}; an AUROC that is undefined because one side of the ranking is empty is
 * {@link java.lang.Double#NaN} and reports print it as "n/a".
 */
package org.privmed.eval.metrics;
