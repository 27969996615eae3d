package org.privmed.he.math;

import java.math.BigInteger;

/**
 * A word-size modulus q with 2 &lt;= q &lt; 2^61 (prime or not) and the constants that make modular
 * multiplication cheap.
 *
 * <p>Two reductions are offered. {@link #mul} is a Barrett reduction (Barrett, CRYPTO 1986; the
 * 128-bit variant as in Menezes et al., Handbook of Applied Cryptography, Alg. 14.42) specialised to
 * q &lt; 2^61: the 122-bit product is shifted right by k-2 bits (k the bit length of q) so that the
 * quotient estimate needs a single {@link Math#multiplyHigh} of two non-negative longs. {@link
 * #mulShoup} is Shoup's multiplication by a precomputed constant (as analysed in Harvey, "Faster
 * arithmetic for number-theoretic transforms", J. Symb. Comp. 2014, Alg. 2), which costs two
 * multiplications and leaves a result in [0, 2q) before the final correction.
 *
 * <p>The bound 2^61 leaves two spare bits so that lazy values in [0, 4q) still fit a signed long.
 */
public final class Modulus {
    /** Largest supported bit length; lazy NTT butterflies keep values below 4q &lt; 2^63. */
    public static final int MAX_BITS = 61;

    private final long q;
    private final int bits;
    private final int shift;       // k - 2 (or 0): product >> shift fits 63 bits
    private final long barrettMu;  // floor((2^(shift+64) - 1) / q) < 2^63
    private final long ratio64;    // floor((2^64 - 1) / q) clipped to 2^63 - 1, for 63-bit inputs
    private final long twoPow64ModQ;
    private final long qInverse64;  // q^-1 mod 2^64 (odd q only)

    public Modulus(long q) {
        if (q < 2 || q >= (1L << MAX_BITS)) {
            throw new IllegalArgumentException("modulus must be in [2, 2^61), got " + q);
        }
        this.q = q;
        this.bits = 64 - Long.numberOfLeadingZeros(q);
        this.shift = Math.max(bits - 2, 0);
        BigInteger num = BigInteger.ONE.shiftLeft(shift + 64).subtract(BigInteger.ONE);
        this.barrettMu = num.divide(BigInteger.valueOf(q)).longValueExact();
        BigInteger r = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE).divide(BigInteger.valueOf(q));
        this.ratio64 = r.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
        this.twoPow64ModQ = BigInteger.ONE.shiftLeft(64).mod(BigInteger.valueOf(q)).longValue();
        long inv = q; // Newton iteration for the inverse modulo 2^64: each step doubles the correct bits
        for (int i = 0; i < 6; i++) inv *= 2 - q * inv;
        this.qInverse64 = (q & 1) == 1 ? inv : 0;
    }

    public long value() {
        return q;
    }

    public int bitLength() {
        return bits;
    }

    /** x mod q for 0 &lt;= x &lt; 2^63. */
    public long reduce(long x) {
        long est = Math.multiplyHigh(x, ratio64);
        long r = x - est * q;
        // the estimate is at most 2 below the true quotient
        if (r >= q) r -= q;
        if (r >= q) r -= q;
        return r;
    }

    /**
     * Every value of {@code x} in [0, 2^63) brought to [0, q) in place: the end of a lazy sum whose
     * terms were added without a correction each.
     */
    public void reduce(long[] x) {
        for (int c = 0; c < x.length; c++) x[c] = reduce(x[c]);
    }

    /** x mod q for any signed x, result in [0, q). */
    public long reduceSigned(long x) {
        if (x >= 0) return reduce(x);
        long r = reduce(-(x + 1)); // -(x+1) >= 0 even for Long.MIN_VALUE
        return r == q - 1 ? 0 : q - 1 - r;
    }

    /** a*b mod q for 0 &lt;= a, b &lt; q. */
    public long mul(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return reduce128(hi, lo);
    }

    /** (hi*2^64 + lo) mod q for a 128-bit value below q^2 (a product of two values below q). */
    long reduce128(long hi, long lo) {
        long t = shift == 0 ? lo : (hi << (64 - shift)) | (lo >>> shift);
        long est = Math.multiplyHigh(t, barrettMu);
        long r = lo - est * q;
        if (r >= q) r -= q;
        if (r >= q) r -= q;
        return r;
    }

    /** floor((2^64 - 1) / q), the Barrett constant of {@link #reduce}; for callers that inline it. */
    long ratio64() {
        return ratio64;
    }

    public long add(long a, long b) {
        long s = a + b;
        return s >= q ? s - q : s;
    }

    public long sub(long a, long b) {
        long d = a - b;
        return d < 0 ? d + q : d;
    }

    public long neg(long a) {
        return a == 0 ? 0 : q - a;
    }

    public long pow(long base, long exponent) {
        if (exponent < 0) {
            throw new IllegalArgumentException("exponent must be non-negative, got " + exponent);
        }
        long b = reduce(base);
        long result = 1 % q;
        long e = exponent;
        while (e != 0) {
            if ((e & 1) != 0) result = mul(result, b);
            b = mul(b, b);
            e >>>= 1;
        }
        return result;
    }

    /** The inverse of a modulo q; throws when gcd(a, q) != 1. */
    public long inverse(long a) {
        long r0 = q, r1 = reduce(a);
        long t0 = 0, t1 = 1;
        while (r1 != 0) {
            long quotient = r0 / r1;
            long tmp = r0 - quotient * r1; r0 = r1; r1 = tmp;
            tmp = t0 - quotient * t1; t0 = t1; t1 = tmp;
        }
        if (r0 != 1) {
            throw new ArithmeticException(a + " is not invertible modulo " + q);
        }
        return t0 < 0 ? t0 + q : t0;
    }

    /** Shoup's precomputed companion of a constant w in [0, q): floor(w * 2^64 / q) as an unsigned long. */
    public long shoup(long w) {
        if (w < 0 || w >= q) {
            throw new IllegalArgumentException("Shoup constant must be in [0, " + q + "), got " + w);
        }
        if ((q & 1) == 0) {
            return BigInteger.valueOf(w).shiftLeft(64).divide(BigInteger.valueOf(q)).longValue();
        }
        // w·2^64 = w'·q + r exactly, so w' ≡ -r·q^-1 (mod 2^64), and w' < 2^64 makes that exact
        long r = mul(w, twoPow64ModQ);
        return -r * qInverse64;
    }

    /** x*w mod q in [0, q) using w' = shoup(w); any x in [0, 2^63). */
    public long mulShoup(long x, long w, long wShoup) {
        long r = mulShoupLazy(x, w, wShoup, q);
        return r >= q ? r - q : r;
    }

    /** x*w mod q in the lazy range [0, 2q); x in [0, 2^63), w' = floor(w*2^64/q) unsigned. */
    public static long mulShoupLazy(long x, long w, long wShoup, long q) {
        long hi = Math.multiplyHigh(x, wShoup) + ((wShoup >> 63) & x);
        return x * w - hi * q;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Modulus && ((Modulus) o).q == q;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(q);
    }

    @Override
    public String toString() {
        return "Modulus(" + q + ", " + bits + " bits)";
    }
}
