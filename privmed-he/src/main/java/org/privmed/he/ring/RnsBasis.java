package org.privmed.he.ring;

import java.math.BigInteger;
import java.util.Arrays;
import org.privmed.he.math.Modulus;
import org.privmed.he.math.NttTables;

/**
 * An ordered list of NTT-friendly primes for one ring degree, with their NTT tables, and the
 * element-wise arithmetic on {@link RnsPoly} values over it.
 *
 * <p>The residue number system is the full-RNS representation of Bajard, Eynard, Hasan and Zucca
 * (SAC 2016) and Cheon, Han, Kim, Kim and Song (SAC 2018, Sec. 2): a big integer modulo Q = Π q_i is
 * held as its residues, so every ring operation is limb-wise and word-sized. Every operation here
 * works on the first {@code out.limbCount()} primes, so a poly at a lower level uses the same basis.
 * The CRT constants Q/q_i mod q_i and their inverses are precomputed for decoding and conversions.
 */
public final class RnsBasis {
    private final NttTables[] tables;
    private final Modulus[] moduli;
    private final long[] q;
    private final int n;
    private final Parallelism parallelism;

    public RnsBasis(NttTables[] tables, Parallelism parallelism) {
        if (tables.length == 0) {
            throw new IllegalArgumentException("an RNS basis needs at least one prime");
        }
        this.tables = tables.clone();
        this.n = tables[0].ringDegree();
        this.moduli = new Modulus[tables.length];
        this.q = new long[tables.length];
        for (int i = 0; i < tables.length; i++) {
            if (tables[i].ringDegree() != n) {
                throw new IllegalArgumentException("prime " + i + " has NTT tables for N=" + tables[i].ringDegree()
                        + ", basis has N=" + n);
            }
            moduli[i] = tables[i].modulus();
            q[i] = moduli[i].value();
            for (int j = 0; j < i; j++) {
                if (q[j] == q[i]) {
                    throw new IllegalArgumentException("prime " + q[i] + " appears twice in the basis");
                }
            }
        }
        this.parallelism = parallelism;
    }

    /** Convenience: builds tables for the given primes. */
    public static RnsBasis of(int ringDegree, long[] primes, Parallelism parallelism) {
        NttTables[] t = new NttTables[primes.length];
        for (int i = 0; i < primes.length; i++) t[i] = new NttTables(ringDegree, new Modulus(primes[i]));
        return new RnsBasis(t, parallelism);
    }

    public int size() {
        return tables.length;
    }

    public int ringDegree() {
        return n;
    }

    public Modulus modulus(int i) {
        return moduli[i];
    }

    public NttTables ntt(int i) {
        return tables[i];
    }

    public long[] primes() {
        return q.clone();
    }

    public Parallelism parallelism() {
        return parallelism;
    }

    /** The basis of primes [from, to). Shares tables. */
    public RnsBasis slice(int from, int to) {
        return new RnsBasis(Arrays.copyOfRange(tables, from, to), parallelism);
    }

    /** This basis followed by another one (e.g. Q_l ∪ P). */
    public RnsBasis concat(RnsBasis other) {
        NttTables[] t = Arrays.copyOf(tables, tables.length + other.tables.length);
        System.arraycopy(other.tables, 0, t, tables.length, other.tables.length);
        return new RnsBasis(t, parallelism);
    }

    public BigInteger product() {
        BigInteger p = BigInteger.ONE;
        for (long v : q) p = p.multiply(BigInteger.valueOf(v));
        return p;
    }

    /** log2 of the product of the primes. */
    public double logProduct() {
        double s = 0;
        for (long v : q) s += Math.log(v) / Math.log(2);
        return s;
    }

    public RnsPoly newPoly(boolean ntt) {
        return new RnsPoly(n, q.length, ntt);
    }

    private void check(RnsPoly out, RnsPoly... in) {
        int k = out.limbCount();
        if (k > q.length) {
            throw new IllegalArgumentException("poly has " + k + " limbs but the basis only " + q.length + " primes");
        }
        for (RnsPoly p : in) {
            if (p.limbCount() < k) {
                throw new IllegalArgumentException("operand has " + p.limbCount() + " limbs, output needs " + k);
            }
            if (p.isNtt() != in[0].isNtt()) {
                throw new IllegalArgumentException("operands mix NTT and coefficient form");
            }
        }
    }

    public void add(RnsPoly a, RnsPoly b, RnsPoly out) {
        check(out, a, b);
        for (int i = 0; i < out.limbCount(); i++) {
            final long qi = q[i];
            final long[] x = a.limb(i), y = b.limb(i), z = out.limb(i);
            for (int j = 0; j < n; j++) {
                long s = x[j] + y[j];
                z[j] = s - (qi & ((qi - 1 - s) >> 63));
            }
        }
        out.setNtt(a.isNtt());
    }

    public void sub(RnsPoly a, RnsPoly b, RnsPoly out) {
        check(out, a, b);
        for (int i = 0; i < out.limbCount(); i++) {
            final long qi = q[i];
            final long[] x = a.limb(i), y = b.limb(i), z = out.limb(i);
            for (int j = 0; j < n; j++) {
                long d = x[j] - y[j];
                z[j] = d + ((d >> 63) & qi);
            }
        }
        out.setNtt(a.isNtt());
    }

