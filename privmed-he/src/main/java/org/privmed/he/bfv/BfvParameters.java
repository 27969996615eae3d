package org.privmed.he.bfv;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.privmed.he.math.Primes;
import org.privmed.he.rlwe.ModulusChain;
import org.privmed.he.security.SecurityLevel;
import org.privmed.he.security.SecurityTable;

/**
 * A validated RNS-BFV parameter set (Brakerski, CRYPTO 2012; Fan and Vercauteren, ePrint 2012/144):
 * ring degree N = 2^logN, ciphertext primes Q = q_0 … q_L, the special primes P of hybrid key
 * switching, the decomposition number dnum, the plaintext modulus t and the security level.
 *
 * <p>Primes are picked as SEAL's {@code CoeffModulus::Create} would for the list Q ‖ P (so
 * {@link #presetSeal()} has the very primes of SEAL's q = {43, 43, 44, 44, 44}, whose last prime
 * SEAL uses as the special prime), and a plaintext modulus given by its bit size is the largest
 * prime of that size that is 1 mod 2N, as SEAL's {@code PlainModulus::Batching} chooses it.
 * t must be a prime ≡ 1 (mod 2N) so that the batching encoder can use the NTT modulo t; any other
 * t is refused. log2(QP) is checked against {@link SecurityTable}; t does not enter that bound.
 *
 * <p>The parameter id is the first 8 bytes of SHA-256 over a canonical encoding of N, the primes,
 * t, dnum and the security level; it is distinct from every CKKS id because the encoding starts
 * with a different tag.
 */
public final class BfvParameters {
    public static final int MIN_LOG_N = 10;
    public static final int MAX_LOG_N = 16;
    /** Largest plaintext modulus: r·m for r, m < t must fit a signed long in the scaling of Δ·m. */
    public static final int MAX_PLAIN_BITS = 30;

    private final int logN;
    private final int[] qBits;
    private final int[] pBits;
    private final long[] qPrimes;
    private final long[] pPrimes;
    private final long plainModulus;
    private final int dnum;
    private final SecurityLevel security;
    private final boolean insecure;
    private final double logQP;
    private final long id;

    private BfvParameters(Builder b) {
        ModulusChain chain = ModulusChain.generate(new ModulusChain.Limits(MIN_LOG_N, MAX_LOG_N, 60),
                b.logN, b.qBits, b.pBits, b.dnum, b.security, b.insecure);
        this.logN = chain.logN();
        int n = 1 << logN;
        this.qBits = b.qBits.clone();
        this.pBits = b.pBits.clone();
        this.dnum = chain.dnum();
        this.security = b.security;
        this.insecure = b.insecure;
        this.qPrimes = chain.qPrimes();
        this.pPrimes = chain.pPrimes();
        this.plainModulus = b.plainModulus != 0 ? b.plainModulus : batchingPrime(b.plainBits, n);
        checkPlainModulus(plainModulus, n, qPrimes);
        this.logQP = chain.logQP();
        this.id = computeId();
    }

