package org.privmed.he.serial;

import java.util.Arrays;
import org.privmed.he.bfv.BfvCiphertext;
import org.privmed.he.bfv.BfvContext;
import org.privmed.he.bfv.BfvParameters;
import org.privmed.he.bfv.BfvPlaintext;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.rlwe.Encryptor;
import org.privmed.he.rlwe.GaloisKeys;
import org.privmed.he.rlwe.PublicKey;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.he.rlwe.RlweContext;
import org.privmed.he.rlwe.SecretKey;
import org.privmed.he.sampling.Prng;
import org.privmed.he.security.SecurityLevel;

/**
 * Compact binary form of BFV parameters, plaintexts, ciphertexts and keys, in the validated frame
 * of {@link HeSerializer} (magic, version, type, parameter id, CRC32C; see {@link Header}).
 *
 * <p>BFV has its own object types for parameters, plaintexts and ciphertexts; keys are the RLWE keys
 * of the CKKS core and use its types and payloads, told apart by the parameter id. A BFV ciphertext
 * has the primes q_0 … q_level of Q (its level in the header: L when fresh, lower after modulus
 * switching; scale 0). Payloads (little-endian):
 * <ul>
 *   <li>parameters: logN, |Q|, bits of Q, |P|, bits of P, dnum (u8 each), t (i64), security level
 *       ordinal, insecure-for-testing flag (u8), then every prime of Q and P (i64);</li>
 *   <li>plaintext: N coefficients packed at bitWidth(t - 1) bits, each below t;</li>
 *   <li>ciphertext: poly count (u8, 2 or 3), then seed and c0 (seeded flag) or every poly over Q,
 *       NTT form, residues packed at the width of their prime and each below it.</li>
 * </ul>
 */
public final class BfvSerializer {
    private static final int NO_LEVEL = -1;
    private static final double NO_SCALE = 0.0;

    private final RlweContext rlwe;
    private final HeSerializer keys;
    private final long id;
    private final int n;
    private final long t;
    private final long[] q;

    public BfvSerializer(BfvContext ctx) {
        if (ctx == null) {
            throw new IllegalArgumentException("context must not be null");
        }
        this.rlwe = ctx.rlwe();
        this.keys = new HeSerializer(rlwe);
        this.id = ctx.paramsId();
        this.n = ctx.ringDegree();
        this.t = ctx.params().plainModulus();
        this.q = ctx.params().qPrimes();
    }

    // ---------------------------------------------------------------- parameters

    public static byte[] writeParameters(BfvParameters p) {
        int[] qBits = p.qBits();
        int[] pBits = p.pBits();
        long[] primes = Arrays.copyOf(p.qPrimes(), qBits.length + pBits.length);
        System.arraycopy(p.pPrimes(), 0, primes, qBits.length, pBits.length);
        long payload = 1 + 1 + qBits.length + 1 + pBits.length + 1 + 8 + 1 + 1 + 8L * primes.length;
        Frame.Writer w = Frame.writer(ObjectType.BFV_PARAMETERS, false, p.id(), NO_LEVEL, NO_SCALE, payload);
        w.u8(p.logN());
        w.u8(qBits.length);
        for (int b : qBits) w.u8(b);
        w.u8(pBits.length);
        for (int b : pBits) w.u8(b);
        w.u8(p.dnum());
        w.i64(p.plainModulus());
        w.u8(p.securityLevel().ordinal());
        w.u8(p.isInsecureForTesting() ? 1 : 0);
        for (long prime : primes) w.i64(prime);
        return w.finish();
    }

    /** Rebuilds the parameters and checks primes and id; insecure-for-testing sets are refused. */
    public static BfvParameters readParameters(byte[] data) throws HeFormatException {
        return readParameters(data, false);
    }

