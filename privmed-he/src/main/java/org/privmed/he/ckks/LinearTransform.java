package org.privmed.he.ckks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A slot-wise linear map y = M·x given by its nonzero generalized diagonals,
 * diag_k[j] = M[j][(j+k) mod n], so that y = Σ_k diag_k ⊙ rot(x, k) (Halevi and Shoup, "Algorithms in
 * HElib", CRYPTO 2014, Sec. 4.3).
 *
 * <p>Evaluation uses the baby-step/giant-step split k = g·n1 + b (Halevi and Shoup, "Faster
 * homomorphic linear transformations in HElib", CRYPTO 2018, Sec. 3):
 * y = Σ_g rot(Σ_b rot(diag_{g·n1+b}, -g·n1) ⊙ rot(x, b), g·n1), so only n1 - 1 baby rotations
 * (hoisted: one shared decomposition) and about (#diagonals)/n1 giant rotations are needed. The
 * pre-rotated diagonals are encoded once, at construction, at the level of the ciphertexts to be
 * transformed and with scale equal to that level's last prime; the result therefore has scale
 * Δ·q_l and one {@link Evaluator#rescale} returns it to Δ.
 */
public final class LinearTransform {
    private final CkksContext ctx;
    private final int level;
    private final int babySteps;
    // giant index g -> (baby index b -> encoded rot(diag_{g n1 + b}, -g n1))
    private final Map<Integer, Map<Integer, Plaintext>> plaintexts = new TreeMap<>();
    private final int[] rotations;

    /**
     * @param diagonals diagonal index (any integer, taken mod N/2) → N/2 real values
     * @param level     level of the ciphertexts this transform will be applied to
     */
    public static LinearTransform ofRealDiagonals(CkksContext ctx, Map<Integer, double[]> diagonals, int level) {
        Map<Integer, double[][]> complex = new TreeMap<>();
        for (Map.Entry<Integer, double[]> e : diagonals.entrySet()) {
            complex.put(e.getKey(), new double[][] {e.getValue(), new double[e.getValue().length]});
        }
        return new LinearTransform(ctx, complex, level, 0);
    }

    /**
     * @param diagonals  diagonal index → {re[N/2], im[N/2]}
     * @param babySteps  n1 (a power of two), or 0 to choose about sqrt of the diagonal span
     */
    public LinearTransform(CkksContext ctx, Map<Integer, double[][]> diagonals, int level, int babySteps) {
        this.ctx = ctx;
        ctx.rlwe().checkLevel(level);
        this.level = level;
        int slots = ctx.slots();
        if (diagonals.isEmpty()) {
            throw new IllegalArgumentException("a linear transform needs at least one diagonal");
        }
        Map<Integer, double[][]> normalized = new TreeMap<>();
        for (Map.Entry<Integer, double[][]> e : diagonals.entrySet()) {
            int k = Math.floorMod(e.getKey(), slots);
            double[][] d = e.getValue();
            if (d.length != 2 || d[0].length != slots || d[1].length != slots) {
                throw new IllegalArgumentException("diagonal " + e.getKey() + " must be {re, im} with " + slots
                        + " values each");
            }
            if (normalized.put(k, d) != null) {
                throw new IllegalArgumentException("diagonal index " + e.getKey() + " given twice (mod " + slots + ")");
            }
        }
        int span = ((TreeMap<Integer, double[][]>) normalized).lastKey() + 1;
        int n1 = babySteps;
        if (n1 == 0) {
            n1 = Integer.highestOneBit(Math.max(1, (int) Math.ceil(Math.sqrt(span))));
            if (n1 * n1 < span) n1 <<= 1;
        }
        if (n1 < 1 || Integer.bitCount(n1) != 1 || n1 > slots) {
            throw new IllegalArgumentException("baby steps must be a power of two in [1, " + slots + "], got " + babySteps);
        }
        this.babySteps = n1;
        CkksEncoder encoder = new CkksEncoder(ctx);
        double ptScale = (double) ctx.rlwe().qAtLevel(level).modulus(level).value();
        TreeSet<Integer> rot = new TreeSet<>();
        for (Map.Entry<Integer, double[][]> e : normalized.entrySet()) {
            int k = e.getKey();
            int g = k / n1, b = k % n1;
            int shift = g * n1;
            double[][] d = e.getValue();
            double[] re = new double[slots], im = new double[slots];
            for (int j = 0; j < slots; j++) {
                int src = Math.floorMod(j - shift, slots);
                re[j] = d[0][src];
                im[j] = d[1][src];
            }
            plaintexts.computeIfAbsent(g, x -> new TreeMap<>()).put(b, encoder.encode(re, im, level, ptScale));
            if (b != 0) rot.add(b);
            if (shift != 0) rot.add(shift);
        }
        this.rotations = rot.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Rotation steps whose Galois keys {@link #apply} needs. */
    public int[] requiredRotations() {
        return rotations.clone();
    }

    public int babySteps() {
        return babySteps;
    }

    public int level() {
        return level;
    }

    /** y = M·x; the result has scale x.scale·q_level (rescale once to return to x.scale). */
    public Ciphertext apply(Evaluator ev, Ciphertext x) {
        if (x.level() != level) {
            throw new IllegalArgumentException("linear transform was encoded for level " + level + ", ciphertext is at level "
                    + x.level());
        }
        TreeSet<Integer> babies = new TreeSet<>();
        for (Map<Integer, Plaintext> m : plaintexts.values()) babies.addAll(m.keySet());
        int[] babyArray = babies.stream().mapToInt(Integer::intValue).toArray();
        Ciphertext[] rotated = ev.rotateHoisted(x, babyArray);
        Map<Integer, Ciphertext> byBaby = new TreeMap<>();
        for (int i = 0; i < babyArray.length; i++) byBaby.put(babyArray[i], rotated[i]);
        List<Ciphertext> giants = new ArrayList<>();
        for (Map.Entry<Integer, Map<Integer, Plaintext>> ge : plaintexts.entrySet()) {
            Ciphertext inner = null;
            for (Map.Entry<Integer, Plaintext> be : ge.getValue().entrySet()) {
                Ciphertext term = ev.multiplyPlain(byBaby.get(be.getKey()), be.getValue());
                inner = inner == null ? term : ev.add(inner, term);
            }
            int shift = ge.getKey() * babySteps;
            giants.add(shift == 0 ? inner : ev.rotate(inner, shift));
        }
        Ciphertext acc = giants.get(0);
        for (int i = 1; i < giants.size(); i++) acc = ev.add(acc, giants.get(i));
        return acc;
    }
}
