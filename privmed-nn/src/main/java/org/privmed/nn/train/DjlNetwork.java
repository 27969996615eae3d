package org.privmed.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.privmed.nn.model.AvgPool2d;
import org.privmed.nn.model.Conv2d;
import org.privmed.nn.model.Dense;
import org.privmed.nn.model.Dropout;
import org.privmed.nn.model.Flatten;
import org.privmed.nn.model.GroupNorm;
import org.privmed.nn.model.Layer;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.Polynomial;
import org.privmed.nn.model.Relu;
import org.privmed.nn.model.Residual;
import org.privmed.nn.model.ResidueActivation;
import org.privmed.nn.model.ScaledPower;
import org.privmed.nn.model.Square;
import org.privmed.nn.model.TensorShape;

/**
 * A {@link Model} mapped onto DJL blocks (PyTorch engine), with the weights copied in from the
 * description and back out after training. Each description layer gets one block; the custom ones
 * are {@link BatchNormBlock}, {@link GroupNormBlock} and {@link ElementwiseBlock}; a residual is a {@link ParallelBlock}
 * that sums body and shortcut.
 *
 * <p>Usage: {@code of(model)}, then {@link #initialize} (or let a DJL trainer initialise
 * {@link #block()} and call {@link #loadWeights}), forward through DJL, {@link #export}.
 */
public final class DjlNetwork {
  private final Model template;
  private final SequentialBlock block;
  private final List<Binding> bindings;

  private DjlNetwork(Model template, SequentialBlock block, List<Binding> bindings) {
    this.template = template;
    this.block = block;
    this.bindings = bindings;
  }

  /** Builds the DJL blocks for {@code model} (not yet initialised). */
  public static DjlNetwork of(Model model) {
    List<Binding> bindings = new ArrayList<>();
    SequentialBlock seq = sequence(model.layers(), bindings);
    return new DjlNetwork(model, seq, bindings);
  }

  public Block block() {
    return block;
  }

  public Model template() {
    return template;
  }

  /** Input shape for a batch of {@code batch} images. */
  public Shape inputShape(int batch) {
    TensorShape s = template.inputShape();
    return new Shape(batch, s.channels(), s.height(), s.width());
  }

  /** Initialises the block's parameters with {@code dataType} and loads the template's weights. */
  public void initialize(NDManager manager, DataType dataType) {
    block.initialize(manager, dataType, inputShape(1));
    loadWeights(template);
  }

  /** Copies the weights of {@code model} (same architecture as the template) into the block. */
  public void loadWeights(Model model) {
    if (model.layers().size() != bindings.size()) {
      throw new IllegalArgumentException("model " + model.name() + " has " + model.layers().size()
          + " layers, the network " + bindings.size());
    }
    for (int i = 0; i < bindings.size(); i++) {
      bindings.get(i).load(model.layers().get(i));
    }
  }

  /** The template with the block's current weights (and running statistics). */
  public Model export() {
    List<Layer> layers = new ArrayList<>();
    for (Binding b : bindings) {
      layers.add(b.export());
    }
    return template.withLayers(layers);
  }

