/**
 * The clinic's side of encrypted diagnosis: the gRPC transport ({@link org.privmed.infer.client.InferenceClient}),
 * local key generation and storage ({@link org.privmed.infer.client.ClientKeyring}), and a whole
 * encrypt–classify–decrypt run ({@link org.privmed.infer.client.EncryptedDiagnosis}).
 */
package org.privmed.infer.client;
