package org.privmed.fl.secagg;

import java.util.List;
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

    /**
     * Adds (+1) or subtracts (−1) the streams of all {@code seeds} at once, tile by tile: each
     * {@link AesCtrPrg#MAX_TILE_INTS}-word tile of {@code target} receives every stream's words
     * while it is in cache, instead of the whole vector passing through memory once per stream.
     * The result is the same as applying the streams one after another (addition mod 2³² commutes).
     */
    public static void applyAll(int[] target, List<byte[]> seeds, int[] signs) {
        if (seeds.size() != signs.length) throw new IllegalArgumentException(seeds.size() + " seeds but " + signs.length + " signs");
        AesCtrPrg[] prgs = new AesCtrPrg[seeds.size()];
        for (int s = 0; s < prgs.length; s++) prgs[s] = new AesCtrPrg(seeds.get(s));
        byte[] scratch = new byte[AesCtrPrg.MAX_TILE_INTS * 4];
        for (int off = 0; off < target.length; off += AesCtrPrg.MAX_TILE_INTS) {
            int n = Math.min(AesCtrPrg.MAX_TILE_INTS, target.length - off);
            for (int s = 0; s < prgs.length; s++) prgs[s].addInts(target, off, n, signs[s], scratch);
        }
    }

    private static void apply(int[] target, byte[] seed, int sign) {
        new AesCtrPrg(seed).addInts(target, sign);
    }
}
