package org.privmed.fl.transport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * PEM files for TLS. On the coordinator: its certificate chain and key, and for mutual TLS the CA
 * that signed the hospitals' certificates. On a client: the CA that signed the coordinator's
 * certificate, and for mutual TLS its own certificate and key.
 *
 * @param certChain certificate chain (may be null on a client without mTLS)
 * @param privateKey PKCS#8 key for {@code certChain} (null exactly when certChain is)
 * @param trustedCa CA certificate to verify the peer (null on a coordinator without mTLS)
 */
public record TlsFiles(Path certChain, Path privateKey, Path trustedCa) {
    public TlsFiles {
        if ((certChain == null) != (privateKey == null)) {
            throw new IllegalArgumentException("TLS certificate and key go together, got cert " + certChain + " and key " + privateKey);
        }
        for (Path p : new Path[] {certChain, privateKey, trustedCa}) {
            if (p != null && !Files.isReadable(p)) throw new IllegalArgumentException("TLS file " + p + " is not readable");
        }
    }
}
