package org.privmed.fl.dp.accountant;

import org.privmed.fl.dp.rdp.RdpConversion;
import org.privmed.fl.dp.rdp.RdpOrders;
import org.privmed.fl.dp.rdp.SampledGaussianRdp;

/**
 * Finds the smallest noise multiplier (to a relative tolerance) whose planned run stays within
 * a target ε — the counterpart of Opacus' {@code get_noise_multiplier}. The bisection keeps the
 * invariant ε(hi) ≤ target and returns {@code hi}, so the answer errs on the side of more noise and
 * never overspends.
 */
public final class NoiseCalibration {
    private static final double MAX_NOISE_MULTIPLIER = 1 << 20;
    private static final double RELATIVE_TOLERANCE = 1e-4;

    private NoiseCalibration() {}

    /** Noise multiplier z so that {@code steps} steps at {@code sampleRate} spend at most {@code targetEpsilon}. */
    public static double noiseMultiplier(double targetEpsilon, double delta, double sampleRate, long steps) {
        return noiseMultiplier(new PrivacyBudget(targetEpsilon, delta), sampleRate, steps, new RdpAccountant());
    }

    /**
     * As above, but on top of what {@code alreadySpent} has recorded (a resumed run calibrates
     * the remaining rounds against the remaining budget). Throws
     * {@link PrivacyBudgetExceededException} when no amount of noise can keep the run in budget,
     * e.g. because the ledger alone already exceeds it.
     */
    public static double noiseMultiplier(PrivacyBudget budget, double sampleRate, long steps, RdpAccountant alreadySpent) {
        if (!(sampleRate > 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("sampleRate must be in (0, 1], got " + sampleRate);
        }
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        double[] orders = alreadySpent == null ? RdpOrders.defaults() : alreadySpent.orders();
        double[] base = alreadySpent == null ? new double[orders.length] : alreadySpent.rdpCurve();
        double hi = 1.0;
        while (epsilon(orders, base, sampleRate, hi, steps, budget.delta()) > budget.epsilon()) {
            hi *= 2;
            if (hi > MAX_NOISE_MULTIPLIER) {
                throw new PrivacyBudgetExceededException(budget,
                        epsilon(orders, base, sampleRate, MAX_NOISE_MULTIPLIER, steps, budget.delta()),
                        "a run of " + steps + " step(s) at sample rate " + sampleRate
                                + " even with noise multiplier " + MAX_NOISE_MULTIPLIER);
            }
        }
        double lo = 0;
        while (hi - lo > RELATIVE_TOLERANCE * hi) {
            double mid = (lo + hi) / 2;
            if (epsilon(orders, base, sampleRate, mid, steps, budget.delta()) > budget.epsilon()) lo = mid;
            else hi = mid;
        }
        return hi;
    }

    static double epsilon(double[] orders, double[] base, double q, double z, long steps, double delta) {
        double[] curve = SampledGaussianRdp.rdp(q, z, steps, orders);
        for (int i = 0; i < curve.length; i++) curve[i] += base[i];
        return RdpConversion.epsilon(orders, curve, delta).epsilon();
    }
}
