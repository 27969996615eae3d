package org.privmed.fl.dp.rdp;

/**
 * Arithmetic on numbers held as their natural logarithms, and a log-domain complementary error
 * function, as needed by the sampled-Gaussian RDP series (terms span hundreds of orders of
 * magnitude, so they are never exponentiated).
 */
final class LogSpace {
    private LogSpace() {}

    /** log(e^a + e^b). */
    static double add(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) return b;
        if (b == Double.NEGATIVE_INFINITY) return a;
        double hi = Math.max(a, b);
        double lo = Math.min(a, b);
        return hi + Math.log1p(Math.exp(lo - hi));
    }

    /** log(e^a − e^b) for a ≥ b; the caller guarantees the difference is non-negative. */
    static double subtract(double a, double b) {
        if (b == Double.NEGATIVE_INFINITY) return a;
        if (b > a) {
            throw new ArithmeticException("log-space subtraction would be negative: a=" + a + " < b=" + b);
        }
        if (a == b) return Double.NEGATIVE_INFINITY;
        // log(e^a - e^b) = a + log(1 - e^{b-a}); expm1 keeps precision when b is close to a.
        return a + Math.log(-Math.expm1(b - a));
    }

    /**
     * log(erfc(x)) without underflow. For |x| &lt; 2 a power series of erf is summed directly;
     * for x ≥ 2 the Laplace continued fraction is evaluated and e^{−x²} stays symbolic.
     */
    static double logErfc(double x) {
        if (Double.isNaN(x)) throw new IllegalArgumentException("logErfc of NaN");
        if (x >= 2) return logErfcPositive(x);
        if (x >= 0) return Math.log(1.0 - erf(x));
        // erfc(x) = 1 + erf(−x) for negative x: no cancellation on this side.
        return Math.log(1.0 + (x > -6 ? erf(-x) : 1.0 - Math.exp(logErfcPositive(-x))));
    }

    /**
     * erf for 0 ≤ x &lt; 6 from the series with positive terms only,
     * erf(x) = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)), which has no cancellation.
     */
    private static double erf(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 500; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < 1e-17 * sum) break;
        }
        return 2.0 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
    }

    /**
     * log erfc(x) for x ≥ 2 from erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))),
     * evaluated bottom-up with a fixed depth that converges to double precision for x ≥ 2.
     */
    private static double logErfcPositive(double x) {
        int depth = x < 4 ? 300 : (x < 8 ? 120 : 40);
        double tail = x;
        for (int k = depth; k >= 1; k--) {
            tail = x + (k / 2.0) / tail;
        }
        return -x * x - 0.5 * Math.log(Math.PI) - Math.log(tail);
    }
}
