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
 * Group normalisation (Wu and He, ECCV 2018) for DJL, which has none: reshape N×C×H×W to
 * N×G×(C/G·H·W), normalise each row by its mean and biased variance, reshape back, then the
 * per-channel affine γ, β. Same arithmetic as the Java reference, so the two agree to rounding.
 */
final class GroupNormBlock extends AbstractBlock {
  private final int groups;
  private final int channels;
  private final double epsilon;
  final Parameter gamma;
  final Parameter beta;

  GroupNormBlock(int groups, int channels, double epsilon) {
    this.groups = groups;
    this.channels = channels;
    this.epsilon = epsilon;
    this.gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
        .optShape(new Shape(channels)).optInitializer(new ConstantInitializer(1f)).build());
    this.beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
        .optShape(new Shape(channels)).optInitializer(new ConstantInitializer(0f)).build());
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Shape shape = x.getShape();
    long n = shape.get(0);
    NDArray rows = x.reshape(n, groups, -1);
    NDArray mean = rows.mean(new int[] {2}, true);
    NDArray centred = rows.sub(mean);
    NDArray var = centred.square().mean(new int[] {2}, true);
    NDArray normed = centred.div(var.add(epsilon).sqrt()).reshape(shape);
    Shape perChannel = new Shape(1, channels, 1, 1);
    NDArray g = store.getValue(gamma, x.getDevice(), training).reshape(perChannel);
    NDArray b = store.getValue(beta, x.getDevice(), training).reshape(perChannel);
    return new NDList(normed.mul(g).add(b));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }
}
