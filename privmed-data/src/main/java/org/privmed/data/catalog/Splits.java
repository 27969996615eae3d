package org.privmed.data.catalog;

import org.privmed.data.Split;
import org.privmed.data.split.HoldOut;
import org.privmed.data.split.SplitIndices;

/**
 * The fixed rules that derive missing parts. They are constants on purpose: a model trained in
 * one run and evaluated in another must see the same validation and test rows.
 */
final class Splits {
  /** Seed of every derived split. */
  static final long SEED = 0;
  /** MNIST's validation part, held out of its 60,000 training images. */
  static final int MNIST_VAL = 5_000;
  /** Image folders: validation and test fractions of the stratified hold-out. */
  static final double FOLDER_VAL = 0.1;
  static final double FOLDER_TEST = 0.2;

  private Splits() {}

  /** IDX sets: 5,000 of the training file held out (a tenth if the file is smaller). */
  static SplitIndices idxTrainVal(int trainFileSize) {
    int val = Math.min(MNIST_VAL, trainFileSize / 10);
    return HoldOut.random(trainFileSize, val, SEED);
  }

  static SplitIndices folder(int[] labels) {
    return HoldOut.stratified(labels, FOLDER_VAL, FOLDER_TEST, SEED);
  }

  static String suffix(Split split) {
    return "/" + split.npzPrefix();
  }
}
