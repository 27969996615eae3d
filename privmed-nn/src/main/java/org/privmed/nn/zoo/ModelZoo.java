package org.privmed.nn.zoo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.privmed.nn.model.AvgPool2d;
import org.privmed.nn.model.BatchNorm;
import org.privmed.nn.model.Flatten;
import org.privmed.nn.model.GroupNorm;
import org.privmed.nn.model.Layer;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.Polynomial;
import org.privmed.data.Normalization;
import org.privmed.nn.model.Relu;
import org.privmed.nn.model.Residual;
import org.privmed.nn.model.ResidueActivation;
import org.privmed.nn.model.Square;
import org.privmed.nn.model.TensorShape;

/**
 * Named, freshly initialised networks. Every builder is parameterised by the input shape and the
 * class count so any model fits any dataset where its layers make sense; where they do not (an
 * image too small for a kernel) the error names the model, the layer and the shapes.
 *
 * <ul>
 *   <li>{@code cryptonets-mnist} — Gilad-Bachrach et al., "CryptoNets: Applying Neural Networks to
 *       Encrypted Data with High Throughput and Accuracy", ICML 2016, §4.1 / Table 1: 5×5
 *       convolution, stride 2, 5 maps (13×13 each on 28×28 with one pixel of padding, 845
 *       values) → square → dense 845→100 → square → dense 100→classes. The paper's scaled mean
 *       pool is linear and was folded into the dense layer there as well.
 *   <li>{@code tenseal-mnist} — the TenSEAL tutorial "Encrypted evaluation on MNIST" (OpenMined,
 *       tutorial 4): conv 1→4, 7×7, stride 3 (8×8 maps, 256 values) → square → dense 256→64 →
 *       square → dense 64→classes.
 *   <li>{@code cryptonets-all} — Khilji, Saha, Shonon and Hossain, "Application of Homomorphic
 *       Encryption on Neural Network in Prediction of Acute Lymphoid Leukemia", IJACSA 11(6),
 *       2020 (DOI 10.14569/IJACSA.2020.0110646): a CryptoNets-style network on 32×32×3 cell images
 *       with three convolutions, mean pooling, two dense layers and square activations. Its full
 *       text was not available to us, so the layout follows the CryptoNets pattern it builds on
 *       (Gilad-Bachrach et al., ICML 2016, Table 1: conv → square → scaled mean pool → conv →
 *       mean pool → dense → square → dense), with squares after the first convolution and the
 *       first dense layer only: conv 5×5, stride 2, padding 2, w maps (16×16 each on 32×32) →
 *       square → avgpool 2×2 → conv 3×3, padding 1, 2w maps → avgpool 2×2 → conv 3×3, padding 1,
 *       4w maps → dense 64 → square → dense → classes, w = 5 by default (CryptoNets' 5 maps: 1,280
 *       first-layer values on 32×32). Why: everything between the two squares is linear and folds
 *       into one 1,280 → 64 map for HE, so the network has multiplicative depth 2 like {@code
 *       cryptonets-mnist} and its encrypted cost is about one squaring per first-layer value. An
 *       earlier version of ours squared after every convolution (five squares): its integer values
 *       grew past 63 bits even at 2-bit quantization, so exact BFV could not run it. The channel
 *       counts, kernels and the 64-unit hidden layer are our choices.
 *   <li>{@code reacthe-shallow} (4 activations) and {@code reacthe-deep} (8 activations) —
 *       residue-activation networks (see {@link ResidueActivation}) for 28×28 inputs with any
 *       channel count (1 for grayscale MedMNIST, 3 for RGB); convolutions are followed by
 *       BatchNorm, which folds into them for HE, and the same-width blocks of the deep variant
 *       have identity shortcuts.
 *   <li>{@code dpresnet} — ResNet-9 with GroupNorm as used for DP training by Klause, Ziller,
 *       Rueckert, Hammernik and Kaissis, "Differentially private training of residual networks
 *       with scale normalisation" (ICML TPDP workshop 2022, arXiv:2203.00324), itself the
 *       DAWNBench ResNet-9 (Page, 2018) with BatchNorm → GroupNorm; max-pooling is replaced by
 *       2×2 average pooling and the head by a global average pool, as the issue asks. Channels
 *       w, 2w, 4w, 8w (w = 64 by default); groups = the largest divisor of the channel count not
 *       above 32. Uses ReLU, so it is for plaintext/federated training, not for HE.
 *   <li>{@code polycnn} — a plain (no residual) stack for CKKS: three stages of 3×3 convolution →
 *       BatchNorm → trainable quadratic {@link Polynomial} → 2×2 average pooling, channels w, 2w,
 *       4w (w = 16 by default), then one dense layer. Degree-2 trainable activations follow
 *       Hesamifard et al., "CryptoDL" (arXiv:1711.05189, 2017, §3) and Obla et al., "Effective
 *       activation functions for homomorphic evaluation of deep neural networks" (IEEE Access 8,
 *       2020, §III); BatchNorm before each one keeps its input near unit scale (as argued by
 *       Chabanne et al., "Privacy-preserving classification on deep neural network", IACR ePrint
 *       2017/035, §3), and it folds into the convolution for HE. Only three activations, so the
 *       CKKS depth stays at three squarings plus the linear levels, and no residual blocks, which
 *       the HE compiler does not take. The start {@code 0.25 + 0.5x + 0.125x²} is a smooth
 *       ReLU-like curve on about [−2, 2]; its coefficients are learnt per layer.
 * </ul>
 */
