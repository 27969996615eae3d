package org.privmed.he.ckks;

import java.math.BigInteger;
import org.privmed.he.math.Modulus;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;

/**
 * Encodes up to N/2 complex (or real) slots into a plaintext and back (Cheon, Kim, Kim, Song,
 * ASIACRYPT 2017, Sec. 3.1, in the RNS form of Cheon, Han, Kim, Kim, Song, SAC 2018, Sec. 4).
 *
 * <p>Encoding: the special FFT gives the N real coefficients whose canonical embedding is the slot
 * vector; each is multiplied by the scale, rounded, reduced modulo every prime of the level (values
 * beyond 2^62 exactly, through {@link ScaledIntegers}) and the limbs are transformed to NTT form.
 *
 * <p>Decoding: after the inverse NTT the coefficients are lifted from RNS to signed reals with
 * Garner's mixed-radix conversion, using only the first k primes with log2(q_0…q_(k-1)) ≥
 * log2(scale) + {@value #HEADROOM_BITS} (a coefficient is recovered exactly from k primes if it is
 * below half their product). If some lifted coefficient comes out larger than that product / 2^10,
 * the value may have wrapped and the lift is redone with every prime of the level.
 */
public final class CkksEncoder {
    /** Bits of message magnitude (above the scale) that the shortened CRT lift still recovers. */
    static final int HEADROOM_BITS = 60;

    private final CkksContext ctx;
    private final SpecialFft fft;
    private final RnsBasis q;
    private final int n;
    // garnerInv[i][j] = q_j^-1 mod q_i for j < i, with Shoup companions
    private final long[][] garnerInv;
    private final long[][] garnerInvShoup;

    public CkksEncoder(CkksContext ctx) {
        this.ctx = ctx;
        this.fft = ctx.fft();
        this.q = ctx.rlwe().q();
        this.n = ctx.ringDegree();
        int k = q.size();
        garnerInv = new long[k][];
        garnerInvShoup = new long[k][];
        for (int i = 0; i < k; i++) {
            Modulus mi = q.modulus(i);
            garnerInv[i] = new long[i];
            garnerInvShoup[i] = new long[i];
            for (int j = 0; j < i; j++) {
                garnerInv[i][j] = mi.inverse(mi.reduce(q.modulus(j).value()));
                garnerInvShoup[i][j] = mi.shoup(garnerInv[i][j]);
            }
        }
    }

    /** Encodes real values at the top level and default scale. */
    public Plaintext encode(double[] values) {
        return encode(values, new double[0], ctx.maxLevel(), ctx.params().defaultScale());
    }

    public Plaintext encode(double[] values, int level, double scale) {
        return encode(values, new double[0], level, scale);
    }

