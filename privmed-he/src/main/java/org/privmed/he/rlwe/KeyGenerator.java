package org.privmed.he.rlwe;

import java.util.LinkedHashMap;
import java.util.Map;
import org.privmed.he.ring.RnsBasis;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.sampling.Prng;
import org.privmed.he.sampling.Samplers;

/**
 * Generates a ternary secret key and the keys derived from it: the public key, the relinearization
 * key and Galois keys (for exactly the Galois elements asked), all as RLWE samples with a uniform
 * part expanded from a fresh 32-byte seed and errors from the discrete Gaussian of
 * {@link Samplers} (σ = 3.2, clipped at 6σ). All randomness comes from SecureRandom-seeded
 * {@link Prng}s.
 */
public final class KeyGenerator {
    private final RlweContext ctx;
    private final SecretKey secretKey;
    private final Prng noise;

    /** A generator with a fresh secret key. */
    public KeyGenerator(RlweContext ctx) {
        this.ctx = ctx;
        this.noise = Prng.fromSecureRandom();
        RnsBasis qp = ctx.qp();
        RnsPoly s = qp.newPoly(false);
        qp.setSmall(Samplers.ternary(noise, ctx.ringDegree()), s);
        qp.toNtt(s);
        this.secretKey = new SecretKey(s, ctx.paramsId());
    }

    /** A generator for an existing secret key (e.g. to add Galois keys later). */
    public KeyGenerator(RlweContext ctx, SecretKey secretKey) {
        ctx.checkParams(secretKey.paramsId(), "secret key");
        this.ctx = ctx;
        this.secretKey = secretKey;
        this.noise = Prng.fromSecureRandom();
    }

    public SecretKey secretKey() {
        return secretKey;
    }

    /** A fresh Gaussian error over the first {@code limbs} primes of the basis, NTT form. */
    RnsPoly gaussian(RnsBasis basis, int limbs) {
        RnsPoly e = new RnsPoly(ctx.ringDegree(), limbs, false);
        basis.setSmall(Samplers.gaussian(noise, ctx.ringDegree(), Samplers.SIGMA, Samplers.BOUND), e);
        basis.toNtt(e);
        return e;
    }

    public PublicKey publicKey() {
        RnsBasis q = ctx.q();
        byte[] seed = Prng.fromSecureRandom().seed();
        RnsPoly a = UniformPolys.next(new Prng(seed), q, q.size());
        RnsPoly b = gaussian(q, q.size());
        RnsPoly as = q.newPoly(true);
        q.mul(a, secretKey.poly(), as);
        q.sub(b, as, b);
        return new PublicKey(seed, b, ctx.paramsId());
    }

    /**
     * A key switching from s' (NTT form over Q ∪ P, at least) to this generator's s.
     */
    public SwitchingKey switchingKey(RnsPoly sPrime) {
        RnsBasis qp = ctx.qp();
        if (!sPrime.isNtt() || sPrime.limbCount() < qp.size()) {
            throw new IllegalArgumentException("source key must be NTT form over Q ∪ P (" + qp.size() + " limbs), got "
                    + sPrime.limbCount() + " limbs, ntt=" + sPrime.isNtt());
        }
        int digits = ctx.digitCount(ctx.maxLevel());
        byte[] seed = Prng.fromSecureRandom().seed();
        RnsPoly[] a = SwitchingKey.expand(seed, qp, digits, qp.size());
        RnsPoly[] b = new RnsPoly[digits];
        RnsPoly s = secretKey.poly();
        for (int d = 0; d < digits; d++) {
            RnsPoly bd = gaussian(qp, qp.size());
            RnsPoly as = qp.newPoly(true);
            qp.mul(a[d], s, as);
            qp.sub(bd, as, bd);
            for (int i = ctx.digitStart(d); i < ctx.digitEnd(d, ctx.maxLevel()); i++) {
                // P·g_d·s' is (P mod q_i)·s' on the digit's own limbs and zero on every other limb
                long pModQi = 1;
                for (int j = 0; j < ctx.p().size(); j++) {
                    pModQi = qp.modulus(i).mul(pModQi, qp.modulus(i).reduce(ctx.p().modulus(j).value()));
                }
                long[] target = bd.limb(i), src = sPrime.limb(i);
                var m = qp.modulus(i);
                for (int t = 0; t < target.length; t++) target[t] = m.add(target[t], m.mul(pModQi, src[t]));
            }
            b[d] = bd;
        }
        return new SwitchingKey(seed, b, ctx.paramsId());
    }

    public RelinearizationKey relinearizationKey() {
        RnsBasis qp = ctx.qp();
        RnsPoly s2 = qp.newPoly(true);
        qp.mul(secretKey.poly(), secretKey.poly(), s2);
        return new RelinearizationKey(switchingKey(s2));
    }

    /** Keys for exactly the given Galois elements (duplicates are generated once). */
    public GaloisKeys galoisKeys(int... galoisElements) {
        Map<Integer, SwitchingKey> keys = new LinkedHashMap<>();
        for (int g : galoisElements) {
            ctx.checkGaloisElement(g);
            if (keys.containsKey(g)) continue;
            RnsPoly rotated = ctx.qp().newPoly(true);
            ctx.applyGalois(secretKey.poly(), g, rotated);
            keys.put(g, switchingKey(rotated));
        }
        return new GaloisKeys(keys, ctx.paramsId());
    }
}
