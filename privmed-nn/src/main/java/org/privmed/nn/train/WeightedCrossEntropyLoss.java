package org.privmed.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * Softmax cross-entropy with a weight per class: the batch mean of w[y] · (−log softmax(z)[y]).
 * DJL's own softmax cross-entropy has no class weights. The mean is over examples, not over
 * weights, so with {@link ClassWeighting#BALANCED} weights (mean 1 over the training set) the loss
 * keeps the scale of the unweighted one and the same learning rate fits both.
 */
final class WeightedCrossEntropyLoss extends Loss {
  private final float[] weights;

  WeightedCrossEntropyLoss(double[] classWeights) {
    super("WeightedSoftmaxCrossEntropy");
    weights = new float[classWeights.length];
    for (int c = 0; c < weights.length; c++) {
      weights[c] = (float) classWeights[c];
    }
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray logits = predictions.singletonOrThrow();
    NDArray logProbs = logits.logSoftmax(1);
    NDArray y = labels.singletonOrThrow().toType(DataType.INT64, false);
    NDArray weightedOneHot = y.oneHot(weights.length).toType(DataType.FLOAT32, false)
        .mul(logits.getManager().create(weights).reshape(1, weights.length));
    return logProbs.mul(weightedOneHot).sum(new int[] {1}).neg().mean();
  }
}
