/** Encrypted inference: compile trained models to CKKS programs, run them, serve them over gRPC. */
package org.privmed.infer;
