package org.privmed.fl.secagg;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Shamir t-out-of-n secret sharing (Shamir 1979, "How to Share a Secret") of 32-byte secrets over
 * GF(p) with p = 2²⁵⁶ + 297, the smallest prime above 2²⁵⁶, so every 32-byte string is a field
 * element. A share is (x, f(x)) for a random polynomial f of degree t − 1 with f(0) = secret;
 * any t shares determine f by Lagrange interpolation at 0, any t − 1 are uniformly distributed
 * and independent of the secret. Share values are encoded as 33 big-endian bytes.
 */
public final class ShamirSecretSharing {
    public static final BigInteger PRIME = BigInteger.ONE.shiftLeft(256).add(BigInteger.valueOf(297));
    public static final int SECRET_BYTES = 32;
    public static final int SHARE_BYTES = 33;
    private static final BigInteger SECRET_LIMIT = BigInteger.ONE.shiftLeft(256);

    private ShamirSecretSharing() {}

    /** One share: the evaluation point x ≥ 1 and f(x). */
    public record Share(int x, BigInteger y) {
        public Share {
            if (x < 1) throw new IllegalArgumentException("share x must be >= 1, got " + x);
            if (y == null || y.signum() < 0 || y.compareTo(PRIME) >= 0) {
                throw new IllegalArgumentException("share value must be in [0, p), got " + y);
            }
        }
    }

    /** Splits {@code secret} into one share per point in {@code xs}; any {@code threshold} of them reconstruct it. */
    public static List<Share> split(byte[] secret, int threshold, int[] xs, SecureRandom random) {
        if (secret == null || secret.length != SECRET_BYTES) {
            throw new IllegalArgumentException("secret must be " + SECRET_BYTES + " bytes, got " + (secret == null ? "null" : secret.length));
        }
        if (threshold < 1) throw new IllegalArgumentException("threshold must be >= 1, got " + threshold);
        if (xs.length < threshold) throw new IllegalArgumentException("only " + xs.length + " share points for threshold " + threshold);
        Set<Integer> seen = new HashSet<>();
        for (int x : xs) {
            if (x < 1) throw new IllegalArgumentException("share point must be >= 1, got " + x);
            if (!seen.add(x)) throw new IllegalArgumentException("duplicate share point " + x);
        }
        BigInteger[] coefficients = new BigInteger[threshold];
        coefficients[0] = new BigInteger(1, secret);
        for (int i = 1; i < threshold; i++) coefficients[i] = uniformFieldElement(random);
        List<Share> shares = new ArrayList<>(xs.length);
        for (int x : xs) shares.add(new Share(x, evaluate(coefficients, BigInteger.valueOf(x))));
        return shares;
    }

    /**
     * Reconstructs the secret from at least {@code threshold} shares with distinct points. When more
     * are given, every extra share must lie on the same polynomial, so a corrupted share is caught
     * instead of silently producing a wrong secret.
     */
    public static byte[] reconstruct(List<Share> shares, int threshold) {
        if (threshold < 1) throw new IllegalArgumentException("threshold must be >= 1, got " + threshold);
        if (shares == null || shares.size() < threshold) {
            throw new IllegalArgumentException("need " + threshold + " shares to reconstruct, got " + (shares == null ? 0 : shares.size()));
        }
        Set<Integer> seen = new HashSet<>();
        for (Share s : shares) {
            if (!seen.add(s.x())) throw new IllegalArgumentException("duplicate share point " + s.x());
        }
        List<Share> basis = shares.subList(0, threshold);
        for (Share extra : shares.subList(threshold, shares.size())) {
            // f(x) = n/d is checked as n = y·d: no field inversion per surplus share.
            BigInteger[] f = interpolateFraction(basis, BigInteger.valueOf(extra.x()));
            if (!f[0].equals(extra.y().multiply(f[1]).mod(PRIME))) {
                throw new IllegalArgumentException("share at x=" + extra.x() + " is inconsistent with the others");
            }
        }
        BigInteger secret = interpolate(basis, BigInteger.ZERO);
        if (secret.compareTo(SECRET_LIMIT) >= 0) {
            throw new IllegalArgumentException("reconstructed value is not a 32-byte secret: the shares are corrupt or mismatched");
        }
        return toFixedBytes(secret, SECRET_BYTES);
    }