    /**
     * Encodes re[j] + i·im[j] into slot j (missing slots are zero).
     */
    public Plaintext encode(double[] re, double[] im, int level, double scale) {
        ctx.rlwe().checkLevel(level);
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and positive, got " + scale);
        }
        int slots = ctx.slots();
        if (re.length > slots || im.length > slots) {
            throw new IllegalArgumentException("at most " + slots + " slots, got " + re.length + " real and "
                    + im.length + " imaginary values");
        }
        for (int j = 0; j < re.length; j++) ScaledIntegers.checkFinite(re[j], "real part of slot " + j);
        for (int j = 0; j < im.length; j++) ScaledIntegers.checkFinite(im[j], "imaginary part of slot " + j);
        double[] coeffs = fft.slotsToCoefficients(re, im);
        return encodeCoefficients(coeffs, level, scale);
    }

    /**
     * round(scale · coefficient) of the encoding of real slot values, as one word each; null when
     * some coefficient reaches 2^62 (then only {@link #encode} represents it exactly).
     */
    long[] roundedCoefficients(double[] values, int level, double scale) {
        ctx.rlwe().checkLevel(level);
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and positive, got " + scale);
        }
        if (values.length > ctx.slots()) {
            throw new IllegalArgumentException("at most " + ctx.slots() + " slots, got " + values.length
                    + " values");
        }
        for (int j = 0; j < values.length; j++) ScaledIntegers.checkFinite(values[j], "slot " + j);
        double[] coeffs = fft.slotsToCoefficients(values, new double[0]);
        long[] ints = new long[n];
        for (int j = 0; j < n; j++) {
            double v = Math.rint(coeffs[j] * scale);
            if (!(Math.abs(v) < ScaledIntegers.ONE_WORD_LIMIT)) {
                return null;
            }
            ints[j] = (long) v;
        }
        return ints;
    }

    /** Encodes N real coefficients (already in the coefficient domain), multiplying them by the scale. */
    Plaintext encodeCoefficients(double[] coeffs, int level, double scale) {
        int limbs = level + 1;
        long[] ints = new long[n];
        boolean big = false;
        for (int j = 0; j < n; j++) {
            double v = Math.rint(coeffs[j] * scale);
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("coefficient " + j + " times scale " + scale + " is not finite");
            }
            if (Math.abs(v) < ScaledIntegers.ONE_WORD_LIMIT) {
                ints[j] = (long) v;
            } else {
                big = true;
            }
        }
        RnsPoly poly = new RnsPoly(n, limbs, false);
        final boolean anyBig = big;
        ctx.rlwe().parallelism().forEach(limbs, i -> {
            Modulus m = q.modulus(i);
            long[] z = poly.limb(i);
            for (int j = 0; j < n; j++) z[j] = m.reduceSigned(ints[j]);
            if (anyBig) {
                for (int j = 0; j < n; j++) {
                    double v = Math.rint(coeffs[j] * scale);
                    if (Math.abs(v) >= ScaledIntegers.ONE_WORD_LIMIT) z[j] = ScaledIntegers.residue(v, m);
                }
            }
            q.ntt(i).forward(z);
        });
        poly.setNtt(true);
        return new Plaintext(poly, scale, ctx.paramsId());
    }

    /** Decodes all N/2 slots: {real parts, imaginary parts}. */
    public double[][] decode(Plaintext pt) {
        ctx.checkParams(pt.paramsId(), "plaintext");
        double[] coeffs = decodeCoefficients(pt);
        double[] re = new double[ctx.slots()];
        double[] im = new double[ctx.slots()];
        fft.coefficientsToSlots(coeffs, re, im);
        return new double[][] {re, im};
    }

    /** Real parts of all N/2 slots. */
    public double[] decodeReal(Plaintext pt) {
        return decode(pt)[0];
    }

    /** The plaintext's coefficients as signed reals divided by its scale. */
    double[] decodeCoefficients(Plaintext pt) {
        int level = pt.level();
        RnsPoly c = pt.poly().copy();
        ctx.rlwe().qAtLevel(level).fromNtt(c);
        double logScale = Math.log(pt.scale()) / Math.log(2);
        int k = 0;
        double bits = 0;
        while (k <= level && bits < logScale + HEADROOM_BITS) {
            bits += Math.log(q.modulus(k).value()) / Math.log(2);
            k++;
        }
        double[] out = new double[n];
        if (!lift(c, k, bits, out) && k < level + 1) {
            double all = 0;
            for (int i = 0; i <= level; i++) all += Math.log(q.modulus(i).value()) / Math.log(2);
            lift(c, level + 1, all, out);
        }
        double inv = 1.0 / pt.scale();
        for (int j = 0; j < n; j++) out[j] *= inv;
        return out;
    }

    /**
     * Garner lift over the first k primes into out; returns false if some value is within a factor
     * 2^10 of the representable bound, i.e. it may have wrapped around.
     */
    private boolean lift(RnsPoly c, int k, double logProduct, double[] out) {
        double limit = Math.pow(2, logProduct - 10);
        long[] digits = new long[k];
        boolean safe = true;
        long q0 = q.modulus(0).value();
        for (int j = 0; j < n; j++) {
            if (k == 1) {
                long x = c.limb(0)[j];
                out[j] = x > (q0 >>> 1) ? -(double) (q0 - x) : (double) x;
            } else {
                for (int i = 0; i < k; i++) {
                    Modulus mi = q.modulus(i);
                    long qi = mi.value();
                    long t = c.limb(i)[j];
                    for (int t2 = 0; t2 < i; t2++) {
                        long d = t - mi.reduce(digits[t2]);
                        d += (d >> 63) & qi;
                        t = mi.mulShoup(d, garnerInv[i][t2], garnerInvShoup[i][t2]);
                    }
                    digits[i] = t;
                }
                // sign: the value is negative iff it is at least half the product, which the top digit decides
                // (up to values within q_0…q_(k-2) of the half, far beyond the range we accept)
                long top = q.modulus(k - 1).value();
                boolean negative = digits[k - 1] >= (top + 1) / 2;
                double v = 0;
                for (int i = k - 1; i >= 0; i--) {
                    long qi = q.modulus(i).value();
                    long d = negative ? qi - 1 - digits[i] : digits[i];
                    v = v * qi + d;
                }
                out[j] = negative ? -(v + 1) : v;
            }
            if (Math.abs(out[j]) > limit) safe = false;
        }
        return safe;
    }

    /** Exact signed coefficient j of a plaintext over all its primes (slow; for tests). */
    BigInteger exactCoefficient(Plaintext pt, int j) {
        RnsPoly c = pt.poly().copy();
        ctx.rlwe().qAtLevel(pt.level()).fromNtt(c);
        BigInteger prod = BigInteger.ONE;
        BigInteger x = BigInteger.ZERO;
        for (int i = 0; i <= pt.level(); i++) prod = prod.multiply(BigInteger.valueOf(q.modulus(i).value()));
        for (int i = 0; i <= pt.level(); i++) {
            BigInteger qi = BigInteger.valueOf(q.modulus(i).value());
            BigInteger hat = prod.divide(qi);
            x = x.add(BigInteger.valueOf(c.limb(i)[j]).multiply(hat).multiply(hat.modInverse(qi)));
        }
        x = x.mod(prod);
        return x.compareTo(prod.shiftRight(1)) > 0 ? x.subtract(prod) : x;
    }
}