    public void neg(RnsPoly a, RnsPoly out) {
        check(out, a);
        for (int i = 0; i < out.limbCount(); i++) {
            final long qi = q[i];
            final long[] x = a.limb(i), z = out.limb(i);
            for (int j = 0; j < n; j++) {
                long v = x[j];
                z[j] = v == 0 ? 0 : qi - v;
            }
        }
        out.setNtt(a.isNtt());
    }

    /** Point-wise product; in NTT form this is the ring product. */
    public void mul(RnsPoly a, RnsPoly b, RnsPoly out) {
        check(out, a, b);
        for (int i = 0; i < out.limbCount(); i++) {
            final Modulus m = moduli[i];
            final long[] x = a.limb(i), y = b.limb(i), z = out.limb(i);
            for (int j = 0; j < n; j++) z[j] = m.mul(x[j], y[j]);
        }
        out.setNtt(a.isNtt());
    }

    /** out += a*b point-wise. */
    public void mulAdd(RnsPoly a, RnsPoly b, RnsPoly out) {
        check(out, a, b);
        for (int i = 0; i < out.limbCount(); i++) {
            final Modulus m = moduli[i];
            final long qi = q[i];
            final long[] x = a.limb(i), y = b.limb(i), z = out.limb(i);
            for (int j = 0; j < n; j++) {
                long s = z[j] + m.mul(x[j], y[j]);
                z[j] = s - (qi & ((qi - 1 - s) >> 63));
            }
        }
    }

    /** out = a * c_i in limb i, where c_i is already reduced modulo q_i. */
    public void mulScalar(RnsPoly a, long[] scalarPerLimb, RnsPoly out) {
        check(out, a);
        for (int i = 0; i < out.limbCount(); i++) {
            final Modulus m = moduli[i];
            final long c = scalarPerLimb[i];
            final long cs = m.shoup(c);
            final long qi = q[i];
            final long[] x = a.limb(i), z = out.limb(i);
            for (int j = 0; j < n; j++) {
                long r = Modulus.mulShoupLazy(x[j], c, cs, qi);
                z[j] = r - (qi & ((qi - 1 - r) >> 63));
            }
        }
        out.setNtt(a.isNtt());
    }

    /**
     * out = a + c_i in limb i. In NTT form a constant polynomial has the same value at every
     * evaluation point, so this adds the constant polynomial c; in coefficient form only the
     * constant coefficient changes.
     */
    public void addScalar(RnsPoly a, long[] scalarPerLimb, RnsPoly out) {
        check(out, a);
        for (int i = 0; i < out.limbCount(); i++) {
            final long qi = q[i];
            final long c = scalarPerLimb[i];
            final long[] x = a.limb(i), z = out.limb(i);
            if (a.isNtt()) {
                for (int j = 0; j < n; j++) {
                    long s = x[j] + c;
                    z[j] = s - (qi & ((qi - 1 - s) >> 63));
                }
            } else {
                if (x != z) System.arraycopy(x, 0, z, 0, n);
                z[0] = moduli[i].add(x[0], c);
            }
        }
        out.setNtt(a.isNtt());
    }

    /** Reduces a signed integer into each limb's range. */
    public long[] scalarResidues(long c, int limbCount) {
        long[] r = new long[limbCount];
        for (int i = 0; i < limbCount; i++) r[i] = moduli[i].reduceSigned(c);
        return r;
    }

    public void toNtt(RnsPoly a) {
        if (a.isNtt()) throw new IllegalStateException("poly is already in NTT form");
        int k = a.limbCount();
        if (k > q.length) throw new IllegalArgumentException("poly has " + k + " limbs, basis " + q.length);
        parallelism.forEach(k, i -> tables[i].forward(a.limb(i)));
        a.setNtt(true);
    }

    public void fromNtt(RnsPoly a) {
        if (!a.isNtt()) throw new IllegalStateException("poly is already in coefficient form");
        int k = a.limbCount();
        if (k > q.length) throw new IllegalArgumentException("poly has " + k + " limbs, basis " + q.length);
        parallelism.forEach(k, i -> tables[i].inverse(a.limb(i)));
        a.setNtt(false);
    }

    /** Sets limb i to the residues of small signed integers (e.g. a ternary or Gaussian sample). */
    public void setSmall(long[] values, RnsPoly out) {
        for (int i = 0; i < out.limbCount(); i++) {
            final long qi = q[i];
            final long[] z = out.limb(i);
            for (int j = 0; j < n; j++) {
                long v = values[j];
                z[j] = v + ((v >> 63) & qi);
            }
        }
        out.setNtt(false);
    }

    /** Same as {@link #setSmall(long[], RnsPoly)} for byte-valued samples. */
    public void setSmall(byte[] values, RnsPoly out) {
        for (int i = 0; i < out.limbCount(); i++) {
            final long qi = q[i];
            final long[] z = out.limb(i);
            for (int j = 0; j < n; j++) {
                long v = values[j];
                z[j] = v + ((v >> 63) & qi);
            }
        }
        out.setNtt(false);
    }
}
