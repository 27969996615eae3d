/**
 * The contract between the encrypted-diagnosis transport and a compiled HE program: what the
 * server evaluates ({@link org.privmed.infer.service.ServedProgram}) and what the client encodes
 * and decodes ({@link org.privmed.infer.service.ClientCodec}).
 */
package org.privmed.infer.service;
