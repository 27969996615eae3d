package org.privmed.fl.dp.accountant;

/** Thrown, before anything is recorded, when a planned spend would push ε past the budget. */
public final class PrivacyBudgetExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final double projectedEpsilon;
    private final PrivacyBudget budget;

    PrivacyBudgetExceededException(PrivacyBudget budget, double projectedEpsilon, String what) {
        super(what + " would spend epsilon=" + projectedEpsilon + " at delta=" + budget.delta()
                + ", over the budget epsilon=" + budget.epsilon());
        this.budget = budget;
        this.projectedEpsilon = projectedEpsilon;
    }

    public double projectedEpsilon() { return projectedEpsilon; }

    public PrivacyBudget budget() { return budget; }
}
