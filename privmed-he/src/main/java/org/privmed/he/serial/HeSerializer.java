package org.privmed.he.serial;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.he.ckks.Plaintext;
import org.privmed.he.ring.RnsPoly;
import org.privmed.he.rlwe.Encryptor;
import org.privmed.he.rlwe.GaloisKeys;
import org.privmed.he.rlwe.PublicKey;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.he.rlwe.RlweContext;
import org.privmed.he.rlwe.SecretKey;
import org.privmed.he.rlwe.SwitchingKey;
import org.privmed.he.sampling.Prng;
import org.privmed.he.security.SecurityLevel;

/**
 * Compact binary form of CKKS parameters, keys, plaintexts and ciphertexts.
 *
 * <p>Every object is one frame (see {@link Header}): a 36-byte header with magic "PMHE", format
 * version, object type, parameter id, level and scale, then the payload, then a CRC32C. Residues are
 * bit-packed at the width of their prime (a 40-bit prime costs 5 bytes per coefficient, not 8), all
 * in the NTT form the engine keeps them in. Objects with a uniform part expanded from a seed are
 * stored as the 32-byte seed plus the other polynomials, as SEAL and Lattigo do: public keys,
 * relinearization and Galois keys always, fresh symmetric ciphertexts when their c1 still is the
 * expansion of their seed. The secret key is for the client's own disk only.
 *
 * <p>Reading checks everything before building an object: frame length and checksum, object type,
 * parameter id, level range, scale (finite and positive), flags, exact payload length for the
 * parameters, and that every residue is below its prime. Failures are {@link HeFormatException}s
 * that say what is wrong.
 *
 * <p>Payloads (little-endian; "poly over B" is, for each prime q of B in order, N residues packed
 * at bitWidth(q - 1) bits):
 * <ul>
 *   <li>parameters: logN, |Q|, bits of Q, |P|, bits of P, dnum (u8 each), default scale (f64),
 *       security level ordinal, insecure-for-testing flag (u8), then every prime of Q and P (i64);</li>
 *   <li>secret key: poly over Q ∪ P;</li>
 *   <li>public key: seed, b as poly over Q;</li>
 *   <li>relinearization key: seed, then b_d as poly over Q ∪ P for each of the dnum digits;</li>
 *   <li>Galois keys: count (i32), then per key in ascending element order: Galois element (i32),
 *       seed, the digits' b_d as for the relinearization key;</li>
 *   <li>plaintext: poly over Q_level;</li>
 *   <li>ciphertext: poly count (u8, 2 or 3), then either seed and c0 (seeded flag) or every poly
 *       over Q_level.</li>
 * </ul>
 */
public final class HeSerializer {

    private static final int NO_LEVEL = -1;
    private static final double NO_SCALE = 0.0;

    private final RlweContext rlwe;
    private final long id;
    private final int n;
    private final long[] qp; // primes of Q then of P
    private final int qCount;
    private final int digits;
    private final long qpPolyBytes;

    public HeSerializer(CkksContext ctx) {
        this(rlweOf(ctx));
    }

    private static RlweContext rlweOf(CkksContext ctx) {
        if (ctx == null) {
            throw new IllegalArgumentException("context must not be null");
        }
        return ctx.rlwe();
    }

    /**
     * A serializer for the RLWE objects (keys) of any scheme over this context; the BFV serializer
     * delegates its keys here. The CKKS plaintext and ciphertext methods work as well, but only
     * make sense for a CKKS context.
     */
    HeSerializer(RlweContext rlwe) {
        this.rlwe = rlwe;
        this.id = rlwe.paramsId();
        this.n = rlwe.ringDegree();
        long[] q = rlwe.q().primes();
        long[] p = rlwe.p().primes();
        this.qCount = q.length;
        this.qp = Arrays.copyOf(q, q.length + p.length);
        System.arraycopy(p, 0, qp, q.length, p.length);
        this.digits = rlwe.digitCount(rlwe.maxLevel());
        this.qpPolyBytes = polyBytes(qp.length);
    }

    // ---------------------------------------------------------------- streams

    /**
     * Reads one serialized object (any type) from a stream, exactly as many bytes as its header
     * declares, for one of the {@code read...(byte[])} methods.
     */
    public static byte[] readFrame(InputStream in) throws IOException {
        return Frame.readFrom(in);
    }

    // ---------------------------------------------------------------- parameters