  /**
   * Inference-mode forward pass of already normalised inputs through a fresh DJL network, in
   * {@code dataType} (FLOAT64 for exact comparisons with the Java reference).
   *
   * @param normalized N inputs of C·H·W values each
   * @return N logit vectors
   */
  public static double[][] forward(Model model, double[][] normalized, DataType dataType) {
    TensorShape s = model.inputShape();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      DjlNetwork net = of(model);
      net.initialize(manager, dataType);
      double[] flat = new double[normalized.length * s.size()];
      for (int i = 0; i < normalized.length; i++) {
        System.arraycopy(normalized[i], 0, flat, i * s.size(), s.size());
      }
      NDArray x = manager.create(flat, new Shape(normalized.length, s.channels(), s.height(),
          s.width())).toType(dataType, false);
      NDArray y = net.block.forward(new ParameterStore(manager, false), new NDList(x), false)
          .singletonOrThrow();
      double[] out = y.toType(DataType.FLOAT64, false).toDoubleArray();
      int k = model.numClasses();
      double[][] logits = new double[normalized.length][k];
      for (int i = 0; i < normalized.length; i++) {
        System.arraycopy(out, i * k, logits[i], 0, k);
      }
      return logits;
    }
  }

  // ---- mapping ---------------------------------------------------------------------------

  private static SequentialBlock sequence(List<Layer> layers, List<Binding> bindings) {
    SequentialBlock seq = new SequentialBlock();
    for (Layer l : layers) {
      Binding b = bind(l);
      bindings.add(b);
      seq.add(b.block());
    }
    return seq;
  }

  private static Binding bind(Layer l) {
    if (l instanceof Conv2d c) {
      Block conv = ai.djl.nn.convolutional.Conv2d.builder()
          .setKernelShape(new Shape(c.kernel(), c.kernel()))
          .optStride(new Shape(c.stride(), c.stride()))
          .optPadding(new Shape(c.padding(), c.padding()))
          .setFilters(c.outChannels())
          .build();
      return new Binding(conv, layer -> {
        Conv2d src = (Conv2d) layer;
        set(param(conv, "weight"), src.weight());
        set(param(conv, "bias"), src.bias());
      }, () -> new Conv2d(c.inChannels(), c.outChannels(), c.kernel(), c.stride(), c.padding(),
          get(param(conv, "weight")), get(param(conv, "bias"))));
    }
    if (l instanceof Dense d) {
      Block lin = Linear.builder().setUnits(d.outFeatures()).build();
      return new Binding(lin, layer -> {
        Dense src = (Dense) layer;
        set(param(lin, "weight"), src.weight());
        set(param(lin, "bias"), src.bias());
      }, () -> new Dense(d.inFeatures(), d.outFeatures(), get(param(lin, "weight")),
          get(param(lin, "bias"))));
    }
    if (l instanceof org.privmed.nn.model.BatchNorm bn) {
      BatchNormBlock norm = new BatchNormBlock(bn.channels(), bn.epsilon());
      return new Binding(norm, layer -> {
        org.privmed.nn.model.BatchNorm src = (org.privmed.nn.model.BatchNorm) layer;
        set(norm.gamma, src.gamma());
        set(norm.beta, src.beta());
        set(norm.runningMean, src.runningMean());
        set(norm.runningVar, src.runningVar());
      }, () -> new org.privmed.nn.model.BatchNorm(bn.channels(), get(norm.gamma),
          get(norm.beta), get(norm.runningMean), get(norm.runningVar), bn.epsilon()));
    }
    if (l instanceof GroupNorm gn) {
      GroupNormBlock norm = new GroupNormBlock(gn.groups(), gn.channels(), gn.epsilon());
      return new Binding(norm, layer -> {
        GroupNorm src = (GroupNorm) layer;
        set(norm.gamma, src.gamma());
        set(norm.beta, src.beta());
      }, () -> new GroupNorm(gn.groups(), gn.channels(), get(norm.gamma), get(norm.beta),
          gn.epsilon()));
    }
    if (l instanceof ScaledPower sp) {
      ElementwiseBlock e = new ElementwiseBlock(ElementwiseBlock.Form.SCALED_POWER, sp.power(), 1,
          sp.trainable());
      return new Binding(e, layer -> set(e.coefficients, new double[] {((ScaledPower) layer).scale()}),
          () -> new ScaledPower(sp.power(), get(e.coefficients)[0], sp.trainable()));
    }
    if (l instanceof ResidueActivation ra) {
      ElementwiseBlock e = new ElementwiseBlock(ElementwiseBlock.Form.RESIDUE, ra.power(), 1, true);
      return new Binding(e,
          layer -> set(e.coefficients, new double[] {((ResidueActivation) layer).scale()}),
          () -> new ResidueActivation(ra.power(), get(e.coefficients)[0]));
    }
    if (l instanceof Polynomial p) {
      ElementwiseBlock e = new ElementwiseBlock(ElementwiseBlock.Form.POLYNOMIAL, 1,
          p.coefficients().length, true);
      return new Binding(e, layer -> set(e.coefficients, ((Polynomial) layer).coefficients()),
          () -> new Polynomial(get(e.coefficients)));
    }
    if (l instanceof Residual r) {
      List<Binding> body = new ArrayList<>();
      List<Binding> shortcut = new ArrayList<>();
      SequentialBlock bodyBlock = sequence(r.body(), body);
      Block shortcutBlock = r.shortcut().isEmpty()
          ? new LambdaBlock(Function.identity(), "identity")
          : sequence(r.shortcut(), shortcut);
      ParallelBlock par = new ParallelBlock(outs -> new NDList(
          outs.get(0).singletonOrThrow().add(outs.get(1).singletonOrThrow())),
          List.of(bodyBlock, shortcutBlock));
      return new Binding(par, layer -> {
        Residual src = (Residual) layer;
        for (int i = 0; i < body.size(); i++) {
          body.get(i).load(src.body().get(i));
        }
        for (int i = 0; i < shortcut.size(); i++) {
          shortcut.get(i).load(src.shortcut().get(i));
        }
      }, () -> new Residual(body.stream().map(Binding::export).toList(),
          shortcut.stream().map(Binding::export).toList()));
    }
    Block fixed;
    if (l instanceof AvgPool2d p) {
      fixed = Pool.avgPool2dBlock(new Shape(p.kernel(), p.kernel()),
          new Shape(p.stride(), p.stride()), new Shape(0, 0), false, true);
    } else if (l instanceof Flatten) {
      fixed = Blocks.batchFlattenBlock();
    } else if (l instanceof Square) {
      fixed = LambdaBlock.singleton(NDArray::square, "square");
    } else if (l instanceof Relu) {
      fixed = Activation.reluBlock();
    } else if (l instanceof Dropout d) {
      fixed = ai.djl.nn.norm.Dropout.builder().optRate((float) d.rate()).build();
    } else {
      throw new IllegalArgumentException("no DJL mapping for layer " + l.kind());
    }
    return new Binding(fixed, layer -> { }, () -> l);
  }

  private static Parameter param(Block b, String name) {
    Parameter p = b.getParameters().get(name);
    if (p == null) {
      throw new IllegalStateException("DJL block " + b + " has no parameter " + name);
    }
    return p;
  }

  /** Overwrites a parameter's values in place, keeping its dtype, shape and gradient state. */
  private static void set(Parameter p, double[] values) {
    NDArray a = p.getArray();
    if (a.size() != values.length) {
      throw new IllegalArgumentException("parameter " + p.getName() + " has " + a.size()
          + " values, description has " + values.length);
    }
    if (a.getDataType() == DataType.FLOAT64) {
      a.set(values);
    } else {
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) values[i];
      }
      a.set(f);
    }
  }

  private static double[] get(Parameter p) {
    NDArray a = p.getArray();
    if (a.getDataType() == DataType.FLOAT64) {
      return a.toDoubleArray();
    }
    float[] f = a.toFloatArray();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /** One description layer's block with its weight copy-in and copy-out. */
  private record Binding(Block block, java.util.function.Consumer<Layer> loader,
      java.util.function.Supplier<Layer> exporter) {
    void load(Layer l) {
      loader.accept(l);
    }

    Layer export() {
      return exporter.get();
    }
  }
}
