package org.privmed.fl.dp.rdp;

/**
 * Conversion of an RDP curve to (ε, δ)-DP, minimised over the tracked orders.
 *
 * <ul>
 *   <li>{@link #epsilon} — Balle, Barthe, Gaboardi, Hsu, Sato 2020, "Hypothesis testing
 *       interpretations and Rényi differential privacy", Theorem 21:
 *       ε = ε(α) + log((α−1)/α) − (log δ + log α)/(α − 1). This is the conversion Opacus' RDP
 *       accountant reports and the one the accountant uses.</li>
 *   <li>{@link #classicEpsilon} — Mironov 2017, Proposition 3: ε = ε(α) + log(1/δ)/(α − 1).
 *       Looser; kept because older published figures (TensorFlow Privacy, Abadi et al. 2016)
 *       were computed with it, so our tests can check against them.</li>
 * </ul>
 */
public final class RdpConversion {
    private RdpConversion() {}

    /** Tightest ε for {@code delta} over the given orders using Balle et al. 2020, Thm 21. */
    public static PrivacySpent epsilon(double[] orders, double[] rdp, double delta) {
        check(orders, rdp, delta);
        if (identicallyZero(rdp)) return new PrivacySpent(0.0, delta, Double.NaN);
        double best = Double.POSITIVE_INFINITY;
        double bestOrder = Double.NaN;
        for (int i = 0; i < orders.length; i++) {
            double a = orders[i];
            double eps = rdp[i] + Math.log((a - 1) / a) - (Math.log(delta) + Math.log(a)) / (a - 1);
            if (!Double.isNaN(eps) && eps < best) {
                best = eps;
                bestOrder = a;
            }
        }
        // ε below zero carries no meaning for a DP statement; report 0 at that order.
        return new PrivacySpent(Math.max(best, 0.0), delta, bestOrder);
    }

    /** Tightest ε over the given orders with the classic conversion of Mironov 2017, Prop. 3. */
    public static PrivacySpent classicEpsilon(double[] orders, double[] rdp, double delta) {
        check(orders, rdp, delta);
        if (identicallyZero(rdp)) return new PrivacySpent(0.0, delta, Double.NaN);
        double best = Double.POSITIVE_INFINITY;
        double bestOrder = Double.NaN;
        for (int i = 0; i < orders.length; i++) {
            double eps = rdp[i] - Math.log(delta) / (orders[i] - 1);
            if (!Double.isNaN(eps) && eps < best) {
                best = eps;
                bestOrder = orders[i];
            }
        }
        return new PrivacySpent(Math.max(best, 0.0), delta, bestOrder);
    }

    /**
     * A curve that is zero at every order comes from a mechanism that never ran (or saw no data,
     * q = 0): the outputs are independent of the data, so ε = 0 exactly. The conversion formulas
     * would instead report their own slack (about 0.1 at δ = 1e-5), which is not privacy loss.
     */
    private static boolean identicallyZero(double[] rdp) {
        for (double r : rdp) if (r != 0) return false;
        return true;
    }

    private static void check(double[] orders, double[] rdp, double delta) {
        if (orders == null || rdp == null) throw new IllegalArgumentException("orders and rdp must be non-null");
        if (orders.length != rdp.length || orders.length == 0) {
            throw new IllegalArgumentException("orders (" + orders.length + ") and rdp (" + rdp.length
                    + ") must have the same non-zero length");
        }
        if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        for (int i = 0; i < orders.length; i++) {
            if (!(orders[i] > 1)) throw new IllegalArgumentException("order must be > 1, got " + orders[i] + " at index " + i);
            if (Double.isNaN(rdp[i]) || rdp[i] < 0) {
                throw new IllegalArgumentException("rdp must be >= 0, got " + rdp[i] + " at order " + orders[i]);
            }
        }
    }
}
