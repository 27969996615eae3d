package org.privmed.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * Batch normalisation (Ioffe and Szegedy, ICML 2015, Alg. 1 for training, Alg. 2 for inference)
 * written with plain NDArray operations over N×C×H×W or N×C inputs.
 *
 * <p>Why not DJL's own BatchNorm block: its running-statistics momentum follows MXNet's
 * convention and its arithmetic lives in a native kernel; spelling the normalisation out makes the
 * training-time and inference-time formulas the ones the Java reference and the HE folding use.
 * Training uses the batch mean and biased variance; the running statistics follow PyTorch's
 * convention
 * {@code r ← (1 − m)·r + m·batch} with {@code m = 0.1} and the unbiased batch variance.
 */
final class BatchNormBlock extends AbstractBlock {
  static final double MOMENTUM = 0.1;

  private final int channels;
  private final double epsilon;
  final Parameter gamma;
  final Parameter beta;
  final Parameter runningMean;
  final Parameter runningVar;

  BatchNormBlock(int channels, double epsilon) {
    this.channels = channels;
    this.epsilon = epsilon;
    gamma = addParameter(param("gamma", Parameter.Type.GAMMA, 1f, true));
    beta = addParameter(param("beta", Parameter.Type.BETA, 0f, true));
    runningMean = addParameter(param("runningMean", Parameter.Type.RUNNING_MEAN, 0f, false));
    runningVar = addParameter(param("runningVar", Parameter.Type.RUNNING_VAR, 1f, false));
  }

  private Parameter param(String name, Parameter.Type type, float init, boolean grad) {
    return Parameter.builder().setName(name).setType(type).optShape(new Shape(channels))
        .optInitializer(new ConstantInitializer(init)).optRequiresGrad(grad).build();
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    int rank = x.getShape().dimension();
    Shape perChannel = rank == 4 ? new Shape(1, channels, 1, 1) : new Shape(1, channels);
    int[] axes = rank == 4 ? new int[] {0, 2, 3} : new int[] {0};
    NDArray g = store.getValue(gamma, x.getDevice(), training).reshape(perChannel);
    NDArray b = store.getValue(beta, x.getDevice(), training).reshape(perChannel);
    NDArray rm = store.getValue(runningMean, x.getDevice(), training);
    NDArray rv = store.getValue(runningVar, x.getDevice(), training);
    NDArray mean;
    NDArray var;
    if (training) {
      mean = meanOver(x, axes);
      NDArray centred = x.sub(mean);
      var = meanOver(centred.square(), axes);
      long count = x.getShape().size() / channels;
      double unbias = count > 1 ? (double) count / (count - 1) : 1.0;
      NDArray batchMean = mean.stopGradient().reshape(channels);
      NDArray batchVar = var.stopGradient().reshape(channels).mul(unbias);
      rm.muli(1 - MOMENTUM).addi(batchMean.mul(MOMENTUM));
      rv.muli(1 - MOMENTUM).addi(batchVar.mul(MOMENTUM));
      return new NDList(centred.div(var.add(epsilon).sqrt()).mul(g).add(b));
    }
    mean = rm.reshape(perChannel);
    var = rv.reshape(perChannel);
    return new NDList(x.sub(mean).div(var.add(epsilon).sqrt()).mul(g).add(b));
  }

  /**
   * Mean over several axes, one axis at a time (the PyTorch engine's mean takes a single axis);
   * exact because every slice along an axis has the same length.
   */
  private static NDArray meanOver(NDArray x, int[] axes) {
    NDArray m = x;
    for (int i = axes.length - 1; i >= 0; i--) {
      m = m.mean(new int[] {axes[i]}, true);
    }
    return m;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
