package org.privmed.he.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.ckks.CkksDecryptor;
import org.privmed.he.ckks.CkksEncoder;
import org.privmed.he.ckks.CkksEncryptor;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.he.ckks.Evaluator;
import org.privmed.he.ckks.Plaintext;
import org.privmed.he.rlwe.GaloisKeys;
import org.privmed.he.rlwe.KeyGenerator;
import org.privmed.he.rlwe.PublicKey;
import org.privmed.he.rlwe.RelinearizationKey;
import org.privmed.he.rlwe.SecretKey;

class HeSerializerTest {

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * N = 4096, Q = {60, 40, 40}, P = {60}, scale 2^40, dnum = 3: small and fast, beyond the 109-bit
     * bound for N = 4096 (test-only), with a special prime large enough for low key-switching noise.
     */
    private static final CkksParameters PARAMS = CkksParameters.builder().logN(12).qBits(60, 40, 40).pBits(60)
            .scale(Math.pow(2, 40)).insecureForTesting().build();
    private static final CkksContext CTX = new CkksContext(PARAMS);
    private static final KeyGenerator KEYS = new KeyGenerator(CTX.rlwe());
    private static final SecretKey SK = KEYS.secretKey();
    private static final PublicKey PK = KEYS.publicKey();
    private static final RelinearizationKey RELIN = KEYS.relinearizationKey();
    private static final int[] STEPS = {1, -3};
    private static final GaloisKeys GALOIS = KEYS.galoisKeys(CTX.galoisElementsForRotations(STEPS));
    private static final CkksEncoder ENCODER = new CkksEncoder(CTX);
    private static final HeSerializer SERIAL = new HeSerializer(CTX);

    private static final double[] VALUES = values(new Random(1), 64);

    @AfterAll
    static void close() {
        CTX.close();
    }

