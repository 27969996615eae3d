package org.privmed.he.rlwe;

import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.sampling.Prng;
import org.privmed.he.sampling.Samplers;

/**
 * RLWE encryptions of zero, to which a scheme adds its encoded message.
 *
 * <p>Public key (Lyubashevsky, Peikert, Regev 2010, Sec. 3): with ternary v and Gaussian e0, e1,
 * (c0, c1) = (v·b + e0, v·a + e1), so c0 + c1·s = v·e + e0 + e1·s. Symmetric: (c0, c1) = (-a·s + e, a)
 * with a expanded from a fresh seed that is returned alongside, so the ciphertext can travel as
 * seed + c0 (half the size).
 */
public final class Encryptor {
    private final RlweContext ctx;
    private final PublicKey publicKey;
    private final SecretKey secretKey;
    private final Prng noise = Prng.fromSecureRandom();

    public Encryptor(RlweContext ctx, PublicKey publicKey) {
        ctx.checkParams(publicKey.paramsId(), "public key");
        this.ctx = ctx;
        this.publicKey = publicKey;
        this.secretKey = null;
    }

    public Encryptor(RlweContext ctx, SecretKey secretKey) {
        ctx.checkParams(secretKey.paramsId(), "secret key");
        this.ctx = ctx;
        this.publicKey = null;
        this.secretKey = secretKey;
    }

    public boolean isSymmetric() {
        return secretKey != null;
    }

    private RnsPoly small(RnsBasis q, long[] values) {
        RnsPoly p = q.newPoly(false);
        q.setSmall(values, p);
        q.toNtt(p);
        return p;
    }

    private long[] gaussian() {
        return Samplers.gaussian(noise, ctx.ringDegree(), Samplers.SIGMA, Samplers.BOUND);
    }

    /** An encryption of zero at the given level, NTT form. */
    public RlweCiphertext encryptZero(int level) {
        return encrypt(new long[ctx.ringDegree()], level);
    }

    /**
     * An encryption of the integer polynomial m (coefficients, |m_j| &lt; 2^62) at a level, NTT
     * form. The message joins the error in the coefficient domain, e + m, before the one transform
     * per limb that the error needs anyway: encrypting zero and adding an encoded plaintext would
     * transform twice. Symmetric: (−a·s + NTT(e + m), a) with a read from a fresh seed directly in
     * NTT form; public key: (v·b + NTT(e0 + m), v·a + e1).
     */
    public RlweCiphertext encrypt(long[] m, int level) {
        RnsBasis q = ctx.qAtLevel(level);
        int n = ctx.ringDegree();
        if (m.length != n) {
            throw new IllegalArgumentException("message has " + m.length + " coefficients, the ring " + n);
        }
        long[] e = gaussian();
        long largest = 0;
        for (int j = 0; j < n; j++) {
            long v = m[j];
            if (Math.abs(v) >= (1L << 62)) {
                throw new IllegalArgumentException("message coefficient " + j + " = " + v
                        + " exceeds 2^62 in magnitude");
            }
            e[j] += v;
            largest = Math.max(largest, Math.abs(e[j]));
        }
        final long bound = largest;
        RnsPoly c0 = q.newPoly(false);
        q.parallelism().forEach(q.size(), i -> {
            org.privmed.he.math.Modulus mod = q.modulus(i);
            long qi = mod.value();
            long[] z = c0.limb(i);
            if (bound < qi) {
                // |e + m| < q_i: one conditional addition, no division
                for (int j = 0; j < n; j++) {
                    long v = e[j];
                    z[j] = v + ((v >> 63) & qi);
                }
            } else {
                for (int j = 0; j < n; j++) {
                    z[j] = mod.reduceSigned(e[j]);
                }
            }
            q.ntt(i).forward(z);
        });
        c0.setNtt(true);
        if (secretKey == null) {
            RnsPoly v = q.newPoly(false);
            q.setSmall(Samplers.ternary(noise, n), v);
            q.toNtt(v);
            RnsPoly c1 = small(q, gaussian());
            q.mulAdd(v, publicKey.b(), c0);
            q.mulAdd(v, publicKey.a(ctx.q()), c1);
            return new RlweCiphertext(new RnsPoly[] {c0, c1}, null);
        }
        byte[] seed = Prng.freshSeed();
        RnsPoly a = UniformPolys.next(new Prng(seed), q, q.size());
        RnsPoly as = q.newPoly(true);
        q.mul(a, secretKey.poly(), as);
        q.sub(c0, as, c0);
        return new RlweCiphertext(new RnsPoly[] {c0, a}, seed);
    }

    /** Re-expands the c1 of a seeded symmetric ciphertext at a level (for deserialization). */
    public static RnsPoly expandSeeded(RlweContext ctx, byte[] seed, int level) {
        RnsBasis q = ctx.qAtLevel(level);
        return UniformPolys.next(new Prng(seed), q, q.size());
    }
}
