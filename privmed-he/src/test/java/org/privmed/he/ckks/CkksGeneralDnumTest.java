package org.privmed.he.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.privmed.he.ckks.CkksFixture.maxAbs;
import static org.privmed.he.ckks.CkksFixture.maxError;
import static org.privmed.he.ckks.CkksFixture.random;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hybrid key switching with two-prime digits (dnum = 2) and two special primes, as Lattigo allows. */
class CkksGeneralDnumTest {
    private static final CkksFixture F = new CkksFixture(CkksParameters.builder().logN(12).qBits(60, 40, 40, 40)
            .pBits(55, 55).dnum(2).scale(Math.pow(2, 40)).insecureForTesting().build());

    @Test
    void multiplyAndRotateAtEveryLevel() {
        assertEquals(2, F.ctx.params().dnum());
        qt().withExamples(4).forAll(integers().between(1, 100000), integers().between(1, F.ctx.maxLevel())).checkAssert((seed, level) -> {
            Random rnd = new Random(seed);
            int slots = F.ctx.slots();
            double[] x = random(rnd, slots), y = random(rnd, slots);
            double[] prod = new double[slots], rot = new double[slots];
            for (int j = 0; j < slots; j++) {
                prod[j] = x[j] * y[j];
                rot[j] = x[(j + 3) % slots];
            }
            Ciphertext p = F.eval.rescale(F.eval.relinearize(F.eval.multiply(F.encrypt(x, level), F.encrypt(y, level))));
            assertTrue(maxError(F.decrypt(p), prod) / maxAbs(prod) < Math.pow(2, -20));
            Ciphertext cx = F.encrypt(x, level);
            assertTrue(maxError(F.decrypt(F.eval.rotate(cx, 3)), rot) < Math.pow(2, -20));
            assertTrue(maxError(F.decrypt(F.eval.rotateHoisted(cx, new int[] {3, 1})[0]), rot) < Math.pow(2, -20));
        });
    }
}