    private static double[] values(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextDouble() * 2 - 1;
        }
        return v;
    }

    private static double[] decrypt(SecretKey sk, Ciphertext ct) {
        return Arrays.copyOf(ENCODER.decodeReal(new CkksDecryptor(CTX, sk).decrypt(ct)), VALUES.length);
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, "slot " + i);
        }
    }

    private static Ciphertext freshPublic() {
        return new CkksEncryptor(CTX, PK).encrypt(ENCODER.encode(VALUES));
    }

    private static Ciphertext freshSymmetric() {
        return new CkksEncryptor(CTX, SK).encrypt(ENCODER.encode(VALUES));
    }

    @Test
    void parametersRoundTrip() throws HeFormatException {
        for (CkksParameters p : List.of(PARAMS, CkksParameters.presetA(), CkksParameters.presetB(),
                CkksParameters.builder().logN(12).qBits(40, 30).pBits(38).dnum(1).scale(Math.pow(2, 30))
                        .build())) {
            byte[] data = HeSerializer.writeParameters(p);
            CkksParameters back = HeSerializer.readParameters(data, true);
            assertEquals(p.id(), back.id());
            assertArrayEquals(p.qPrimes(), back.qPrimes());
            assertArrayEquals(p.pPrimes(), back.pPrimes());
            assertEquals(p.dnum(), back.dnum());
            assertEquals(p.defaultScale(), back.defaultScale());
            assertEquals(p.isInsecureForTesting(), back.isInsecureForTesting());
            assertArrayEquals(data, HeSerializer.writeParameters(back));
        }
    }

    @Test
    void insecureParametersAreRefusedUnlessAllowed() throws HeFormatException {
        byte[] data = HeSerializer.writeParameters(PARAMS);
        HeFormatException e = assertThrows(HeFormatException.class, () -> HeSerializer.readParameters(data));
        assertTrue(e.getMessage().contains("insecure"), e.getMessage());
        assertEquals(PARAMS.id(), HeSerializer.readParameters(data, true).id());
        assertEquals(CkksParameters.presetA().id(),
                HeSerializer.readParameters(HeSerializer.writeParameters(CkksParameters.presetA())).id());
    }

    @Test
    void parametersWithChangedContentAreRefused() {
        byte[] data = HeSerializer.writeParameters(CkksParameters.presetA());
        // payload: logN, |Q| = 3, 60, 40, 40, |P| = 1, 60, dnum, scale, security, insecure, primes
        byte[] otherBits = data.clone();
        otherBits[Header.SIZE + 3] = 41;
        restamp(otherBits);
        HeFormatException e = assertThrows(HeFormatException.class, () -> HeSerializer.readParameters(otherBits));
        assertTrue(e.getMessage().contains("prime 1"), e.getMessage());
        byte[] otherId = data.clone();
        otherId[8] ^= 1;
        restamp(otherId);
        e = assertThrows(HeFormatException.class, () -> HeSerializer.readParameters(otherId));
        assertTrue(e.getMessage().contains("hash to"), e.getMessage());
        byte[] tooBig = data.clone();
        tooBig[Header.SIZE + 2] = 61;
        tooBig[Header.SIZE + 3] = 61;
        tooBig[Header.SIZE + 4] = 61;
        restamp(tooBig);
        e = assertThrows(HeFormatException.class, () -> HeSerializer.readParameters(tooBig));
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }

    @Test
    void secretKeyRoundTripDecrypts() throws HeFormatException {
        byte[] data = SERIAL.write(SK);
        SecretKey back = SERIAL.readSecretKey(data);
        assertArrayEquals(data, SERIAL.write(back));
        assertClose(VALUES, decrypt(back, freshPublic()), 1e-6);
    }

    @Test
    void publicKeyRoundTripEncrypts() throws HeFormatException {
        byte[] data = SERIAL.write(PK);
        PublicKey back = SERIAL.readPublicKey(data);
        assertArrayEquals(data, SERIAL.write(back));
        Ciphertext ct = new CkksEncryptor(CTX, back).encrypt(ENCODER.encode(VALUES));
        assertClose(VALUES, decrypt(SK, ct), 1e-6);
    }

    @Test
    void relinearizationKeyRoundTripRelinearizes() throws HeFormatException {
        byte[] data = SERIAL.write(RELIN);
        RelinearizationKey back = SERIAL.readRelinearizationKey(data);
        assertArrayEquals(data, SERIAL.write(back));
        Evaluator eval = new Evaluator(CTX, back, null);
        Ciphertext ct = freshPublic();
        Ciphertext sq = eval.rescale(eval.relinearize(eval.multiply(ct, ct)));
        double[] expected = new double[VALUES.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = VALUES[i] * VALUES[i];
        }
        assertClose(expected, decrypt(SK, sq), 1e-5);
    }

    @Test
    void galoisKeysRoundTripRotate() throws HeFormatException {
        byte[] data = SERIAL.write(GALOIS);
        GaloisKeys back = SERIAL.readGaloisKeys(data);
        assertArrayEquals(data, SERIAL.write(back));
        assertEquals(GALOIS.keys().keySet(), back.keys().keySet());
        Evaluator eval = new Evaluator(CTX, RELIN, back);
        double[] full = values(new Random(3), CTX.slots());
        Ciphertext ct = new CkksEncryptor(CTX, PK).encrypt(ENCODER.encode(full));
        for (int step : STEPS) {
            double[] got = ENCODER.decodeReal(new CkksDecryptor(CTX, SK).decrypt(eval.rotate(ct, step)));
            for (int j = 0; j < 32; j++) {
                assertEquals(full[Math.floorMod(j + step, full.length)], got[j], 1e-6, "step " + step + " slot " + j);
            }
        }
    }

    @Test
    void emptyGaloisKeysRoundTrip() throws HeFormatException {
        GaloisKeys none = new GaloisKeys(Map.of(), PARAMS.id());
        assertTrue(SERIAL.readGaloisKeys(SERIAL.write(none)).keys().isEmpty());
    }

    @Test
    void plaintextRoundTripAtEveryLevel() throws HeFormatException {
        for (int level = 0; level <= CTX.maxLevel(); level++) {
            Plaintext pt = ENCODER.encode(VALUES, level, Math.pow(2, 35));
            byte[] data = SERIAL.write(pt);
            Plaintext back = SERIAL.readPlaintext(data);
            assertEquals(level, back.level());
            assertEquals(pt.scale(), back.scale());
            assertArrayEquals(data, SERIAL.write(back));
            assertClose(VALUES, Arrays.copyOf(ENCODER.decodeReal(back), VALUES.length), 1e-4);
        }
    }

    @Test
    void ciphertextRoundTripFullSeededAndDegreeTwo() throws HeFormatException {
        Ciphertext pub = freshPublic();
        byte[] full = SERIAL.write(pub);
        Ciphertext back = SERIAL.readCiphertext(full);
        assertFalse(back.isSeeded());
        assertArrayEquals(full, SERIAL.write(back));
        assertClose(VALUES, decrypt(SK, back), 1e-6);

        Ciphertext sym = freshSymmetric();
        byte[] seeded = SERIAL.write(sym);
        assertTrue(seeded.length < full.length * 0.6, "seeded " + seeded.length + " vs full " + full.length);
        Ciphertext symBack = SERIAL.readCiphertext(seeded);
        assertTrue(symBack.isSeeded());
        assertArrayEquals(seeded, SERIAL.write(symBack));
        assertClose(VALUES, decrypt(SK, symBack), 1e-6);

        Evaluator eval = new Evaluator(CTX, RELIN, null);
        Ciphertext product = eval.multiply(pub, pub);
        assertEquals(3, product.size());
        Ciphertext productBack = SERIAL.readCiphertext(SERIAL.write(product));
        assertEquals(3, productBack.size());
        Ciphertext dropped = eval.rescale(eval.relinearize(productBack));
        assertEquals(CTX.maxLevel() - 1, SERIAL.readCiphertext(SERIAL.write(dropped)).level());
    }

    @Test
    void aSeededCiphertextWhoseC1ChangedIsWrittenInFull() throws HeFormatException {
        Ciphertext sym = freshSymmetric();
        // an evaluator result keeps no seed, but guard against a seed that no longer matches c1
        Ciphertext tampered = new Ciphertext(new org.privmed.he.ring.RnsPoly[] {sym.poly(0), freshPublic().poly(1)},
                sym.scale(), sym.paramsId(), sym.seed());
        byte[] data = SERIAL.write(tampered);
        Ciphertext back = SERIAL.readCiphertext(data);
        assertFalse(back.isSeeded());
        assertArrayEquals(tampered.poly(1).limb(0), back.poly(1).limb(0));
    }

    private static List<byte[]> everyObject() {
        return List.of(HeSerializer.writeParameters(PARAMS), SERIAL.write(SK), SERIAL.write(PK), SERIAL.write(RELIN),
                SERIAL.write(GALOIS), SERIAL.write(ENCODER.encode(VALUES)), SERIAL.write(freshPublic()),
                SERIAL.write(freshSymmetric()));
    }

    private void readAny(byte[] data, ObjectType type) throws HeFormatException {
        switch (type) {
            case PARAMETERS -> HeSerializer.readParameters(data, true);
            case SECRET_KEY -> SERIAL.readSecretKey(data);
            case PUBLIC_KEY -> SERIAL.readPublicKey(data);
            case RELINEARIZATION_KEY -> SERIAL.readRelinearizationKey(data);
            case GALOIS_KEYS -> SERIAL.readGaloisKeys(data);
            case PLAINTEXT -> SERIAL.readPlaintext(data);
            case CIPHERTEXT -> SERIAL.readCiphertext(data);
            default -> throw new AssertionError(type);
        }
    }

    private static ObjectType typeOf(byte[] data) throws HeFormatException {
        return Frame.parseHeader(data).type();
    }

    @Test
    void truncatedInputIsRefusedAtRandomPoints() throws HeFormatException {
        Random rnd = new Random(11);
        for (byte[] data : everyObject()) {
            ObjectType type = typeOf(data);
            int[] cuts = new int[40];
            cuts[0] = 0;
            cuts[1] = data.length - 1;
            cuts[2] = Header.SIZE;
            for (int i = 3; i < cuts.length; i++) {
                cuts[i] = rnd.nextInt(data.length);
            }
            for (int cut : cuts) {
                byte[] shorter = Arrays.copyOf(data, cut);
                HeFormatException e = assertThrows(HeFormatException.class, () -> readAny(shorter, type),
                        type + " cut at " + cut);
                assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            }
        }
    }

    @Test
    void flippedBytesAreRefused() throws HeFormatException {
        Random rnd = new Random(12);
        for (byte[] data : everyObject()) {
            ObjectType type = typeOf(data);
            for (int k = 0; k < 60; k++) {
                byte[] bad = data.clone();
                int at = k < 40 ? k : rnd.nextInt(data.length); // the whole header, then anywhere
                bad[at] ^= (byte) (1 + rnd.nextInt(255));
                assertThrows(HeFormatException.class, () -> readAny(bad, type), type + " flipped at " + at);
            }
        }
    }

    /** Re-stamps the CRC so that a deliberate edit reaches the semantic checks. */
    private static void restamp(byte[] data) {
        int at = data.length - Header.TRAILER;
        INT_LE.set(data, at, Frame.crc(data, at));
    }

    @Test
    void coefficientAtOrAboveItsModulusIsRefused() throws HeFormatException {
        byte[] data = SERIAL.write(freshPublic());
        long q0 = PARAMS.qPrimes()[0];
        int bits = Frame.bitWidth(q0);
        int n = PARAMS.ringDegree();
        int start = Header.SIZE + 1; // after the poly-count byte
        long[] limb = new long[n];
        BitPacking.unpack(data, start, bits, limb, 0, n);
        limb[17] = q0;
        BitPacking.pack(limb, 0, n, bits, data, start);
        restamp(data);
        HeFormatException e = assertThrows(HeFormatException.class, () -> SERIAL.readCiphertext(data));
        assertTrue(e.getMessage().contains("coefficient 17 = " + q0), e.getMessage());
        assertTrue(e.getMessage().contains("ciphertext c0 limb 0"), e.getMessage());
    }

    @Test
    void foreignParametersAreRefused() throws HeFormatException {
        CkksParameters other = CkksParameters.builder().logN(12).qBits(60, 40, 40).pBits(60)
                .scale(Math.pow(2, 41)).insecureForTesting().build();
        try (CkksContext otherCtx = new CkksContext(other)) {
            HeSerializer foreign = new HeSerializer(otherCtx);
            for (byte[] data : everyObject()) {
                ObjectType type = typeOf(data);
                if (type == ObjectType.PARAMETERS) {
                    continue;
                }
                HeFormatException e = assertThrows(HeFormatException.class, () -> {
                    switch (type) {
                        case SECRET_KEY -> foreign.readSecretKey(data);
                        case PUBLIC_KEY -> foreign.readPublicKey(data);
                        case RELINEARIZATION_KEY -> foreign.readRelinearizationKey(data);
                        case GALOIS_KEYS -> foreign.readGaloisKeys(data);
                        case PLAINTEXT -> foreign.readPlaintext(data);
                        case CIPHERTEXT -> foreign.readCiphertext(data);
                        default -> throw new AssertionError(type);
                    }
                }, type.toString());
                assertTrue(e.getMessage().contains(Long.toHexString(PARAMS.id())), e.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> foreign.write(freshPublic()));
        }
    }

    @Test
    void wrongObjectTypeIsRefused() {
        byte[] pk = SERIAL.write(PK);
        HeFormatException e = assertThrows(HeFormatException.class, () -> SERIAL.readCiphertext(pk));
        assertTrue(e.getMessage().contains("expected a CIPHERTEXT, found a PUBLIC_KEY"), e.getMessage());
    }

    @Test
    void levelOutOfRangeAndBadScaleAreRefused() {
        byte[] data = SERIAL.write(freshPublic());
        byte[] badLevel = data.clone();
        INT_LE.set(badLevel, 16, CTX.maxLevel() + 1);
        restamp(badLevel);
        HeFormatException e = assertThrows(HeFormatException.class, () -> SERIAL.readCiphertext(badLevel));
        assertTrue(e.getMessage().contains("level " + (CTX.maxLevel() + 1)), e.getMessage());
        for (double scale : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1.0, 0.0}) {
            byte[] badScale = data.clone();
            LONG_LE.set(badScale, 20, Double.doubleToRawLongBits(scale));
            restamp(badScale);
            e = assertThrows(HeFormatException.class, () -> SERIAL.readCiphertext(badScale));
            assertTrue(e.getMessage().contains("scale"), e.getMessage());
        }
    }

    @Test
    void lowerLevelClaimWithFullPayloadIsRefused() {
        // a consistent frame (valid CRC) whose payload does not match the level it declares
        byte[] data = SERIAL.write(freshPublic());
        INT_LE.set(data, 16, 0);
        restamp(data);
        HeFormatException e = assertThrows(HeFormatException.class, () -> SERIAL.readCiphertext(data));
        assertTrue(e.getMessage().contains("need exactly"), e.getMessage());
    }

    @Test
    void streamsCarryConsecutiveObjects() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] pk = SERIAL.write(PK);
        byte[] ct = SERIAL.write(freshPublic());
        out.write(pk);
        out.write(ct);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        PublicKey pkBack = SERIAL.readPublicKey(HeSerializer.readFrame(in));
        Ciphertext ctBack = SERIAL.readCiphertext(HeSerializer.readFrame(in));
        assertArrayEquals(pk, SERIAL.write(pkBack));
        assertClose(VALUES, decrypt(SK, ctBack), 1e-6);
        assertEquals(0, in.available());
        ByteArrayInputStream cut = new ByteArrayInputStream(Arrays.copyOf(ct, ct.length - 10));
        HeFormatException e = assertThrows(HeFormatException.class, () -> HeSerializer.readFrame(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void presetSizesAreAtMostSeals() throws HeFormatException {
        // SEAL 4.4.3, same parameters: 393,329 B (A), 196,802 B seeded (A), 1,835,121 B (B)
        try (CkksContext a = new CkksContext(CkksParameters.presetA())) {
            KeyGenerator kg = new KeyGenerator(a.rlwe());
            CkksEncoder enc = new CkksEncoder(a);
            Plaintext pt = enc.encode(VALUES);
            HeSerializer s = new HeSerializer(a);
            byte[] full = s.write(new CkksEncryptor(a, kg.publicKey()).encrypt(pt));
            byte[] seeded = s.write(new CkksEncryptor(a, kg.secretKey()).encrypt(pt));
            // 2 polys x 8192 x (60 + 40 + 40) bits = 286,720 B of residues
            assertEquals(Header.SIZE + 1 + 286_720 + Header.TRAILER, full.length);
            assertEquals(Header.SIZE + 1 + 32 + 143_360 + Header.TRAILER, seeded.length);
            assertTrue(full.length <= 393_329, "A: " + full.length);
            assertTrue(seeded.length <= 196_802, "A seeded: " + seeded.length);
            assertClose(VALUES, Arrays.copyOf(enc.decodeReal(new CkksDecryptor(a, kg.secretKey())
                    .decrypt(s.readCiphertext(seeded))), VALUES.length), 1e-6);
        }
        try (CkksContext b = new CkksContext(CkksParameters.presetB())) {
            KeyGenerator kg = new KeyGenerator(b.rlwe());
            byte[] full = new HeSerializer(b).write(new CkksEncryptor(b, kg.secretKey())
                    .encrypt(new CkksEncoder(b).encode(VALUES)));
            assertTrue(full.length <= 1_835_121 / 2, "B seeded: " + full.length);
            byte[] pub = new HeSerializer(b).write(new CkksEncryptor(b, kg.publicKey())
                    .encrypt(new CkksEncoder(b).encode(VALUES)));
            // 2 x 16384 x (60 + 6 x 40) bits = 1,228,800 B
            assertEquals(Header.SIZE + 1 + 1_228_800 + Header.TRAILER, pub.length);
            assertTrue(pub.length <= 1_835_121, "B: " + pub.length);
        }
    }

    @Test
    void writingRefusesObjectsOfOtherParametersOrUnreducedValues() {
        Ciphertext ct = freshPublic();
        ct.poly(0).limb(0)[5] = PARAMS.qPrimes()[0];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SERIAL.write(ct));
        assertTrue(e.getMessage().contains("not reduced"), e.getMessage());
        Map<Integer, org.privmed.he.rlwe.SwitchingKey> none = new LinkedHashMap<>();
        assertThrows(IllegalArgumentException.class, () -> SERIAL.write(new GaloisKeys(none, PARAMS.id() + 1)));
    }
}