    public static byte[] writeParameters(CkksParameters p) {
        int[] qBits = p.qBits();
        int[] pBits = p.pBits();
        long[] primes = concat(p.qPrimes(), p.pPrimes());
        long payload = 1 + 1 + qBits.length + 1 + pBits.length + 1 + 8 + 1 + 1 + 8L * primes.length;
        Frame.Writer w = Frame.writer(ObjectType.PARAMETERS, false, p.id(), NO_LEVEL, NO_SCALE, payload);
        w.u8(p.logN());
        w.u8(qBits.length);
        for (int b : qBits) {
            w.u8(b);
        }
        w.u8(pBits.length);
        for (int b : pBits) {
            w.u8(b);
        }
        w.u8(p.dnum());
        w.f64(p.defaultScale());
        w.u8(p.securityLevel().ordinal());
        w.u8(p.isInsecureForTesting() ? 1 : 0);
        for (long prime : primes) {
            w.i64(prime);
        }
        return w.finish();
    }

    /**
     * Rebuilds a parameter set and checks that it has the very primes and id that were stored, so a
     * change in prime generation cannot silently produce different parameters. A set marked
     * insecure-for-testing is refused: received parameters must pass the security table.
     */
    public static CkksParameters readParameters(byte[] data) throws HeFormatException {
        return readParameters(data, false);
    }

