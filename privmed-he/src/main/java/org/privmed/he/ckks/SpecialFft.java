package org.privmed.he.ckks;

/**
 * The CKKS canonical embedding restricted to N/2 slots, computed in O(N log N).
 *
 * <p>Slot j of a real polynomial m of degree &lt; N is m(zeta_j) with zeta_j = zeta^(5^j mod 2N) and
 * zeta = exp(i pi / N), j = 0 .. N/2 - 1; the other N/2 roots are the conjugates and carry the
 * conjugate slots, so N real coefficients and N/2 complex slots determine each other (Cheon, Kim, Kim,
 * Song, "Homomorphic Encryption for Arithmetic of Approximate Numbers", ASIACRYPT 2017, Sec. 3.1, with
 * the ordering by powers of 5 so that X -&gt; X^5 rotates the slots).
 *
 * <p>Folding: write w_k = m_k + i m_(k + N/2) for k &lt; N/2. Because zeta_j^(N/2) = i^(5^j) = i,
 * m(zeta_j) = sum_k w_k zeta_j^k, an evaluation of the degree-(N/2 - 1) complex polynomial w at the
 * N/2 points zeta_j. Those points split like an ordinary radix-2 FFT: with M = 4 * len, the points for
 * a sub-problem of length len are xi^(5^j mod M), xi = exp(2 pi i / M); squaring maps them onto the
 * points of the half-length problem (5 has order len / 2 modulo M / 2), and the point for j + len/2 is
 * minus the point for j (5^(len/2) = 1 + M/2 mod M). So one decimation-in-time butterfly per pair,
 * with twiddle xi^(5^j mod M), after a bit-reversal permutation of the input. The same "special FFT"
 * is used by the HEAAN and Lattigo encoders; this is an independent implementation of it.
 *
 * <p>Twiddles are computed directly from their angles (not by repeated multiplication) so the error
 * of each is one rounding. Instances are immutable and thread-safe.
 */
public final class SpecialFft {

    private static final int MIN_LOG_N = 3;
    private static final int MAX_LOG_N = 17;

    private final int ringDegree;
    private final int slots;
    private final int[] bitReverse;
    // stage with half-length h uses entries [h, 2h): twiddle for butterfly j is at h + j
    private final double[] twiddleRe;
    private final double[] twiddleIm;

    /**
     * @param ringDegree N, a power of two from 2^3 to 2^17
     */
    public SpecialFft(int ringDegree) {
        int logN = Integer.numberOfTrailingZeros(ringDegree);
        if (ringDegree <= 0 || Integer.bitCount(ringDegree) != 1 || logN < MIN_LOG_N || logN > MAX_LOG_N) {
            throw new IllegalArgumentException(
                    "ring degree must be a power of two from 8 to 131072, got " + ringDegree);
        }
        this.ringDegree = ringDegree;
        this.slots = ringDegree / 2;
        int logSlots = logN - 1;
        bitReverse = new int[slots];
        for (int k = 0; k < slots; k++) {
            bitReverse[k] = Integer.reverse(k) >>> (Integer.SIZE - logSlots);
        }
        twiddleRe = new double[slots];
        twiddleIm = new double[slots];
        for (int half = 1; half < slots; half <<= 1) {
            int m = 8 * half; // 4 * len, len = 2 * half
            long power = 1;
            for (int j = 0; j < half; j++) {
                double angle = 2 * Math.PI * power / m;
                twiddleRe[half + j] = Math.cos(angle);
                twiddleIm[half + j] = Math.sin(angle);
                power = power * 5 % m;
            }
        }
    }

    public int ringDegree() {
        return ringDegree;
    }

    /** Number of complex slots, N / 2. */
    public int slots() {
        return slots;
    }