    private static long batchingPrime(int bits, int n) {
        if (bits < 2 || bits > MAX_PLAIN_BITS) {
            throw new IllegalArgumentException("plaintext modulus bit size must be in [2, " + MAX_PLAIN_BITS + "], got "
                    + bits + " (or give t itself)");
        }
        try {
            return Primes.nttPrimes(bits, n, 1)[0];
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no " + bits + "-bit prime is 1 mod 2N = " + 2L * n
                    + ", so no batching plaintext modulus of that size exists", e);
        }
    }

    private static void checkPlainModulus(long t, int n, long[] q) {
        if (t < 2 || t >= (1L << MAX_PLAIN_BITS)) {
            throw new IllegalArgumentException("plaintext modulus t must be in [2, 2^" + MAX_PLAIN_BITS + "), got " + t);
        }
        if (!Primes.isPrime(t)) {
            throw new IllegalArgumentException("plaintext modulus t = " + t + " is not prime; batching needs a prime t ≡ 1 (mod 2N)");
        }
        if ((t - 1) % (2L * n) != 0) {
            throw new IllegalArgumentException("plaintext modulus t = " + t + " is not ≡ 1 (mod 2N = " + 2L * n
                    + "): batching needs a prime t ≡ 1 (mod 2N)" + suggestion(t, n));
        }
        for (long qi : q) {
            if (t >= qi) {
                throw new IllegalArgumentException("plaintext modulus t = " + t + " must be smaller than every ciphertext prime, "
                        + qi + " is not larger");
            }
        }
    }

    private static String suggestion(long t, int n) {
        try {
            return ", e.g. " + batchingPrime(64 - Long.numberOfLeadingZeros(t), n);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private long computeId() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write("privmed-bfv-params-v1".getBytes(StandardCharsets.US_ASCII));
            out.writeInt(logN);
            out.writeInt(qPrimes.length);
            for (long q : qPrimes) out.writeLong(q);
            out.writeInt(pPrimes.length);
            for (long p : pPrimes) out.writeLong(p);
            out.writeLong(plainModulus);
            out.writeInt(dnum);
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

    /**
     * SEAL's BFV measurement set: N = 8192, q = {43, 43, 44, 44} bits and the 44-bit special prime
     * (SEAL's {43, 43, 44, 44, 44} with its last prime as P), t the largest 20-bit batching prime.
     */
    public static BfvParameters presetSeal() {
        return builder().logN(13).qBits(43, 43, 44, 44).pBits(44).plainModulusBits(20).build();
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

    /** Number of batching slots: N, as a 2 × N/2 matrix. */
    public int slotCount() {
        return 1 << logN;
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

    public long plainModulus() {
        return plainModulus;
    }

    public int dnum() {
        return dnum;
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

    /** log2(Q) of the ciphertext modulus alone (no special primes). */
    public double logQ() {
        double lg = 0;
        for (long q : qPrimes) lg += Math.log(q) / Math.log(2);
        return lg;
    }

    public long id() {
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BfvParameters other && other.id == id && other.plainModulus == plainModulus
                && Arrays.equals(other.qPrimes, qPrimes) && Arrays.equals(other.pPrimes, pPrimes);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public String toString() {
        return "BfvParameters(N=" + ringDegree() + ", qBits=" + Arrays.toString(qBits) + ", pBits=" + Arrays.toString(pBits)
                + ", t=" + plainModulus + ", dnum=" + dnum + ", " + security + (insecure ? ", INSECURE (testing)" : "")
                + ", id=" + Long.toHexString(id) + ")";
    }

    /** Options for a parameter set; {@link #build()} validates them. */
    public static final class Builder {
        private int logN = 13;
        private int[] qBits;
        private int[] pBits;
        private int dnum;
        private long plainModulus;
        private int plainBits = 20;
        private SecurityLevel security = SecurityLevel.CLASSICAL_128;
        private boolean insecure;

        private Builder() {
        }

        public Builder logN(int logN) {
            this.logN = logN;
            return this;
        }

        /** Bit sizes of the ciphertext primes q_0 … q_L. */
        public Builder qBits(int... bits) {
            this.qBits = bits.clone();
            return this;
        }

        /** Bit sizes of the special primes. */
        public Builder pBits(int... bits) {
            this.pBits = bits.clone();
            return this;
        }

        /** Decomposition number; default one prime of Q per digit (dnum = L+1, as SEAL). */
        public Builder dnum(int dnum) {
            if (dnum < 1) throw new IllegalArgumentException("dnum must be >= 1, got " + dnum);
            this.dnum = dnum;
            return this;
        }

        /** The plaintext modulus itself: a prime ≡ 1 (mod 2N). */
        public Builder plainModulus(long t) {
            this.plainModulus = t;
            return this;
        }

        /** The largest prime of this many bits that is 1 mod 2N (SEAL's {@code PlainModulus::Batching}). */
        public Builder plainModulusBits(int bits) {
            this.plainModulus = 0;
            this.plainBits = bits;
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

        public BfvParameters build() {
            return new BfvParameters(this);
        }
    }
}
