package org.privmed.fl.dp.rdp;

/** Rényi orders at which the accountant tracks privacy loss. */
public final class RdpOrders {
    private RdpOrders() {}

    /**
     * The same grid Opacus uses by default: 1.1, 1.2, …, 10.9 and then the integers 12 … 63.
     * Fine steps near 1 matter for large ε; the integers reach the small-ε regime where the optimal
     * order grows like 1/ε.
     */
    public static double[] defaults() {
        double[] out = new double[99 + 52];
        int k = 0;
        for (int x = 1; x < 100; x++) out[k++] = 1 + x / 10.0;
        for (int x = 12; x < 64; x++) out[k++] = x;
        return out;
    }
}