    /**
     * The N real coefficients m with m(zeta_j) = re[j] + i im[j] for every slot j (missing slots are
     * zero). Unscaled: the encoder multiplies by the scale and rounds.
     *
     * @param re real parts, at most N/2 values
     * @param im imaginary parts, at most N/2 values
     */
    public double[] slotsToCoefficients(double[] re, double[] im) {
        checkSlotInput(re, "re");
        checkSlotInput(im, "im");
        double[] wr = new double[slots];
        double[] wi = new double[slots];
        System.arraycopy(re, 0, wr, 0, re.length);
        System.arraycopy(im, 0, wi, 0, im.length);
        inverse(wr, wi);
        double[] coeffs = new double[ringDegree];
        double norm = 1.0 / slots; // power of two: exact
        int[] rev = bitReverse;
        for (int k = 0; k < slots; k++) {
            int r = rev[k];
            coeffs[k] = wr[r] * norm;
            coeffs[k + slots] = wi[r] * norm;
        }
        return coeffs;
    }

    /**
     * Evaluates the N coefficients at the slot roots: slot j = m(zeta_j).
     *
     * @param coeffs N real coefficients
     * @param reOut  receives the N/2 real parts
     * @param imOut  receives the N/2 imaginary parts
     */
    public void coefficientsToSlots(double[] coeffs, double[] reOut, double[] imOut) {
        if (coeffs == null || coeffs.length != ringDegree) {
            throw new IllegalArgumentException("expected " + ringDegree + " coefficients, got "
                    + (coeffs == null ? "null" : coeffs.length));
        }
        checkSlotOutput(reOut, "reOut");
        checkSlotOutput(imOut, "imOut");
        int[] rev = bitReverse;
        for (int k = 0; k < slots; k++) {
            int r = rev[k];
            reOut[r] = coeffs[k];
            imOut[r] = coeffs[k + slots];
        }
        forward(reOut, imOut);
    }

    /** Decimation in time over bit-reversed input; output in natural slot order. */
    private void forward(double[] re, double[] im) {
        double[] tr = twiddleRe;
        double[] ti = twiddleIm;
        int n = slots;
        for (int half = 1; half < n; half <<= 1) {
            int len = half << 1;
            for (int start = 0; start < n; start += len) {
                for (int j = 0; j < half; j++) {
                    int a = start + j;
                    int b = a + half;
                    double wr = tr[half + j];
                    double wi = ti[half + j];
                    double vr = re[b] * wr - im[b] * wi;
                    double vi = re[b] * wi + im[b] * wr;
                    double ur = re[a];
                    double ui = im[a];
                    re[a] = ur + vr;
                    im[a] = ui + vi;
                    re[b] = ur - vr;
                    im[b] = ui - vi;
                }
            }
        }
    }

    /**
     * Undoes {@link #forward} stage by stage, omitting the factor 1/2 of each inverse butterfly
     * (applied once at the end as 1/(N/2)); output stays in bit-reversed order.
     */
    private void inverse(double[] re, double[] im) {
        double[] tr = twiddleRe;
        double[] ti = twiddleIm;
        int n = slots;
        for (int half = n >> 1; half >= 1; half >>= 1) {
            int len = half << 1;
            for (int start = 0; start < n; start += len) {
                for (int j = 0; j < half; j++) {
                    int a = start + j;
                    int b = a + half;
                    double wr = tr[half + j];
                    double wi = ti[half + j];
                    double sr = re[a] + re[b];
                    double si = im[a] + im[b];
                    double dr = re[a] - re[b];
                    double di = im[a] - im[b];
                    re[a] = sr;
                    im[a] = si;
                    // multiply by the conjugate twiddle (|w| = 1, so conj(w) = 1/w)
                    re[b] = dr * wr + di * wi;
                    im[b] = di * wr - dr * wi;
                }
            }
        }
    }

    private void checkSlotInput(double[] values, String name) {
        if (values == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (values.length > slots) {
            throw new IllegalArgumentException(name + " has " + values.length
                    + " values, more than the " + slots + " slots of N = " + ringDegree);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] is not finite: " + values[i]);
            }
        }
    }

    private void checkSlotOutput(double[] values, String name) {
        if (values == null || values.length != slots) {
            throw new IllegalArgumentException(name + " must have exactly " + slots + " entries, got "
                    + (values == null ? "null" : values.length));
        }
    }
}
