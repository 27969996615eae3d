package org.privmed.infer.service;

import org.privmed.he.ckks.Ciphertext;

/**
 * The client's half of a program: encodes and encrypts images into the program's input layout and
 * decrypts and decodes its outputs into one score vector (logits) per image. Holds the secret key.
 */
public interface ClientCodec {

    /** Images (flattened pixels, normalised as in training), at most imagesPerBatch of them. */
    Ciphertext[] encrypt(float[][] images);

    /** One row of class scores per image encrypted in the matching request. */
    double[][] decrypt(Ciphertext[] outputs, int images);
}
