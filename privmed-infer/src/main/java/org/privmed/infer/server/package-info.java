/** The encrypted-diagnosis gRPC server: program description, key upload, encrypted evaluation. */
package org.privmed.infer.server;
