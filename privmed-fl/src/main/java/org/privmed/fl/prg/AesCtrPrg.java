package org.privmed.fl.prg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A pseudorandom generator: the AES-256-CTR keystream under a 32-byte seed, starting from a zero
 * counter block. Used both to expand SecAgg+ mask seeds (where client and coordinator must derive
 * the same stream from the same seed) and, seeded from {@link SecureRandom}, as the fast generator
 * behind DP noise and stochastic quantization (where only unpredictability matters).
 *
 * <p>Each seed must drive one stream only: callers derive distinct seeds (HKDF) for distinct uses.
 * Not thread-safe.
 */
public final class AesCtrPrg {
    public static final int SEED_BYTES = 32;
    private static final int BUFFER_BYTES = 1 << 14;
    /** Largest tile {@link #addInts(int[], int, int, int)} takes: one keystream buffer of words. */
    public static final int MAX_TILE_INTS = BUFFER_BYTES / 4;
    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final Cipher cipher;
    /** The plaintext the keystream encrypts; only ever read, so all generators share it. */
    private static final byte[] ZEROS = new byte[BUFFER_BYTES];
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position = BUFFER_BYTES;

    public AesCtrPrg(byte[] seed) {
        if (seed == null || seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("PRG seed must be " + SEED_BYTES + " bytes, got "
                    + (seed == null ? "null" : seed.length));
        }
        try {
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(new byte[16]));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is not available in this JDK", e);
        }
    }

    /** A generator whose seed is drawn from {@code random} (use a {@link SecureRandom} outside tests). */
    public static AesCtrPrg seededFrom(SecureRandom random) {
        byte[] seed = new byte[SEED_BYTES];
        random.nextBytes(seed);
        return new AesCtrPrg(seed);
    }

    /** A generator seeded from a fresh {@link SecureRandom}. */
    public static AesCtrPrg secure() {
        return seededFrom(new SecureRandom());
    }

    /** Writes the next {@code out.length} keystream bytes. */
    public void nextBytes(byte[] out) {
        nextBytes(out, 0, out.length);
    }

    private void nextBytes(byte[] out, int offset, int length) {
        int off = offset;
        int end = offset + length;
        while (off < end) {
            if (position == BUFFER_BYTES) {
                // Whole blocks go straight from the cipher into the caller's array: no extra copy.
                while (end - off >= BUFFER_BYTES) {
                    keystreamInto(out, off);
                    off += BUFFER_BYTES;
                }
                if (off == end) return;
                keystreamInto(buffer, 0);
                position = 0;
            }
            int n = Math.min(end - off, BUFFER_BYTES - position);
            System.arraycopy(buffer, position, out, off, n);
            position += n;
            off += n;
        }
    }

    /** Fills {@code out} with uniform 32-bit words (little-endian keystream words). */
    public void nextInts(int[] out) {
        nextInts(out, 0, out.length);
    }

    /** Fills {@code out[offset, offset+length)} with uniform 32-bit words. */
    public void nextInts(int[] out, int offset, int length) {
        byte[] chunk = new byte[Math.min(length, BUFFER_BYTES) * 4];
        int done = 0;
        while (done < length) {
            int n = Math.min(length - done, chunk.length / 4);
            nextBytes(chunk, 0, n * 4);
            for (int i = 0; i < n; i++) out[offset + done + i] = (int) LE_INT.get(chunk, i * 4);
            done += n;
        }
    }

    /** Adds (sign &gt; 0) or subtracts the next {@code target.length} words to {@code target}, mod 2³². */
    public void addInts(int[] target, int sign) {
        byte[] chunk = new byte[Math.min(target.length, BUFFER_BYTES) * 4];
        int done = 0;
        while (done < target.length) {
            int n = Math.min(target.length - done, chunk.length / 4);
            nextBytes(chunk, 0, n * 4);
            if (sign > 0) {
                for (int i = 0; i < n; i++) target[done + i] += (int) LE_INT.get(chunk, i * 4);
            } else {
                for (int i = 0; i < n; i++) target[done + i] -= (int) LE_INT.get(chunk, i * 4);
            }
            done += n;
        }
    }

    /**
     * Adds (sign &gt; 0) or subtracts the next {@code length} words to {@code target[offset, offset+length)},
     * mod 2³², through {@code scratch} (at least 4·length bytes), which callers applying many streams
     * to one tile share so that the tile's working set stays in cache. {@code length} must be at
     * most {@link #MAX_TILE_INTS}.
     */
    public void addInts(int[] target, int offset, int length, int sign, byte[] scratch) {
        if (length > MAX_TILE_INTS || scratch.length < length * 4) {
            throw new IllegalArgumentException("tile of " + length + " words (at most " + MAX_TILE_INTS + ") with " + scratch.length + " scratch bytes");
        }
        nextBytes(scratch, 0, length * 4);
        if (sign > 0) {
            for (int i = 0; i < length; i++) target[offset + i] += (int) LE_INT.get(scratch, i * 4);
        } else {
            for (int i = 0; i < length; i++) target[offset + i] -= (int) LE_INT.get(scratch, i * 4);
        }
    }

    public int nextInt() {
        if (BUFFER_BYTES - position < 4) refillKeepingTail();
        int v = (int) LE_INT.get(buffer, position);
        position += 4;
        return v;
    }

    public long nextLong() {
        return ((long) nextInt() << 32) | (nextInt() & 0xffffffffL);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    public boolean nextBoolean() {
        return nextInt() < 0;
    }

    /** Uniform in [0, bound) without modulo bias (rejection of the incomplete top range). */
    public long nextLong(long bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be > 0, got " + bound);
        // [threshold, 2^64) holds an exact multiple of bound values; the 2^64 mod bound below it are redrawn.
        long threshold = Long.remainderUnsigned(-bound, bound);
        while (true) {
            long r = nextLong();
            if (Long.compareUnsigned(r, threshold) >= 0) return Long.remainderUnsigned(r, bound);
        }
    }

    private void refill() {
        keystreamInto(buffer, 0);
        position = 0;
    }

    private void keystreamInto(byte[] out, int offset) {
        try {
            int n = cipher.update(ZEROS, 0, BUFFER_BYTES, out, offset);
            if (n != BUFFER_BYTES) throw new IllegalStateException("AES-CTR returned " + n + " bytes, expected " + BUFFER_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR keystream failed", e);
        }
    }

    private void refillKeepingTail() {
        // Fewer than four bytes are left: drop them (they are never reused) and start a new block.
        refill();
    }
}