    public static BfvParameters readParameters(byte[] data, boolean allowInsecureForTesting) throws HeFormatException {
        if (data == null) {
            throw new HeFormatException("no data (null) where BFV parameters were expected");
        }
        Frame.Reader r = Frame.open(data, ObjectType.BFV_PARAMETERS, 0, false);
        Header h = r.header();
        HeSerializer.noLevelNoScale(h);
        HeSerializer.notSeeded(h);
        int logN = r.u8("logN");
        int[] qBits = HeSerializer.bitSizes(r, "Q");
        int[] pBits = HeSerializer.bitSizes(r, "P");
        int dnum = r.u8("dnum");
        long plain = r.i64("plaintext modulus");
        SecurityLevel security = HeSerializer.securityLevel(r);
        boolean insecure = HeSerializer.insecureFlag(r, allowInsecureForTesting);
        long[] stored = new long[qBits.length + pBits.length];
        for (int i = 0; i < stored.length; i++) stored[i] = r.i64("prime " + i);
        r.expectEnd("BFV parameters");
        BfvParameters p;
        try {
            BfvParameters.Builder b = BfvParameters.builder().logN(logN).qBits(qBits).pBits(pBits).dnum(dnum)
                    .plainModulus(plain).security(security);
            if (insecure) b.insecureForTesting();
            p = b.build();
        } catch (IllegalArgumentException e) {
            throw new HeFormatException("stored BFV parameters are refused: " + e.getMessage());
        }
        long[] rebuilt = Arrays.copyOf(p.qPrimes(), stored.length);
        System.arraycopy(p.pPrimes(), 0, rebuilt, qBits.length, pBits.length);
        HeSerializer.checkRebuilt(stored, rebuilt, h.parameterId(), p.id());
        return p;
    }

    // ---------------------------------------------------------------- plaintext

    public byte[] write(BfvPlaintext pt) {
        checkId(pt.paramsId(), "plaintext");
        long[] c = pt.coefficients();
        if (c.length != n) {
            throw new IllegalArgumentException("plaintext has " + c.length + " coefficients, N = " + n);
        }
        Frame.Writer w = Frame.writer(ObjectType.BFV_PLAINTEXT, false, id, NO_LEVEL, NO_SCALE, plainBytes());
        w.residues(c, 0, n, t, "plaintext");
        return w.finish();
    }

    public BfvPlaintext readPlaintext(byte[] data) throws HeFormatException {
        Frame.Reader r = open(data, ObjectType.BFV_PLAINTEXT);
        Header h = r.header();
        HeSerializer.noLevelNoScale(h);
        HeSerializer.notSeeded(h);
        HeSerializer.expectPayload(h, plainBytes());
        long[] c = new long[n];
        r.residues(c, 0, n, t, "plaintext");
        r.expectEnd("plaintext");
        return new BfvPlaintext(c, id);
    }

    private long plainBytes() {
        return BitPacking.packedBytes(n, Frame.bitWidth(t));
    }

    // ---------------------------------------------------------------- ciphertext

    /** A fresh symmetric ciphertext whose c1 is still its seed's expansion is written as seed + c0. */
    public byte[] write(BfvCiphertext ct) {
        checkId(ct.paramsId(), "ciphertext");
        int level = ct.level();
        rlwe.checkLevel(level);
        int limbs = level + 1;
        byte[] seed = seedStillValid(ct);
        long payload = 1 + (seed != null ? Prng.SEED_BYTES + polyBytes(limbs) : ct.size() * polyBytes(limbs));
        Frame.Writer w = Frame.writer(ObjectType.BFV_CIPHERTEXT, seed != null, id, level, NO_SCALE, payload);
        w.u8(ct.size());
        if (seed != null) {
            w.bytes(seed);
            writePoly(w, ct.poly(0), limbs, "ciphertext c0");
        } else {
            for (int i = 0; i < ct.size(); i++) writePoly(w, ct.poly(i), limbs, "ciphertext c" + i);
        }
        return w.finish();
    }

