package org.privmed.fl.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;
import org.junit.jupiter.api.Test;

class UpdateClippingTest {

    @Test
    void clippedNormNeverExceedsBoundAndDirectionIsKept() {
        qt().forAll(integers().between(1, 2000), doubles().between(0.01, 50), integers().all()).checkAssert((d, c, seed) -> {
            Random r = new Random(seed);
            float[] u = new float[d];
            for (int i = 0; i < d; i++) u[i] = (float) (r.nextGaussian() * 3);
            ClippedUpdate cu = UpdateClipping.clip(u, c);
            double norm = UpdateClipping.l2(cu.values());
            assertTrue(norm <= c, "norm " + norm + " > " + c);
            if (cu.wasClipped()) {
                assertEquals(c, norm, 1e-5 * c);
                for (int i = 0; i < d; i++) assertEquals(u[i] * cu.scale(), cu.values()[i], 1e-6 * Math.abs(u[i]) + 1e-30);
            } else {
                assertArrayEquals(u, cu.values());
            }
        });
    }

    @Test
    void smallUpdatesPassUnchanged() {
        float[] u = {0.3f, -0.4f};
        ClippedUpdate cu = UpdateClipping.clip(u, 1.0);
        assertFalse(cu.wasClipped());
        assertEquals(0.5, cu.originalNorm(), 1e-7);
        assertArrayEquals(u, cu.values());
        ClippedUpdate big = UpdateClipping.clip(new float[] {3, 4}, 1.0);
        assertArrayEquals(new float[] {0.6f, 0.8f}, big.values(), 1e-6f);
    }

    @Test
    void rejectsNonFiniteInputNamingTheIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UpdateClipping.clip(new float[] {1, Float.NaN}, 1));
        assertTrue(e.getMessage().contains("update[1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UpdateClipping.clip(new float[] {1}, 0));
    }
}
