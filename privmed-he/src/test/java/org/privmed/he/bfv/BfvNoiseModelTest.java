package org.privmed.he.bfv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The static estimate against the budget the decryptor measures, op by op. */
class BfvNoiseModelTest {
    private static final BfvFixture F = BfvFixture.SEAL;
    private static final BfvNoiseModel M = new BfvNoiseModel(F.ctx.params());

    private static void close(String what, BfvNoiseModel.Estimate e, BfvCiphertext ct) {
        double estimated = M.budgetBits(e);
        int measured = F.decryptor.invariantNoiseBudget(ct);
        System.out.printf("%-28s estimated %6.1f measured %4d%n", what, estimated, measured);
        // the measured budget is rounded down to whole bits, and products correlate the noise a little
        // more than the independence assumption allows (about one bit per level past the first)
        assertTrue(Math.abs(measured - estimated) <= 4,
                what + ": estimated " + estimated + " bits, measured " + measured);
    }

    @Test
    void estimateTracksTheMeasuredBudget() {
        Random rnd = new Random(21);
        long[] a = F.random(rnd), b = F.random(rnd);
        BfvCiphertext ca = F.encrypt(a), cb = F.encrypt(b);
        BfvCiphertext sa = F.symmetric.encrypt(F.encoder.encode(a));
        BfvNoiseModel.Estimate fresh = M.freshPublicKey();
        close("fresh (public key)", fresh, ca);
        close("fresh (symmetric)", M.freshSymmetric(), sa);
        close("add", M.add(fresh, fresh), F.eval.add(ca, cb));
        close("multiplyPlain", M.multiplyPlain(fresh), F.eval.multiplyPlain(ca, F.encoder.encode(b)));
        close("rotateRows", M.keySwitch(fresh), F.eval.rotateRows(ca, 1));
        BfvCiphertext c = ca;
        BfvNoiseModel.Estimate e = fresh;
        for (int depth = 1; depth <= 3; depth++) {
            c = F.eval.multiplyRelinearize(c, F.encrypt(F.random(rnd)));
            e = M.keySwitch(M.multiply(e, fresh));
            close("multiply+relinearize depth " + depth, e, c);
        }
        close("fresh, switched down one prime", M.modSwitch(fresh), F.eval.modSwitchToNext(ca));
        close("depth 3, switched down two primes", M.modSwitch(M.modSwitch(e)), F.eval.modSwitchTo(c, c.level() - 2));
    }
}
