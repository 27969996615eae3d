package org.privmed.he.ckks;

import java.util.Random;
import org.privmed.he.rlwe.GaloisKeys;
import org.privmed.he.rlwe.KeyGenerator;
import org.privmed.he.rlwe.RelinearizationKey;

/** One key set for a small (insecure, test-only) parameter set, shared by the CKKS tests. */
final class CkksFixture {
    static final int[] ROTATIONS = {1, 2, 3, 4, 5, 8, 16, -1, -7, 100};

    final CkksContext ctx;
    final KeyGenerator keys;
    final RelinearizationKey relin;
    final GaloisKeys galois;
    final CkksEncoder encoder;
    final CkksEncryptor encryptor;
    final CkksEncryptor symmetric;
    final CkksDecryptor decryptor;
    final Evaluator eval;

    CkksFixture(CkksParameters params) {
        ctx = new CkksContext(params);
        keys = new KeyGenerator(ctx.rlwe());
        relin = keys.relinearizationKey();
        int[] elements = ctx.galoisElementsForRotations(ROTATIONS);
        int[] withConj = java.util.Arrays.copyOf(elements, elements.length + 1);
        withConj[elements.length] = ctx.galoisElementForConjugation();
        galois = keys.galoisKeys(withConj);
        encoder = new CkksEncoder(ctx);
        encryptor = new CkksEncryptor(ctx, keys.publicKey());
        symmetric = new CkksEncryptor(ctx, keys.secretKey());
        decryptor = new CkksDecryptor(ctx, keys.secretKey());
        eval = new Evaluator(ctx, relin, galois);
    }

    /** N = 4096, Q = {60, 40, 40, 40}, P = {60}: 240 bits, beyond the 109-bit bound, tests only. */
    static final CkksFixture SMALL = new CkksFixture(CkksParameters.builder().logN(12).qBits(60, 40, 40, 40)
            .pBits(60).scale(Math.pow(2, 40)).insecureForTesting().build());

    static double[] random(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rnd.nextDouble() * 2 - 1;
        return v;
    }

    static double maxError(double[] got, double[] expected) {
        double m = 0;
        for (int i = 0; i < expected.length; i++) m = Math.max(m, Math.abs(got[i] - expected[i]));
        return m;
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    double[] decrypt(Ciphertext ct) {
        return encoder.decodeReal(decryptor.decrypt(ct));
    }

    Ciphertext encrypt(double[] v, int level) {
        return encryptor.encrypt(encoder.encode(v, level, ctx.params().defaultScale()));
    }
}
