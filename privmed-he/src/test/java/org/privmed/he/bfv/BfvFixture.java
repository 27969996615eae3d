package org.privmed.he.bfv;

import java.util.Random;
import org.privmed.he.rlwe.GaloisKeys;
import org.privmed.he.rlwe.KeyGenerator;
import org.privmed.he.rlwe.RelinearizationKey;

/** One key set for SEAL's BFV measurement set (secure, N = 8192), shared by the BFV tests. */
final class BfvFixture {
    static final int[] ROW_STEPS = {1, 2, 5, -1, -3, 100};

    final BfvContext ctx;
    final KeyGenerator keys;
    final RelinearizationKey relin;
    final GaloisKeys galois;
    final BatchEncoder encoder;
    final BfvEncryptor encryptor;
    final BfvEncryptor symmetric;
    final BfvDecryptor decryptor;
    final BfvEvaluator eval;
    final long t;

    BfvFixture(BfvParameters params) {
        ctx = new BfvContext(params);
        keys = new KeyGenerator(ctx.rlwe());
        relin = keys.relinearizationKey();
        int[] rows = ctx.galoisElementsForRowRotations(ROW_STEPS);
        int[] elements = java.util.Arrays.copyOf(rows, rows.length + 1);
        elements[rows.length] = ctx.galoisElementForColumnRotation();
        galois = keys.galoisKeys(elements);
        encoder = new BatchEncoder(ctx);
        encryptor = new BfvEncryptor(ctx, keys.publicKey());
        symmetric = new BfvEncryptor(ctx, keys.secretKey());
        decryptor = new BfvDecryptor(ctx, keys.secretKey());
        eval = new BfvEvaluator(ctx, relin, galois);
        t = params.plainModulus();
    }

    static final BfvFixture SEAL = new BfvFixture(BfvParameters.presetSeal());

    long[] random(Random rnd) {
        long[] v = new long[ctx.ringDegree()];
        for (int i = 0; i < v.length; i++) v[i] = Math.floorMod(rnd.nextLong(), t);
        return v;
    }

    BfvCiphertext encrypt(long[] v) {
        return encryptor.encrypt(encoder.encode(v));
    }

    long[] decrypt(BfvCiphertext ct) {
        return encoder.decode(decryptor.decrypt(ct));
    }
}
