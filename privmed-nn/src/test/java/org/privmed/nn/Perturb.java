package org.privmed.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.privmed.nn.model.BatchNorm;
import org.privmed.nn.model.GroupNorm;
import org.privmed.nn.model.Layer;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.Residual;
import org.privmed.nn.model.ResidueActivation;
import org.privmed.nn.model.ScaledPower;

/**
 * Test helper: gives the normalisation layers and activation scales of a zoo model random,
 * non-trivial values (fresh zoo models have identity norms, which would hide mapping bugs).
 */
final class Perturb {
  private Perturb() {}

  static Model randomise(Model m, long seed) {
    return m.withLayers(layers(m.layers(), new Random(seed)));
  }

  private static List<Layer> layers(List<Layer> in, Random r) {
    List<Layer> out = new ArrayList<>();
    for (Layer l : in) {
      if (l instanceof BatchNorm bn) {
        int c = bn.channels();
        out.add(new BatchNorm(c, uniform(r, c, 0.5, 1.5), uniform(r, c, -0.5, 0.5),
            uniform(r, c, -0.5, 0.5), uniform(r, c, 0.5, 2.0), bn.epsilon()));
      } else if (l instanceof GroupNorm gn) {
        int c = gn.channels();
        out.add(new GroupNorm(gn.groups(), c, uniform(r, c, 0.5, 1.5), uniform(r, c, -0.5, 0.5),
            gn.epsilon()));
      } else if (l instanceof ResidueActivation ra) {
        out.add(new ResidueActivation(ra.power(), -0.3 + 0.6 * r.nextDouble()));
      } else if (l instanceof ScaledPower sp) {
        out.add(new ScaledPower(sp.power(), 0.5 + r.nextDouble(), sp.trainable()));
      } else if (l instanceof Residual res) {
        out.add(new Residual(layers(res.body(), r), layers(res.shortcut(), r)));
      } else {
        out.add(l);
      }
    }
    return out;
  }

  static double[] uniform(Random r, int n, double lo, double hi) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = lo + (hi - lo) * r.nextDouble();
    }
    return a;
  }
}
