package org.privmed.infer.packing;

/**
 * Where the values of a vector sit in the slots of one ciphertext: slot s holds value
 * {@code map[s]}, or nothing usable where {@code map[s] = -1} (a zero, or a partial sum that no
 * later product reads with a nonzero weight).
 *
 * @param map slot → value index or -1
 * @param period p &gt; 0 when the vector is replicated with period p over all slots (slot s holds
 *     value s mod p wherever s mod p is a value), 0 otherwise
 * @param blocks where the values sit when they are not replicated, or null
 */
public record SlotLayout(int[] map, int period, Blocks blocks) {

  /**
   * The slot set {D·blockSize + ρ : D &lt; count, ρ &lt; inner} (powers of two): the subset sums of
   * the steps 1, 2, …, inner/2, blockSize, 2·blockSize, …, (count/2)·blockSize, so a
   * rotate-and-sum over those steps adds up everything in it.
   */
  public record Blocks(int inner, int blockSize, int count) {
    public Blocks {
      if (Integer.bitCount(inner) != 1 || Integer.bitCount(blockSize) != 1
          || Integer.bitCount(count) != 1 || inner > blockSize) {
        throw new IllegalArgumentException("slot blocks need powers of two with inner <= block size, "
            + "got inner " + inner + ", block " + blockSize + ", count " + count);
      }
    }

    int[] steps() {
      int n = Integer.numberOfTrailingZeros(inner) + Integer.numberOfTrailingZeros(count);
      int[] s = new int[n];
      int k = 0;
      for (int i = 1; i < inner; i <<= 1) {
        s[k++] = i;
      }
      for (int i = 1; i < count; i <<= 1) {
        s[k++] = i * blockSize;
      }
      return s;
    }
  }

  public SlotLayout {
    map = map.clone();
  }

  /** {@code values} values replicated with period p (a power of two ≥ values) over all slots. */
  public static SlotLayout periodic(int values, int period, int slots) {
    if (Integer.bitCount(period) != 1 || period < values || period > slots) {
      throw new IllegalArgumentException("period " + period + " for " + values + " values in "
          + slots + " slots");
    }
    int[] m = new int[slots];
    for (int s = 0; s < slots; s++) {
      int i = s % period;
      m[s] = i < values ? i : -1;
    }
    return new SlotLayout(m, period, new Blocks(period, slots, 1));
  }

  @Override
  public int[] map() {
    return map.clone();
  }

  public int slots() {
    return map.length;
  }
}