    /**
     * As {@link #readParameters(byte[])}, optionally accepting a set built with
     * {@code insecureForTesting()} (tests and experiments only).
     */
    public static CkksParameters readParameters(byte[] data, boolean allowInsecureForTesting) throws HeFormatException {
        Frame.Reader r = Frame.open(data, ObjectType.PARAMETERS, 0, false);
        Header h = r.header();
        noLevelNoScale(h);
        notSeeded(h);
        int logN = r.u8("logN");
        int[] qBits = bitSizes(r, "Q");
        int[] pBits = bitSizes(r, "P");
        int dnum = r.u8("dnum");
        double scale = r.f64("default scale");
        SecurityLevel security = securityLevel(r);
        boolean insecure = insecureFlag(r, allowInsecureForTesting);
        long[] stored = new long[qBits.length + pBits.length];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = r.i64("prime " + i);
        }
        r.expectEnd("parameters");
        CkksParameters p;
        try {
            CkksParameters.Builder b = CkksParameters.builder().logN(logN).qBits(qBits).pBits(pBits).dnum(dnum)
                    .scale(scale).security(security);
            if (insecure) {
                b.insecureForTesting();
            }
            p = b.build();
        } catch (IllegalArgumentException e) {
            throw new HeFormatException("stored parameters are refused: " + e.getMessage());
        }
        checkRebuilt(stored, concat(p.qPrimes(), p.pPrimes()), h.parameterId(), p.id());
        return p;
    }

    static SecurityLevel securityLevel(Frame.Reader r) throws HeFormatException {
        int sec = r.u8("security level");
        SecurityLevel[] levels = SecurityLevel.values();
        if (sec >= levels.length) {
            throw new HeFormatException("unknown security level code " + sec);
        }
        return levels[sec];
    }

    static boolean insecureFlag(Frame.Reader r, boolean allowInsecureForTesting) throws HeFormatException {
        int insecure = r.u8("insecure flag");
        if (insecure > 1) {
            throw new HeFormatException("insecure-for-testing flag must be 0 or 1, got " + insecure);
        }
        if (insecure == 1 && !allowInsecureForTesting) {
            throw new HeFormatException("the stored parameters are marked insecure-for-testing (no security check);"
                    + " refusing them outside tests");
        }
        return insecure == 1;
    }

    /** The rebuilt parameters must have the very primes and id that were stored. */
    static void checkRebuilt(long[] stored, long[] rebuilt, long headerId, long rebuiltId) throws HeFormatException {
        for (int i = 0; i < stored.length; i++) {
            if (stored[i] != rebuilt[i]) {
                throw new HeFormatException("prime " + i + " was stored as " + stored[i] + " but these bit sizes give "
                        + rebuilt[i] + " (written by an incompatible prime generator)");
            }
        }
        if (rebuiltId != headerId) {
            throw new HeFormatException("parameter id in the header is " + Long.toHexString(headerId)
                    + " but the stored parameters hash to " + Long.toHexString(rebuiltId));
        }
    }

    // ---------------------------------------------------------------- secret key

    /** The secret key, for the client's own storage only: never send it. */
    public byte[] write(SecretKey sk) {
        checkId(sk.paramsId(), "secret key");
        RnsPoly s = sk.poly();
        checkLimbs(s, qp.length, "secret key");
        Frame.Writer w = Frame.writer(ObjectType.SECRET_KEY, false, id, NO_LEVEL, NO_SCALE, qpPolyBytes);
        writePoly(w, s, qp.length, "secret key");
        return w.finish();
    }

    public SecretKey readSecretKey(byte[] data) throws HeFormatException {
        Frame.Reader r = open(data, ObjectType.SECRET_KEY);
        noLevelNoScale(r.header());
        notSeeded(r.header());
        expectPayload(r.header(), qpPolyBytes);
        RnsPoly s = readPoly(r, qp.length, "secret key");
        r.expectEnd("secret key");
        return new SecretKey(s, id);
    }

    // ---------------------------------------------------------------- public key

    public byte[] write(PublicKey pk) {
        checkId(pk.paramsId(), "public key");
        RnsPoly b = pk.b();
        checkLimbs(b, qCount, "public key b");
        Frame.Writer w = Frame.writer(ObjectType.PUBLIC_KEY, true, id, NO_LEVEL, NO_SCALE,
                Prng.SEED_BYTES + polyBytes(qCount));
        w.bytes(pk.seed());
        writePoly(w, b, qCount, "public key b");
        return w.finish();
    }

    public PublicKey readPublicKey(byte[] data) throws HeFormatException {
        Frame.Reader r = open(data, ObjectType.PUBLIC_KEY);
        noLevelNoScale(r.header());
        seeded(r.header());
        expectPayload(r.header(), Prng.SEED_BYTES + polyBytes(qCount));
        byte[] seed = r.bytes(Prng.SEED_BYTES, "public key seed");
        RnsPoly b = readPoly(r, qCount, "public key b");
        r.expectEnd("public key");
        return new PublicKey(seed, b, id);
    }

    // ---------------------------------------------------------------- relinearization key

    public byte[] write(RelinearizationKey rk) {
        checkId(rk.paramsId(), "relinearization key");
        SwitchingKey k = rk.key();
        checkSwitchingKey(k, "relinearization key");
        Frame.Writer w = Frame.writer(ObjectType.RELINEARIZATION_KEY, true, id, NO_LEVEL, NO_SCALE, switchingKeyBytes());
        writeSwitchingKey(w, k, "relinearization key");
        return w.finish();
    }

    public RelinearizationKey readRelinearizationKey(byte[] data) throws HeFormatException {
        Frame.Reader r = open(data, ObjectType.RELINEARIZATION_KEY);
        noLevelNoScale(r.header());
        seeded(r.header());
        expectPayload(r.header(), switchingKeyBytes());
        SwitchingKey k = readSwitchingKey(r, "relinearization key");
        r.expectEnd("relinearization key");
        return new RelinearizationKey(k);
    }

    // ---------------------------------------------------------------- Galois keys

    public byte[] write(GaloisKeys gk) {
        checkId(gk.paramsId(), "Galois keys");
        Map<Integer, SwitchingKey> keys = new TreeMap<>(gk.keys());
        long payload = 4 + keys.size() * (4 + switchingKeyBytes());
        Frame.Writer w = Frame.writer(ObjectType.GALOIS_KEYS, true, id, NO_LEVEL, NO_SCALE, payload);
        w.i32(keys.size());
        for (Map.Entry<Integer, SwitchingKey> e : keys.entrySet()) {
            String what = "Galois key " + e.getKey();
            checkSwitchingKey(e.getValue(), what);
            w.i32(e.getKey());
            writeSwitchingKey(w, e.getValue(), what);
        }
        return w.finish();
    }

    public GaloisKeys readGaloisKeys(byte[] data) throws HeFormatException {
        Frame.Reader r = open(data, ObjectType.GALOIS_KEYS);
        noLevelNoScale(r.header());
        seeded(r.header());
        int count = r.i32("Galois key count");
        // at most N distinct odd elements exist in (0, 2N)
        if (count < 0 || count > n) {
            throw new HeFormatException("Galois key count " + count + " is out of range [0, " + n + "]");
        }
        expectPayload(r.header(), 4 + count * (4 + switchingKeyBytes()));
        Map<Integer, SwitchingKey> keys = new TreeMap<>();
        int previous = 0;
        for (int i = 0; i < count; i++) {
            int g = r.i32("Galois element " + i);
            if ((g & 1) == 0 || g <= 0 || g >= 2 * n) {
                throw new HeFormatException("Galois element " + g + " (key " + i + ") is not odd in (0, " + 2 * n + ")");
            }
            if (g <= previous) {
                throw new HeFormatException("Galois elements must be stored in strictly ascending order: " + g
                        + " follows " + previous);
            }
            previous = g;
            keys.put(g, readSwitchingKey(r, "Galois key " + g));
        }
        r.expectEnd("Galois keys");
        return new GaloisKeys(keys, id);
    }

    // ---------------------------------------------------------------- plaintext

    public byte[] write(Plaintext pt) {
        checkId(pt.paramsId(), "plaintext");
        int level = pt.level();
        rlwe.checkLevel(level);
        Frame.Writer w = Frame.writer(ObjectType.PLAINTEXT, false, id, level, pt.scale(), polyBytes(level + 1));
        writePoly(w, pt.poly(), level + 1, "plaintext");
        return w.finish();
    }

    public Plaintext readPlaintext(byte[] data) throws HeFormatException {
        Frame.Reader r = open(data, ObjectType.PLAINTEXT);
        Header h = r.header();
        notSeeded(h);
        int level = levelAndScale(h);
        expectPayload(h, polyBytes(level + 1));
        RnsPoly p = readPoly(r, level + 1, "plaintext");
        r.expectEnd("plaintext");
        return new Plaintext(p, h.scale(), id);
    }

    // ---------------------------------------------------------------- ciphertext

    /**
     * A ciphertext; a fresh symmetric one whose c1 is still the expansion of its seed is written in
     * seeded form (seed + c0, half the size).
     */
    public byte[] write(Ciphertext ct) {
        checkId(ct.paramsId(), "ciphertext");
        int level = ct.level();
        rlwe.checkLevel(level);
        int limbs = level + 1;
        byte[] seed = seedStillValid(ct);
        long payload = 1 + (seed != null ? Prng.SEED_BYTES + polyBytes(limbs) : ct.size() * polyBytes(limbs));
        Frame.Writer w = Frame.writer(ObjectType.CIPHERTEXT, seed != null, id, level, ct.scale(), payload);
        w.u8(ct.size());
        if (seed != null) {
            w.bytes(seed);
            writePoly(w, ct.poly(0), limbs, "ciphertext c0");
        } else {
            for (int i = 0; i < ct.size(); i++) {
                writePoly(w, ct.poly(i), limbs, "ciphertext c" + i);
            }
        }
        return w.finish();
    }

    public Ciphertext readCiphertext(byte[] data) throws HeFormatException {
        Frame.Reader r = open(data, ObjectType.CIPHERTEXT);
        Header h = r.header();
        int level = levelAndScale(h);
        int limbs = level + 1;
        int size = r.u8("ciphertext size");
        if (size < 2 || size > 3) {
            throw new HeFormatException("a ciphertext has 2 or 3 polys, the data says " + size);
        }
        if (h.seeded() && size != 2) {
            throw new HeFormatException("only a 2-poly ciphertext can be seeded, the data says " + size + " polys");
        }
        long expected = 1 + (h.seeded() ? Prng.SEED_BYTES + polyBytes(limbs) : size * polyBytes(limbs));
        expectPayload(h, expected);
        RnsPoly[] polys = new RnsPoly[size];
        byte[] seed = null;
        if (h.seeded()) {
            seed = r.bytes(Prng.SEED_BYTES, "ciphertext seed");
            polys[0] = readPoly(r, limbs, "ciphertext c0");
            polys[1] = Encryptor.expandSeeded(rlwe, seed, level);
        } else {
            for (int i = 0; i < size; i++) {
                polys[i] = readPoly(r, limbs, "ciphertext c" + i);
            }
        }
        r.expectEnd("ciphertext");
        return new Ciphertext(polys, h.scale(), id, seed);
    }

    /** The ciphertext's seed if c1 still equals its expansion (evaluator results never carry one). */
    private byte[] seedStillValid(Ciphertext ct) {
        if (!ct.isSeeded() || ct.size() != 2) {
            return null;
        }
        byte[] seed = ct.seed();
        RnsPoly expanded = Encryptor.expandSeeded(rlwe, seed, ct.level());
        RnsPoly c1 = ct.poly(1);
        for (int i = 0; i < expanded.limbCount(); i++) {
            if (!Arrays.equals(expanded.limb(i), c1.limb(i))) {
                return null;
            }
        }
        return seed;
    }

    // ---------------------------------------------------------------- shared pieces

    private Frame.Reader open(byte[] data, ObjectType type) throws HeFormatException {
        if (data == null) {
            throw new HeFormatException("no data (null) where a " + type + " was expected");
        }
        return Frame.open(data, type, id, true);
    }

    private long switchingKeyBytes() {
        return Prng.SEED_BYTES + digits * qpPolyBytes;
    }

    private void checkSwitchingKey(SwitchingKey k, String what) {
        checkId(k.paramsId(), what);
        if (k.digits() != digits) {
            throw new IllegalArgumentException(what + " has " + k.digits() + " digits, these parameters use " + digits);
        }
    }

    private void writeSwitchingKey(Frame.Writer w, SwitchingKey k, String what) {
        w.bytes(k.seed());
        RnsPoly[] b = k.b();
        for (int d = 0; d < b.length; d++) {
            checkLimbs(b[d], qp.length, what + " digit " + d);
            writePoly(w, b[d], qp.length, what + " digit " + d);
        }
    }

    private SwitchingKey readSwitchingKey(Frame.Reader r, String what) throws HeFormatException {
        byte[] seed = r.bytes(Prng.SEED_BYTES, what + " seed");
        RnsPoly[] b = new RnsPoly[digits];
        for (int d = 0; d < digits; d++) {
            b[d] = readPoly(r, qp.length, what + " digit " + d);
        }
        return new SwitchingKey(seed, b, id);
    }

    private long polyBytes(int limbs) {
        long total = 0;
        for (int i = 0; i < limbs; i++) {
            total += BitPacking.packedBytes(n, Frame.bitWidth(qp[i]));
        }
        return total;
    }

    /** Limb i of a poly over Q ∪ P or over a prefix Q_l belongs to qp[i]: Q's primes come first. */
    private void writePoly(Frame.Writer w, RnsPoly p, int limbs, String what) {
        if (p.ringDegree() != n || p.limbCount() < limbs || !p.isNtt()) {
            throw new IllegalArgumentException(what + ": expected an NTT-form poly with N = " + n + " and at least "
                    + limbs + " limbs, got N = " + p.ringDegree() + ", " + p.limbCount() + " limbs, ntt = " + p.isNtt());
        }
        for (int i = 0; i < limbs; i++) {
            w.residues(p.limb(i), 0, n, qp[i], what + " limb " + i);
        }
    }

    private RnsPoly readPoly(Frame.Reader r, int limbs, String what) throws HeFormatException {
        RnsPoly p = new RnsPoly(n, limbs, true);
        for (int i = 0; i < limbs; i++) {
            r.residues(p.limb(i), 0, n, qp[i], what + " limb " + i);
        }
        return p;
    }

    private void checkId(long objectId, String what) {
        if (objectId != id) {
            throw new IllegalArgumentException(what + " belongs to parameter set " + Long.toHexString(objectId)
                    + ", this serializer is for " + Long.toHexString(id));
        }
    }

    private static void checkLimbs(RnsPoly p, int limbs, String what) {
        if (p.limbCount() != limbs) {
            throw new IllegalArgumentException(what + " has " + p.limbCount() + " limbs, expected " + limbs);
        }
    }

    private int levelAndScale(Header h) throws HeFormatException {
        int level = h.level();
        if (level < 0 || level > rlwe.maxLevel()) {
            throw new HeFormatException("level " + level + " of the " + h.type() + " is out of range [0, "
                    + rlwe.maxLevel() + "]");
        }
        double scale = h.scale();
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new HeFormatException("scale " + scale + " of the " + h.type() + " is not finite and positive");
        }
        return level;
    }

    static void noLevelNoScale(Header h) throws HeFormatException {
        if (h.level() != NO_LEVEL || Double.doubleToRawLongBits(h.scale()) != 0L) {
            throw new HeFormatException("a " + h.type() + " has no level or scale, but the header holds level "
                    + h.level() + " and scale " + h.scale());
        }
    }

    private static void seeded(Header h) throws HeFormatException {
        if (!h.seeded()) {
            throw new HeFormatException("a " + h.type() + " is always stored in seeded form, the seeded flag is clear");
        }
    }

    static void notSeeded(Header h) throws HeFormatException {
        if (h.seeded()) {
            throw new HeFormatException("a " + h.type() + " has no seeded form, but the seeded flag is set");
        }
    }

    static void expectPayload(Header h, long expected) throws HeFormatException {
        if (h.payloadLength() != expected) {
            throw new HeFormatException("payload of the " + h.type() + " is " + h.payloadLength()
                    + " bytes, these parameters need exactly " + expected);
        }
    }

    static int[] bitSizes(Frame.Reader r, String which) throws HeFormatException {
        int count = r.u8("number of primes of " + which);
        if (count == 0) {
            throw new HeFormatException(which + " has no primes");
        }
        int[] bits = new int[count];
        for (int i = 0; i < count; i++) {
            bits[i] = r.u8("bit size of prime " + i + " of " + which);
        }
        return bits;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
