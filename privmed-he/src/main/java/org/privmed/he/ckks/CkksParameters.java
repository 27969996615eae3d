package org.privmed.he.ckks;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.privmed.he.rlwe.ModulusChain;
import org.privmed.he.security.SecurityLevel;
import org.privmed.he.security.SecurityTable;

/**
 * A validated RNS-CKKS parameter set (Cheon, Han, Kim, Kim, Song, SAC 2018): ring degree N = 2^logN,
 * the ciphertext modulus chain Q = q_0 … q_L from a list of bit sizes (q_0 first; rescaling drops
 * from the end), the special primes P of hybrid key switching, the decomposition number dnum,
 * the default scale and the security level.
 *
 * <p>Primes are chosen as SEAL's {@code CoeffModulus::Create} would for the concatenated bit-size
 * list Q ‖ P, so preset {@link #presetA()} has the very primes SEAL uses for {60, 40, 40, 60}.
 * log2(QP) is checked against the HomomorphicEncryption.org table for ternary secrets
 * ({@link SecurityTable}) and an insecure set is refused with the bound in the message, unless the
 * builder was told {@link Builder#insecureForTesting()}.
 *
 * <p>The parameter id is the first 8 bytes (big-endian) of SHA-256 over a canonical encoding of
 * N, the primes, dnum, the default scale and the security level; every key, plaintext and ciphertext
 * carries it.
 */
public final class CkksParameters {
    public static final int MIN_LOG_N = 12;
    public static final int MAX_LOG_N = 16;

    private final int logN;
    private final int[] qBits;
    private final int[] pBits;
    private final long[] qPrimes;
    private final long[] pPrimes;
    private final int dnum;
    private final double defaultScale;
    private final SecurityLevel security;
    private final boolean insecure;
    private final double logQP;
    private final long id;

    private CkksParameters(Builder b) {
        if (!(b.scale > 1) || !Double.isFinite(b.scale)) {
            throw new IllegalArgumentException("default scale must be finite and > 1, got " + b.scale);
        }
        ModulusChain chain = ModulusChain.generate(new ModulusChain.Limits(MIN_LOG_N, MAX_LOG_N, 61),
                b.logN, b.qBits, b.pBits, b.dnum, b.security, b.insecure);
        this.logN = chain.logN();
        this.qBits = b.qBits.clone();
        this.pBits = b.pBits.clone();
        this.dnum = chain.dnum();
        this.defaultScale = b.scale;
        this.security = b.security;
        this.insecure = b.insecure;
        this.qPrimes = chain.qPrimes();
        this.pPrimes = chain.pPrimes();
        this.logQP = chain.logQP();
        this.id = computeId();
    }

    private long computeId() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write("privmed-ckks-params-v1".getBytes(StandardCharsets.US_ASCII));
            out.writeInt(logN);
            out.writeInt(qPrimes.length);
            for (long q : qPrimes) out.writeLong(q);
            out.writeInt(pPrimes.length);
            for (long p : pPrimes) out.writeLong(p);
            out.writeInt(dnum);
            out.writeLong(Double.doubleToLongBits(defaultScale));
            out.writeUTF(security.name());
            out.writeBoolean(insecure);
            out.flush();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
            return ByteBuffer.wrap(digest, 0, 8).getLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Preset A: N = 8192, Q = {60, 40, 40} bits, P = {60}, scale 2^40, dnum = 3 (one prime per digit). */
    public static CkksParameters presetA() {
        return builder().logN(13).qBits(60, 40, 40).pBits(60).scale(Math.pow(2, 40)).build();
    }

    /** Preset B: N = 16384, Q = {60, 40 × 6} bits, P = {60}, scale 2^40, dnum = 7. */
    public static CkksParameters presetB() {
        return builder().logN(14).qBits(60, 40, 40, 40, 40, 40, 40).pBits(60).scale(Math.pow(2, 40)).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int logN() {
        return logN;
    }

    public int ringDegree() {
        return 1 << logN;
    }

    public int slots() {
        return 1 << (logN - 1);
    }

    public int[] qBits() {
        return qBits.clone();
    }

    public int[] pBits() {
        return pBits.clone();
    }

    public long[] qPrimes() {
        return qPrimes.clone();
    }

    public long[] pPrimes() {
        return pPrimes.clone();
    }

    /** Highest level L: a fresh ciphertext has L+1 primes. */
    public int maxLevel() {
        return qPrimes.length - 1;
    }

    public int dnum() {
        return dnum;
    }

    public double defaultScale() {
        return defaultScale;
    }

    public SecurityLevel securityLevel() {
        return security;
    }

    public boolean isInsecureForTesting() {
        return insecure;
    }

    public double logQP() {
        return logQP;
    }

    public long id() {
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CkksParameters && ((CkksParameters) o).id == id
                && Arrays.equals(((CkksParameters) o).qPrimes, qPrimes) && Arrays.equals(((CkksParameters) o).pPrimes, pPrimes);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public String toString() {
        return "CkksParameters(N=" + ringDegree() + ", qBits=" + Arrays.toString(qBits) + ", pBits=" + Arrays.toString(pBits)
                + ", dnum=" + dnum + ", scale=2^" + Math.log(defaultScale) / Math.log(2) + ", " + security
                + (insecure ? ", INSECURE (testing)" : "") + ", id=" + Long.toHexString(id) + ")";
    }

    /** Options for a parameter set; {@link #build()} validates them. */
    public static final class Builder {
        private int logN = 13;
        private int[] qBits;
        private int[] pBits;
        private int dnum;
        private double scale = Math.pow(2, 40);
        private SecurityLevel security = SecurityLevel.CLASSICAL_128;
        private boolean insecure;

        private Builder() {
        }

        public Builder logN(int logN) {
            this.logN = logN;
            return this;
        }

        /** Bit sizes of q_0 … q_L. */
        public Builder qBits(int... bits) {
            this.qBits = bits.clone();
            return this;
        }

        /** Bit sizes of the special primes. */
        public Builder pBits(int... bits) {
            this.pBits = bits.clone();
            return this;
        }

        /** Decomposition number; default: one prime of Q per digit (dnum = L+1). */
        public Builder dnum(int dnum) {
            if (dnum < 1) throw new IllegalArgumentException("dnum must be >= 1, got " + dnum);
            this.dnum = dnum;
            return this;
        }

        public Builder scale(double scale) {
            this.scale = scale;
            return this;
        }

        public Builder security(SecurityLevel level) {
            this.security = level;
            return this;
        }

        /** Skip the security check. For tests and experiments only; the id records the choice. */
        public Builder insecureForTesting() {
            this.insecure = true;
            return this;
        }

        public CkksParameters build() {
            return new CkksParameters(this);
        }
    }
}
