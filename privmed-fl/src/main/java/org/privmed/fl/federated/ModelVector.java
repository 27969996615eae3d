package org.privmed.fl.federated;

import java.util.ArrayList;
import java.util.List;
import org.privmed.nn.model.BatchNorm;
import org.privmed.nn.model.Conv2d;
import org.privmed.nn.model.Dense;
import org.privmed.nn.model.GroupNorm;
import org.privmed.nn.model.Layer;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.Polynomial;
import org.privmed.nn.model.Residual;
import org.privmed.nn.model.ResidueActivation;
import org.privmed.nn.model.ScaledPower;

/**
 * A model's stored scalars as one flat float vector — the unit that federated rounds clip,
 * noise, mask and average — and back. The order is the layer order (residual body before
 * shortcut), and inside each layer the order of its record components. BatchNorm running
 * statistics travel with the weights so every client evaluates the same function after a round;
 * averaging them is what FedAvg over a full state dict does.
 */
public final class ModelVector {
    private ModelVector() {}

    /** Number of scalars {@link #flatten} yields for {@code model}. */
    public static int size(Model model) {
        return flatten(model).length;
    }

    /** The model's scalars, in float (the precision DJL trains in). */
    public static float[] flatten(Model model) {
        List<double[]> parts = new ArrayList<>();
        for (Layer l : model.layers()) collect(l, parts);
        int n = 0;
        for (double[] p : parts) n += p.length;
        float[] out = new float[n];
        int k = 0;
        for (double[] p : parts) {
            for (double v : p) out[k++] = (float) v;
        }
        return out;
    }

    /**
     * {@code template} with its scalars replaced by {@code values}.
     *
     * @throws IllegalArgumentException if the length does not match or a value is not finite
     */
    public static Model unflatten(Model template, float[] values) {
        int expected = size(template);
        if (values == null || values.length != expected) {
            throw new IllegalArgumentException("parameter vector for " + template.name() + " has "
                    + (values == null ? "null" : Integer.toString(values.length)) + " values, expected " + expected);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) throw new IllegalArgumentException("parameter vector[" + i + "] is " + values[i]);
        }
        int[] cursor = {0};
        List<Layer> layers = new ArrayList<>();
        for (Layer l : template.layers()) layers.add(rebuild(l, values, cursor));
        return template.withLayers(layers);
    }

    /** a + b, element-wise, as a fresh array (the global update step). */
    public static float[] add(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("vector lengths differ: " + a.length + " vs " + b.length);
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i] + b[i];
        return out;
    }

    /** a − b, element-wise, as a fresh array (a client's update Δ). */
    public static float[] subtract(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("vector lengths differ: " + a.length + " vs " + b.length);
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i] - b[i];
        return out;
    }

    private static void collect(Layer l, List<double[]> out) {
        if (l instanceof Conv2d c) {
            out.add(c.weight());
            out.add(c.bias());
        } else if (l instanceof Dense d) {
            out.add(d.weight());
            out.add(d.bias());
        } else if (l instanceof BatchNorm b) {
            out.add(b.gamma());
            out.add(b.beta());
            out.add(b.runningMean());
            out.add(b.runningVar());
        } else if (l instanceof GroupNorm g) {
            out.add(g.gamma());
            out.add(g.beta());
        } else if (l instanceof Polynomial p) {
            out.add(p.coefficients());
        } else if (l instanceof ScaledPower s && s.trainable()) {
            out.add(new double[] {s.scale()});
        } else if (l instanceof ResidueActivation r) {
            out.add(new double[] {r.scale()});
        } else if (l instanceof Residual r) {
            for (Layer b : r.body()) collect(b, out);
            for (Layer b : r.shortcut()) collect(b, out);
        }
    }

    private static double[] take(float[] v, int[] cursor, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = v[cursor[0] + i];
        cursor[0] += n;
        return out;
    }

    private static Layer rebuild(Layer l, float[] v, int[] c) {
        if (l instanceof Conv2d x) {
            return new Conv2d(x.inChannels(), x.outChannels(), x.kernel(), x.stride(), x.padding(),
                    take(v, c, x.weight().length), take(v, c, x.bias().length));
        } else if (l instanceof Dense x) {
            return new Dense(x.inFeatures(), x.outFeatures(), take(v, c, x.weight().length), take(v, c, x.bias().length));
        } else if (l instanceof BatchNorm x) {
            double[] gamma = take(v, c, x.channels());
            double[] beta = take(v, c, x.channels());
            double[] mean = take(v, c, x.channels());
            double[] var = take(v, c, x.channels());
            // An averaged variance can only be >= 0 if every client's was; noise can push it below.
            for (int i = 0; i < var.length; i++) var[i] = Math.max(var[i], 0);
            return new BatchNorm(x.channels(), gamma, beta, mean, var, x.epsilon());
        } else if (l instanceof GroupNorm x) {
            return new GroupNorm(x.groups(), x.channels(), take(v, c, x.channels()), take(v, c, x.channels()), x.epsilon());
        } else if (l instanceof Polynomial x) {
            return new Polynomial(take(v, c, x.coefficients().length));
        } else if (l instanceof ScaledPower x && x.trainable()) {
            return new ScaledPower(x.power(), take(v, c, 1)[0], true);
        } else if (l instanceof ResidueActivation x) {
            return new ResidueActivation(x.power(), take(v, c, 1)[0]);
        } else if (l instanceof Residual x) {
            List<Layer> body = new ArrayList<>();
            for (Layer b : x.body()) body.add(rebuild(b, v, c));
            List<Layer> shortcut = new ArrayList<>();
            for (Layer b : x.shortcut()) shortcut.add(rebuild(b, v, c));
            return new Residual(body, shortcut);
        }
        return l;
    }
}
