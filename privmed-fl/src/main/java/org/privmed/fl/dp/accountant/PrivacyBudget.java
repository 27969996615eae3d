package org.privmed.fl.dp.accountant;

/** The (ε, δ) a whole training run may spend. */
public record PrivacyBudget(double epsilon, double delta) {
    public PrivacyBudget {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("budget epsilon must be finite and > 0, got " + epsilon);
        }
        if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("budget delta must be in (0, 1), got " + delta);
    }
}
