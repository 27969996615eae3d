package org.privmed.infer.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.rlwe.KeyGenerator;
import org.privmed.he.serial.HeSerializer;
import org.privmed.infer.client.InferenceClient;
import org.privmed.infer.proto.SessionOpened;

/**
 * The service over TLS on loopback, with a self-signed certificate made by the JDK's keytool (no
 * extra dependency): a client trusting the certificate gets correct answers, a plaintext client
 * is turned away.
 */
class TlsLoopbackTest {

    @Test
    void roundTripOverTlsAndPlaintextClientRefused(@TempDir Path dir) throws Exception {
        Path[] pem = selfSigned(dir);
        SquareLinearProgram program = SquareLinearProgram.random(3);
        long id = program.parameters().id();
        try (InferenceServer server = InferenceServer.builder(program).loopbackOnly().port(0)
                .keysDir(dir.resolve("keys")).tls(pem[0], pem[1]).start();
                CkksContext ctx = new CkksContext(program.parameters())) {
            KeyGenerator kg = new KeyGenerator(ctx.rlwe());
            HeSerializer ser = new HeSerializer(ctx);
            SquareLinearProgram.Codec codec = new SquareLinearProgram.Codec(ctx, kg.secretKey());
            float[] x = EncryptedDiagnosisServiceTest.image(42);
            ByteString in = ByteString.copyFrom(ser.write(codec.encrypt(new float[][] {x})[0]));
            try (InferenceClient c = InferenceClient.connect("localhost:" + server.port(), pem[0])) {
                SessionOpened s = c.openSession(id, ser.write(kg.relinearizationKey()),
                        ser.write(kg.galoisKeys(program.galoisElements())));
                InferenceClient.Result r = c.classify(s.getSessionId(), id, List.of(List.of(in))).get(0);
                Ciphertext[] out = new Ciphertext[r.ciphertexts().size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = ser.readCiphertext(r.ciphertexts().get(i).toByteArray());
                }
                assertArrayEquals(program.plainScores(x), codec.decrypt(out, 1)[0], 1e-3);
            }
            try (InferenceClient plain = InferenceClient.connect("localhost:" + server.port(), null)) {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, plain::program);
                assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            }
        }
    }

    /** Returns {certificate PEM, PKCS#8 private key PEM} for localhost and 127.0.0.1. */
    static Path[] selfSigned(Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "test-only", "-keypass", "test-only")
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + log);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, "test-only".toCharArray());
        }
        Certificate cert = ks.getCertificate("server");
        Key key = ks.getKey("server", "test-only".toCharArray());
        Path certPem = dir.resolve("server.crt");
        Path keyPem = dir.resolve("server.key");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
        return new Path[] {certPem, keyPem};
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
