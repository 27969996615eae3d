package org.privmed.he.ckks;

import org.privmed.he.rlwe.KeySwitcher;

/**
 * A plaintext known also modulo the special primes P, so that it can weight rotations before
 * their ModDown ({@link Evaluator#rotateHoistedDots}); made by {@link Evaluator#lift}.
 */
public final class LiftedPlaintext {
    private final Plaintext plain;
    private final KeySwitcher.Weights weights;

    LiftedPlaintext(Plaintext plain, KeySwitcher.Weights weights) {
        this.plain = plain;
        this.weights = weights;
    }

    /** The plaintext over Q_level. */
    public Plaintext plain() {
        return plain;
    }

    KeySwitcher.Weights weights() {
        return weights;
    }

    public int level() {
        return plain.level();
    }

    public double scale() {
        return plain.scale();
    }
}