    public static byte[] encodeValue(BigInteger y) {
        return toFixedBytes(y, SHARE_BYTES);
    }

    public static BigInteger decodeValue(byte[] encoded) {
        if (encoded == null || encoded.length != SHARE_BYTES) {
            throw new IllegalArgumentException("share value must be " + SHARE_BYTES + " bytes, got " + (encoded == null ? "null" : encoded.length));
        }
        BigInteger y = new BigInteger(1, encoded);
        if (y.compareTo(PRIME) >= 0) throw new IllegalArgumentException("share value is not below the field prime");
        return y;
    }

    /** f(at) for the polynomial through {@code points}, by Lagrange interpolation mod p. */
    static BigInteger interpolate(List<Share> points, BigInteger at) {
        BigInteger[] f = interpolateFraction(points, at);
        return f[0].multiply(f[1].modInverse(PRIME)).mod(PRIME);
    }

    /**
     * f(at) as a fraction {n, d} mod p: the Lagrange terms y_i·num_i/den_i over the common
     * denominator d = Π den_i, so one inversion (or none, to compare) replaces one per term.
     */
    private static BigInteger[] interpolateFraction(List<Share> points, BigInteger at) {
        int n = points.size();
        BigInteger[] num = new BigInteger[n];
        BigInteger[] den = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            BigInteger xi = BigInteger.valueOf(points.get(i).x());
            num[i] = BigInteger.ONE;
            den[i] = BigInteger.ONE;
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                BigInteger xj = BigInteger.valueOf(points.get(j).x());
                num[i] = num[i].multiply(at.subtract(xj)).mod(PRIME);
                den[i] = den[i].multiply(xi.subtract(xj)).mod(PRIME);
            }
        }
        // prefix[i]·suffix[i+1] = Π_{k≠i} den_k
        BigInteger[] prefix = new BigInteger[n + 1];
        BigInteger[] suffix = new BigInteger[n + 1];
        prefix[0] = BigInteger.ONE;
        suffix[n] = BigInteger.ONE;
        for (int i = 0; i < n; i++) prefix[i + 1] = prefix[i].multiply(den[i]).mod(PRIME);
        for (int i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1].multiply(den[i]).mod(PRIME);
        BigInteger sum = BigInteger.ZERO;
        for (int i = 0; i < n; i++) {
            sum = sum.add(points.get(i).y().multiply(num[i]).mod(PRIME).multiply(prefix[i].multiply(suffix[i + 1]).mod(PRIME))).mod(PRIME);
        }
        return new BigInteger[] {sum, prefix[n]};
    }

    private static BigInteger evaluate(BigInteger[] coefficients, BigInteger x) {
        BigInteger acc = BigInteger.ZERO;
        for (int i = coefficients.length - 1; i >= 0; i--) acc = acc.multiply(x).add(coefficients[i]).mod(PRIME);
        return acc;
    }

    /** Rejection sampling on 257-bit strings: exactly uniform on [0, p). */
    private static BigInteger uniformFieldElement(SecureRandom random) {
        while (true) {
            BigInteger candidate = new BigInteger(257, random);
            if (candidate.compareTo(PRIME) < 0) return candidate;
        }
    }

    private static byte[] toFixedBytes(BigInteger v, int length) {
        byte[] raw = v.toByteArray();
        if (raw.length == length) return raw;
        if (raw.length == length + 1 && raw[0] == 0) return Arrays.copyOfRange(raw, 1, raw.length);
        if (raw.length > length) throw new IllegalArgumentException("value does not fit in " + length + " bytes");
        byte[] out = new byte[length];
        System.arraycopy(raw, 0, out, length - raw.length, raw.length);
        return out;
    }
}