    public BfvCiphertext readCiphertext(byte[] data) throws HeFormatException {
        Frame.Reader r = open(data, ObjectType.BFV_CIPHERTEXT);
        Header h = r.header();
        int level = h.level();
        if (level < 0 || level > rlwe.maxLevel() || Double.doubleToRawLongBits(h.scale()) != 0L) {
            throw new HeFormatException("a BFV ciphertext has a level in [0, " + rlwe.maxLevel()
                    + "] and no scale, the header holds level " + level + " and scale " + h.scale());
        }
        int limbs = level + 1;
        int size = r.u8("ciphertext size");
        if (size < 2 || size > 3) {
            throw new HeFormatException("a ciphertext has 2 or 3 polys, the data says " + size);
        }
        if (h.seeded() && size != 2) {
            throw new HeFormatException("only a 2-poly ciphertext can be seeded, the data says " + size + " polys");
        }
        HeSerializer.expectPayload(h, 1 + (h.seeded() ? Prng.SEED_BYTES + polyBytes(limbs) : size * polyBytes(limbs)));
        RnsPoly[] polys = new RnsPoly[size];
        byte[] seed = null;
        if (h.seeded()) {
            seed = r.bytes(Prng.SEED_BYTES, "ciphertext seed");
            polys[0] = readPoly(r, limbs, "ciphertext c0");
            polys[1] = Encryptor.expandSeeded(rlwe, seed, level);
        } else {
            for (int i = 0; i < size; i++) polys[i] = readPoly(r, limbs, "ciphertext c" + i);
        }
        r.expectEnd("ciphertext");
        return new BfvCiphertext(polys, id, seed);
    }

    private byte[] seedStillValid(BfvCiphertext ct) {
        if (!ct.isSeeded() || ct.size() != 2) {
            return null;
        }
        byte[] seed = ct.seed();
        RnsPoly expanded = Encryptor.expandSeeded(rlwe, seed, ct.level());
        for (int i = 0; i < expanded.limbCount(); i++) {
            if (!Arrays.equals(expanded.limb(i), ct.poly(1).limb(i))) {
                return null;
            }
        }
        return seed;
    }

    /** Bytes of a poly over q_0 … q_(limbs-1). */
    private long polyBytes(int limbs) {
        long total = 0;
        for (int i = 0; i < limbs; i++) total += BitPacking.packedBytes(n, Frame.bitWidth(q[i]));
        return total;
    }

    private void writePoly(Frame.Writer w, RnsPoly p, int limbs, String what) {
        if (p.ringDegree() != n || p.limbCount() != limbs || !p.isNtt()) {
            throw new IllegalArgumentException(what + ": expected an NTT-form poly with N = " + n + " and " + limbs
                    + " limbs, got N = " + p.ringDegree() + ", " + p.limbCount() + " limbs, ntt = " + p.isNtt());
        }
        for (int i = 0; i < limbs; i++) w.residues(p.limb(i), 0, n, q[i], what + " limb " + i);
    }

    private RnsPoly readPoly(Frame.Reader r, int limbs, String what) throws HeFormatException {
        RnsPoly p = new RnsPoly(n, limbs, true);
        for (int i = 0; i < limbs; i++) r.residues(p.limb(i), 0, n, q[i], what + " limb " + i);
        return p;
    }

    // ---------------------------------------------------------------- keys (the RLWE formats)

    /** The secret key, for the client's own storage only: never send it. */
    public byte[] write(SecretKey sk) {
        return keys.write(sk);
    }

    public SecretKey readSecretKey(byte[] data) throws HeFormatException {
        return keys.readSecretKey(data);
    }

    public byte[] write(PublicKey pk) {
        return keys.write(pk);
    }

    public PublicKey readPublicKey(byte[] data) throws HeFormatException {
        return keys.readPublicKey(data);
    }

    public byte[] write(RelinearizationKey rk) {
        return keys.write(rk);
    }

    public RelinearizationKey readRelinearizationKey(byte[] data) throws HeFormatException {
        return keys.readRelinearizationKey(data);
    }

    public byte[] write(GaloisKeys gk) {
        return keys.write(gk);
    }

    public GaloisKeys readGaloisKeys(byte[] data) throws HeFormatException {
        return keys.readGaloisKeys(data);
    }

    // ---------------------------------------------------------------- shared checks

    private Frame.Reader open(byte[] data, ObjectType type) throws HeFormatException {
        if (data == null) {
            throw new HeFormatException("no data (null) where a " + type + " was expected");
        }
        return Frame.open(data, type, id, true);
    }

    private void checkId(long objectId, String what) {
        if (objectId != id) {
            throw new IllegalArgumentException(what + " belongs to parameter set " + Long.toHexString(objectId)
                    + ", this serializer is for " + Long.toHexString(id));
        }
    }
}
