package org.privmed.fl.federated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.model.Model;
import org.privmed.nn.model.TensorShape;
import org.privmed.nn.zoo.ModelZoo;
import org.privmed.nn.zoo.ZooOptions;

class ModelVectorTest {
    private static Model dpresnet() {
        return ModelZoo.build("dpresnet", new TensorShape(1, 28, 28), List.of("a", "b", "c"), new ZooOptions(8, 7));
    }

    @Test
    void roundTripKeepsEveryParameterAndTheFunction() {
        Model m = dpresnet();
        float[] v = ModelVector.flatten(m);
        assertEquals(m.parameterCount(), v.length, "residual nets: every stored scalar is in the vector");
        Model back = ModelVector.unflatten(m, v);
        assertArrayEquals(v, ModelVector.flatten(back));
        float[] x = new float[28 * 28];
        for (int i = 0; i < x.length; i++) x[i] = (i % 17) / 17f;
        // Weights were floats to begin with (zoo init is float-exact?) — compare at float precision.
        double[] a = PlainInference.logits(m, x);
        double[] b = PlainInference.logits(back, x);
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-4 * (1 + Math.abs(a[i])));
    }

    @Test
    void aChangedCoordinateChangesTheModel() {
        Model m = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), List.of("0", "1"), new ZooOptions(0, 3));
        float[] v = ModelVector.flatten(m);
        float[] w = v.clone();
        w[w.length - 1] += 5f; // last bias of the last dense layer
        Model changed = ModelVector.unflatten(m, w);
        float[] x = new float[28 * 28];
        assertNotEquals(PlainInference.logits(m, x)[1], PlainInference.logits(changed, x)[1]);
        assertEquals(5.0, PlainInference.logits(changed, x)[1] - PlainInference.logits(m, x)[1], 1e-5);
        assertTrue(ModelVector.size(m) > 1000);
    }

    @Test
    void rejectsWrongLengthAndNonFiniteValues() {
        Model m = ModelZoo.build("tenseal-mnist", new TensorShape(1, 28, 28), List.of("0", "1"), new ZooOptions(0, 3));
        float[] v = ModelVector.flatten(m);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelVector.unflatten(m, new float[v.length - 1]));
        assertTrue(e.getMessage().contains(Integer.toString(v.length - 1)), e.getMessage());
        v[3] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> ModelVector.unflatten(m, v));
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
    }
}
