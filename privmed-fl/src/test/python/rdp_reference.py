"""Independent reference values for the RDP tests (SampledGaussianRdpTest).

Computes A_alpha = E_{z~N(0,s^2)} [((1-q) + q*exp((2z-1)/(2 s^2)))^alpha] by direct numerical
integration in 60-digit arithmetic (mpmath.quad), i.e. by the definition in Mironov, Talwar and
Zhang 2019, Sec. 3 — not by the series the Java code uses. Run: python3 rdp_reference.py
"""
import mpmath as mp

mp.mp.dps = 60


def log_a(q, s, alpha):
    q, s, alpha = mp.mpf(q), mp.mpf(s), mp.mpf(alpha)
    def f(z):
        mu0 = mp.npdf(z, 0, s)
        ratio = (1 - q) + q * mp.exp((2 * z - 1) / (2 * s ** 2))
        return mu0 * ratio ** alpha
    # split at the points where the integrand changes character so quad converges
    pts = [-mp.inf, -20 * s, -5 * s, 0, 0.5, 1, 5 * s + alpha, 20 * s + 2 * alpha, mp.inf]
    return mp.log(mp.quad(f, pts))


def rdp(q, s, alpha):
    return log_a(q, s, alpha) / (alpha - 1)


def balle_epsilon(q, s, steps, delta, orders):
    best = (mp.inf, None)
    for a in orders:
        r = steps * rdp(q, s, a)
        a = mp.mpf(a)
        eps = r + mp.log((a - 1) / a) - (mp.log(delta) + mp.log(a)) / (a - 1)
        if eps < best[0]:
            best = (eps, a)
    return best


def opacus_default_orders():
    return [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64))


def main_epsilon():
    mp.mp.dps = 30
    for q, s, steps, delta in [(0.01, 4.0, 10000, 1e-5), (256 / 60000, 1.1, 14063, 1e-5)]:
        eps, order = balle_epsilon(q, s, steps, delta, opacus_default_orders())
        print(f"q={q} sigma={s} steps={steps} delta={delta} balle_eps={mp.nstr(eps, 12)} order={order}")


if __name__ == "__main__":
    import sys
    if len(sys.argv) > 1 and sys.argv[1] == "epsilon":
        main_epsilon()
        sys.exit(0)
    cases = [(0.01, 1.1, 2), (0.01, 1.1, 8), (0.01, 1.1, 2.5), (0.01, 1.1, 10.7),
             (0.1, 2.0, 5), (0.1, 2.0, 5.5), (0.05, 0.8, 3.3), (0.2, 5.0, 40.5),
             (0.004, 1.0, 1.1), (0.5, 1.5, 17.25),
             # extreme regimes (parameters from TensorFlow Privacy's rdp_accountant_test.py and ours)
             (1e-7, 0.1, 1.01), (1e-5, 0.1, 256.1), (0.5, 0.3, 2.5), (0.9, 0.5, 7.5),
             (0.1, 100, 20.5), (0.999, 100, 256.1)]
    for q, s, a in cases:
        print(f"q={q} sigma={s} alpha={a} rdp={mp.nstr(rdp(q, s, a), 15)}")
