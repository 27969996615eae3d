package org.privmed.infer.service;

import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.he.rlwe.GaloisKeys;
import org.privmed.he.rlwe.RelinearizationKey;

/**
 * What the encrypted-diagnosis server evaluates: a compiled HE program seen from the transport's
 * side. The server needs only public facts (parameters, which evaluation keys, how many
 * ciphertexts in and out, at which level) and an evaluation on ciphertexts; it never sees a
 * secret key. The compiler's {@code HeProgram} is adapted to this shape; tests can serve any
 * hand-built circuit over the same wire protocol.
 */
public interface ServedProgram {

    /** A short name for logs and reports, e.g. the model file's name. */
    String modelName();

    /** "latency" (one image per request) or "throughput" (a batch of images in the slots). */
    String packing();

    CkksParameters parameters();

    /** Exactly the Galois elements the program rotates by; the client uploads keys for these. */
    int[] galoisElements();

    boolean needsRelinearizationKey();

    int inputCiphertexts();

    int outputCiphertexts();

    /** The level every input ciphertext must carry (fresh encryptions sit at the top level). */
    default int inputLevel() {
        return parameters().maxLevel();
    }

    int imagesPerBatch();

    int classes();

    /**
     * What the client needs to encode its inputs and decode the outputs, in the program's own
     * binary form. It is sent to every client, so it must hold none of the model owner's weights.
     */
    byte[] clientProgramBytes();

    /** The plan in words (layers, levels, keys), shown by clients. */
    String explain();

    /**
     * Prepares evaluation under one client's evaluation keys (either may be null when the program
     * does not need it). Called once per session, so an implementation may precompute (encoded
     * weights, hoisting tables) here; the server closes the result when the session ends.
     *
     * @throws IllegalArgumentException if the keys do not fit the program (reported as INVALID_ARGUMENT)
     */
    KeyedEvaluator bind(CkksContext ctx, RelinearizationKey relinearizationKey, GaloisKeys galoisKeys);

    /** The program bound to one session's keys. */
    interface KeyedEvaluator extends AutoCloseable {

        /**
         * Evaluates one request's inputs. Inputs have already been checked for count, parameter id
         * and level; other inconsistencies throw IllegalArgumentException, which the server
         * reports as INVALID_ARGUMENT. Calls may come from several threads at once.
         */
        Ciphertext[] evaluate(Ciphertext[] inputs);

        @Override
        default void close() {
        }
    }
}
