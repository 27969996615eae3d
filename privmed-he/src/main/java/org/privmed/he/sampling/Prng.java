package org.privmed.he.sampling;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Deterministic random bit generator: the AES-256-CTR keystream under a 32-byte seed used as the key.
 *
 * <p>This is the "uniform polynomial expanded from a seed" primitive of RLWE implementations: a public
 * key, a key-switching key or a symmetric ciphertext stores only the seed of its uniform component
 * {@code a}, and anybody holding the seed regenerates the same {@code a} (the seeded-ciphertext trick of
 * Microsoft SEAL and Lattigo's keyed PRNG). Security rests on AES as a PRF: the keystream of a secret,
 * uniformly random key is indistinguishable from random (NIST SP 800-38A counter mode; the construction
 * is the core of NIST SP 800-90A CTR_DRBG without derivation function). The counter starts at zero for
 * every seed; that is safe because each seed is a fresh 256-bit key, never reused with another purpose.
 *
 * <p>Sampling mod q uses rejection on the smallest power-of-two mask covering q, so every residue is
 * exactly equally likely (no modulo bias); the expected number of draws per output is below 2.
 *
 * <p>Not thread-safe: one instance per thread or per polynomial.
 */
public final class Prng {

    /** Seed (AES-256 key) length in bytes. */
    public static final int SEED_BYTES = 32;

    /** Keystream is produced in blocks this large so the JDK cipher call cost is amortised. */
    private static final int BUFFER_BYTES = 8192;

    private static final byte[] ZEROS = new byte[BUFFER_BYTES];
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final SecureRandom SEED_SOURCE = new SecureRandom();

    private final byte[] seed;
    private final Cipher cipher;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position = BUFFER_BYTES;

    /**
     * A generator whose stream is fully determined by {@code seed32}.
     *
     * @param seed32 exactly 32 bytes; copied
     */
    public Prng(byte[] seed32) {
        if (seed32 == null) {
            throw new IllegalArgumentException("seed must not be null");
        }
        if (seed32.length != SEED_BYTES) {
            throw new IllegalArgumentException(
                    "seed must be " + SEED_BYTES + " bytes, got " + seed32.length);
        }
        this.seed = seed32.clone();
        try {
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"),
                    new IvParameterSpec(new byte[16]));
        } catch (GeneralSecurityException e) {
            // every Java SE platform must provide AES/CTR; reaching here means a broken JDK
            throw new IllegalStateException("AES/CTR/NoPadding with a 256-bit key is unavailable", e);
        }
    }

    /** A generator under a fresh seed drawn from {@link SecureRandom} at this call. */
    public static Prng fromSecureRandom() {
        byte[] s = new byte[SEED_BYTES];
        SEED_SOURCE.nextBytes(s);
        Prng prng = new Prng(s);
        Arrays.fill(s, (byte) 0);
        return prng;
    }

    /**
     * A fresh 32-byte seed from {@link SecureRandom}, for a generator built later: cheaper than
     * {@code fromSecureRandom().seed()}, which would set up a cipher only to read its key back.
     */
    public static byte[] freshSeed() {
        byte[] s = new byte[SEED_BYTES];
        SEED_SOURCE.nextBytes(s);
        return s;
    }

    /** A copy of the seed, for storing a seeded object. */
    public byte[] seed() {
        return seed.clone();
    }

    /** The next 64 keystream bits as a long (little-endian). */
    public long nextLong() {
        if (position > BUFFER_BYTES - Long.BYTES) {
            refill();
        }
        long v = (long) LONG_LE.get(buffer, position);
        position += Long.BYTES;
        return v;
    }

    /** Fills {@code out} with the next keystream bytes. */
    public void nextBytes(byte[] out) {
        int done = 0;
        while (done < out.length) {
            if (position == BUFFER_BYTES) {
                refill();
            }
            int take = Math.min(out.length - done, BUFFER_BYTES - position);
            System.arraycopy(buffer, position, out, done, take);
            position += take;
            done += take;
        }
    }

    /**
     * Fills {@code out} with independent values uniform in {@code [0, q)}.
     *
     * @param q modulus, at least 2
     */
    public void uniformModQ(long q, long[] out) {
        if (q < 2) {
            throw new IllegalArgumentException("modulus q must be at least 2, got " + q);
        }
        long mask = -1L >>> Long.numberOfLeadingZeros(q - 1);
        byte[] buf = buffer;
        for (int i = 0; i < out.length; ) {
            if (position > BUFFER_BYTES - Long.BYTES) {
                refill();
            }
            long x = ((long) LONG_LE.get(buf, position)) & mask;
            position += Long.BYTES;
            if (x < q) {
                out[i++] = x;
            }
        }
    }

    /** A double uniform in [0, 1) with 53 random bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    private void refill() {
        // keep any unread tail so no keystream byte is skipped
        int tail = BUFFER_BYTES - position;
        if (tail > 0) {
            System.arraycopy(buffer, position, buffer, 0, tail);
        }
        try {
            int produced = cipher.update(ZEROS, 0, BUFFER_BYTES - tail, buffer, tail);
            if (produced != BUFFER_BYTES - tail) {
                throw new IllegalStateException(
                        "AES-CTR produced " + produced + " keystream bytes, expected " + (BUFFER_BYTES - tail));
            }
        } catch (ShortBufferException e) {
            throw new IllegalStateException("keystream buffer too small", e);
        }
        position = 0;
    }
}
