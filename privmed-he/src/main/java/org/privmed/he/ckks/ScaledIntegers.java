package org.privmed.he.ckks;

import org.privmed.he.math.Modulus;
import org.privmed.he.ring.RnsBasis;

/**
 * Residues of rounded real numbers. Values below 2^62 in magnitude take the one-word path; larger
 * ones are split exactly as mantissa·2^exponent (every double that large is an integer) and reduced
 * as (mantissa mod q)·(2^exponent mod q), so no precision is lost whatever the size.
 */
final class ScaledIntegers {
    static final double ONE_WORD_LIMIT = 0x1p62;

    private ScaledIntegers() {
    }

    static void checkFinite(double v, String what) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " is not finite: " + v);
        }
    }

    /** round(v) mod q for a finite v of any magnitude. */
    static long residue(double v, Modulus m) {
        double r = Math.rint(v);
        if (Math.abs(r) < ONE_WORD_LIMIT) {
            return m.reduceSigned((long) r);
        }
        long bits = Double.doubleToRawLongBits(r);
        int exponent = (int) ((bits >>> 52) & 0x7ff) - 1075;
        long mantissa = (bits & ((1L << 52) - 1)) | (1L << 52);
        long res = m.mul(m.reduce(mantissa), m.pow(2, exponent));
        return bits < 0 ? m.neg(res) : res;
    }

    /** round(v) modulo each of the first {@code limbs} primes of a basis. */
    static long[] residues(double v, RnsBasis basis, int limbs) {
        long[] out = new long[limbs];
        for (int i = 0; i < limbs; i++) out[i] = residue(v, basis.modulus(i));
        return out;
    }
}
