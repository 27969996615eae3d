package org.privmed.fl.secagg;

import org.privmed.fl.prg.AesCtrPrg;

/**
 * Expands a 32-byte seed into a mask vector in Z_{2³²}^d with AES-256-CTR and adds or subtracts it
 * in place. Java int arithmetic wraps, which is exactly addition mod 2³²; the mask is streamed in
 * chunks so a 1M-word vector never needs a second 4 MB buffer.
 */
public final class Masks {
    private static final int CHUNK = 1 << 14;

    private Masks() {}

    public static void add(int[] target, byte[] seed) {
        apply(target, seed, 1);
    }

    public static void subtract(int[] target, byte[] seed) {
        apply(target, seed, -1);
    }

    /** The mask itself (for tests and for callers that need it apart). */
    public static int[] expand(byte[] seed, int length) {
        int[] out = new int[length];
        new AesCtrPrg(seed).nextInts(out);
        return out;
    }

    private static void apply(int[] target, byte[] seed, int sign) {
        AesCtrPrg prg = new AesCtrPrg(seed);
        int[] chunk = new int[Math.min(CHUNK, target.length)];
        for (int off = 0; off < target.length; off += chunk.length) {
            int n = Math.min(chunk.length, target.length - off);
            if (n != chunk.length) chunk = new int[n];
            prg.nextInts(chunk);
            if (sign > 0) {
                for (int i = 0; i < n; i++) target[off + i] += chunk[i];
            } else {
                for (int i = 0; i < n; i++) target[off + i] -= chunk[i];
            }
        }
    }
}
