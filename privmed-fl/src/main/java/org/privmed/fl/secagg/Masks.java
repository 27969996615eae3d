package org.privmed.fl.secagg;

import org.privmed.fl.prg.AesCtrPrg;

/**
 * Expands a 32-byte seed into a mask vector in Z_{2³²}^d with AES-256-CTR and adds or subtracts it
 * in place. Java int arithmetic wraps, which is exactly addition mod 2³²; the mask is streamed in
 * 64 KB chunks so a 1M-word vector never needs a second 4 MB buffer.
 */
final class Masks {
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
        new AesCtrPrg(seed).addInts(target, sign);
    }
}
