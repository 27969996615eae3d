package org.privmed.fl.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed RSA certificate made by the JDK's {@code keytool} in a temporary PKCS#12 store,
 * then written out as the PEM certificate and PKCS#8 key that {@link TlsFiles} takes. Being
 * self-signed, the certificate is also its own CA file.
 */
record SelfSignedCertificate(Path certificate, Path privateKey) {
    private static final char[] PASSWORD = "test-only".toCharArray();

    /** A certificate for {@code commonName}, valid for localhost and 127.0.0.1, under {@code dir}. */
    static SelfSignedCertificate create(Path dir, String commonName) throws IOException, InterruptedException, GeneralSecurityException {
        Path store = dir.resolve(commonName + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", commonName, "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=" + commonName, "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("keytool failed: " + output);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        Key key = ks.getKey(commonName, PASSWORD);
        Certificate cert = ks.getCertificate(commonName);
        Path certFile = Files.writeString(dir.resolve(commonName + ".pem"), pem("CERTIFICATE", cert.getEncoded()));
        Path keyFile = Files.writeString(dir.resolve(commonName + ".key"), pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
        return new SelfSignedCertificate(certFile, keyFile);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