public final class ModelZoo {
  /** Initial {@code a} of each residue activation: small, so every block starts near identity. */
  static final double RESIDUE_INIT = 0.05;

  private static final List<String> NAMES = List.of("cryptonets-mnist", "tenseal-mnist",
      "cryptonets-all", "reacthe-shallow", "reacthe-deep", "dpresnet", "polycnn");

  private ModelZoo() {}

  /** The names {@link #build} accepts. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * A freshly initialised zoo model.
   *
   * @param name one of {@link #names()}
   * @param input C×H×W of the images it will see
   * @param classNames the class names (at least 2)
   * @param options width and seed
   * @throws IllegalArgumentException for an unknown name or an input the network cannot take
   */
  public static Model build(String name, TensorShape input, List<String> classNames,
      ZooOptions options) {
    Initializer init = new Initializer(options.seed());
    int k = classNames.size();
    List<Layer> layers;
    try {
      switch (name) {
        case "cryptonets-mnist":
          layers = cryptonetsMnist(init, input, k);
          break;
        case "tenseal-mnist":
          layers = tensealMnist(init, input, k);
          break;
        case "cryptonets-all":
          layers = cryptonetsAll(init, input, k, options.widthOr(5));
          break;
        case "reacthe-shallow":
          layers = reactheShallow(init, input, k, options.widthOr(16));
          break;
        case "reacthe-deep":
          layers = reactheDeep(init, input, k, options.widthOr(16));
          break;
        case "dpresnet":
          layers = dpResNet(init, input, k, options.widthOr(64));
          break;
        case "polycnn":
          layers = polyCnn(init, input, k, options.widthOr(16));
          break;
        default:
          throw new IllegalArgumentException(
              "unknown zoo model '" + name + "'; known: " + String.join(", ", NAMES));
      }
      Map<String, String> meta = new java.util.LinkedHashMap<>();
      meta.put("zoo", name);
      meta.put("zoo.width", Integer.toString(options.width()));
      meta.put("zoo.seed", Long.toString(options.seed()));
      return new Model(name, input, layers, classNames, Normalization.identity(input.channels()), meta);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("unknown zoo model")) {
        throw e;
      }
      throw new IllegalArgumentException("zoo model " + name + " does not fit input " + input
          + " with " + k + " classes: " + e.getMessage(), e);
    }
  }

  /** Appends a flatten and a dense layer sized from the current shape. */
  private static void head(List<Layer> layers, Initializer init, TensorShape input, int hidden,
      boolean squareAfter, int classes) {
    layers.add(new Flatten());
    int features = Model.chain(layers, input, "head").size();
    if (hidden > 0) {
      layers.add(init.dense(features, hidden));
      if (squareAfter) {
        layers.add(new Square());
      }
      features = hidden;
    }
    layers.add(init.dense(features, classes));
  }

  private static List<Layer> cryptonetsMnist(Initializer init, TensorShape in, int k) {
    List<Layer> l = new ArrayList<>();
    l.add(init.conv(in.channels(), 5, 5, 2, 1));
    l.add(new Square());
    head(l, init, in, 100, true, k);
    return l;
  }

  private static List<Layer> tensealMnist(Initializer init, TensorShape in, int k) {
    List<Layer> l = new ArrayList<>();
    l.add(init.conv(in.channels(), 4, 7, 3, 0));
    l.add(new Square());
    head(l, init, in, 64, true, k);
    return l;
  }

  private static List<Layer> cryptonetsAll(Initializer init, TensorShape in, int k, int w) {
    List<Layer> l = new ArrayList<>();
    l.add(init.conv(in.channels(), w, 5, 2, 2));
    l.add(new Square());
    l.add(new AvgPool2d(2, 2));
    l.add(init.conv(w, 2 * w, 3, 1, 1));
    l.add(new AvgPool2d(2, 2));
    l.add(init.conv(2 * w, 4 * w, 3, 1, 1));
    head(l, init, in, 64, true, k);
    return l;
  }

  private static void convBnAct(List<Layer> l, Initializer init, int in, int out) {
    l.add(init.conv(in, out, 3, 1, 1));
    l.add(BatchNorm.identity(out));
    l.add(new ResidueActivation(2, RESIDUE_INIT));
  }

  private static Residual residueBlock(Initializer init, int width) {
    List<Layer> body = new ArrayList<>();
    convBnAct(body, init, width, width);
    return Residual.identity(body);
  }

  private static List<Layer> reactheShallow(Initializer init, TensorShape in, int k, int w) {
    List<Layer> l = new ArrayList<>();
    convBnAct(l, init, in.channels(), w);
    l.add(new AvgPool2d(2, 2));
    convBnAct(l, init, w, w);
    l.add(new AvgPool2d(2, 2));
    convBnAct(l, init, w, 2 * w);
    l.add(new Flatten());
    int features = Model.chain(l, in, "reacthe-shallow").size();
    l.add(init.dense(features, 64));
    l.add(new ResidueActivation(2, RESIDUE_INIT));
    l.add(init.dense(64, k));
    return l;
  }

  private static List<Layer> reactheDeep(Initializer init, TensorShape in, int k, int w) {
    List<Layer> l = new ArrayList<>();
    convBnAct(l, init, in.channels(), w);
    l.add(new AvgPool2d(2, 2));
    for (int i = 0; i < 3; i++) {
      l.add(residueBlock(init, w));
    }
    l.add(new AvgPool2d(2, 2));
    convBnAct(l, init, w, 2 * w);
    for (int i = 0; i < 2; i++) {
      l.add(residueBlock(init, 2 * w));
    }
    l.add(new Flatten());
    int features = Model.chain(l, in, "reacthe-deep").size();
    l.add(init.dense(features, 64));
    l.add(new ResidueActivation(2, RESIDUE_INIT));
    l.add(init.dense(64, k));
    return l;
  }

  /** Start of every {@code polycnn} activation: ReLU-like on about [−2, 2], see class Javadoc. */
  static Polynomial polyStart() {
    return Polynomial.quadratic(0.25, 0.5, 0.125);
  }

  private static List<Layer> polyCnn(Initializer init, TensorShape in, int k, int w) {
    List<Layer> l = new ArrayList<>();
    int c = in.channels();
    for (int widthFactor : new int[] {1, 2, 4}) {
      l.add(init.conv(c, w * widthFactor, 3, 1, 1));
      l.add(BatchNorm.identity(w * widthFactor));
      l.add(polyStart());
      l.add(new AvgPool2d(2, 2));
      c = w * widthFactor;
    }
    l.add(new Flatten());
    int features = Model.chain(l, in, "polycnn").size();
    l.add(init.dense(features, k));
    return l;
  }

  static int groupsFor(int channels) {
    for (int g = Math.min(32, channels); g > 1; g--) {
      if (channels % g == 0) {
        return g;
      }
    }
    return 1;
  }

  private static void convGnRelu(List<Layer> l, Initializer init, int in, int out) {
    l.add(init.conv(in, out, 3, 1, 1));
    l.add(GroupNorm.identity(groupsFor(out), out));
    l.add(new Relu());
  }

  private static Residual resBlock(Initializer init, int width) {
    List<Layer> body = new ArrayList<>();
    convGnRelu(body, init, width, width);
    convGnRelu(body, init, width, width);
    return Residual.identity(body);
  }

  private static List<Layer> dpResNet(Initializer init, TensorShape in, int k, int w) {
    List<Layer> l = new ArrayList<>();
    convGnRelu(l, init, in.channels(), w);
    convGnRelu(l, init, w, 2 * w);
    l.add(new AvgPool2d(2, 2));
    l.add(resBlock(init, 2 * w));
    convGnRelu(l, init, 2 * w, 4 * w);
    l.add(new AvgPool2d(2, 2));
    convGnRelu(l, init, 4 * w, 8 * w);
    l.add(new AvgPool2d(2, 2));
    l.add(resBlock(init, 8 * w));
    TensorShape s = Model.chain(l, in, "dpresnet");
    if (s.height() != s.width()) {
      throw new IllegalArgumentException("dpresnet needs square images, got " + in);
    }
    l.add(new AvgPool2d(s.height(), s.height()));
    l.add(new Flatten());
    l.add(init.dense(8 * w, k));
    return l;
  }
}
