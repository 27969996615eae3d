package org.privmed.nn.zoo;

import java.util.SplittableRandom;
import org.privmed.nn.model.Conv2d;
import org.privmed.nn.model.Dense;

/**
 * Seeded weight initialisation, PyTorch's default for Conv2d/Linear: weights and biases uniform
 * in ±1/sqrt(fan_in) (kaiming_uniform with a = √5). The bound matters for square activations: it
 * keeps the first squares near unit scale instead of exploding.
 */
final class Initializer {
  private final SplittableRandom random;

  Initializer(long seed) {
    this.random = new SplittableRandom(seed);
  }

  Conv2d conv(int in, int out, int kernel, int stride, int padding) {
    double bound = 1 / Math.sqrt((double) in * kernel * kernel);
    return new Conv2d(in, out, kernel, stride, padding, uniform(out * in * kernel * kernel, bound),
        uniform(out, bound));
  }

  Dense dense(int in, int out) {
    double bound = 1 / Math.sqrt(in);
    return new Dense(in, out, uniform(in * out, bound), uniform(out, bound));
  }

  private double[] uniform(int n, double bound) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = (2 * random.nextDouble() - 1) * bound;
    }
    return a;
  }
}
