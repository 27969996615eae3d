/**
 * Training through DJL on the PyTorch CPU engine: {@link org.privmed.nn.train.ModelTrainer} with
 * {@link org.privmed.nn.train.TrainingConfig}, and {@link org.privmed.nn.train.DjlNetwork}, the
 * mapping of a description onto DJL blocks (weights in and out). Nothing outside this package
 * touches DJL.
 */
package org.privmed.nn.train;
