package org.privmed.infer.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.eval.timing.PhaseTimer;
import org.privmed.infer.client.ClientKeyring;
import org.privmed.infer.client.EncryptedDiagnosis;
import org.privmed.infer.client.InferenceClient;
import org.privmed.infer.keys.ClientKeyDirectory;
import org.privmed.infer.proto.ProgramInfo;
import org.privmed.infer.proto.SessionOpened;

/** keygen → files → load → predict, the path of the CLI's keygen and predict commands. */
class ClientKeyringTest {

    @Test
    void keysGeneratedFromTheProgramSavedLoadedAndUsed(@TempDir Path dir) throws Exception {
        SquareLinearProgram program = SquareLinearProgram.random(11);
        Path keyDir = dir.resolve("client");
        try (InferenceServer server = InferenceServer.builder(program).loopbackOnly().port(0)
                .keysDir(dir.resolve("server")).start();
                InferenceClient c = InferenceClient.connect("127.0.0.1:" + server.port(), null)) {
            ProgramInfo info = c.program();
            assertThrows(org.privmed.he.serial.HeFormatException.class, () -> ClientKeyring.generate(info, false, 1),
                    "insecure-for-testing parameters are refused unless asked for");
            try (ClientKeyring ring = ClientKeyring.generate(info, true, 1)) {
                ring.save(new ClientKeyDirectory(keyDir), false);
            }
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(keyDir.resolve(ClientKeyDirectory.SECRET_KEY))));
            try (ClientKeyring ring = ClientKeyring.load(new ClientKeyDirectory(keyDir), true, 1)) {
                assertEquals(info, ring.program());
                SessionOpened s = ring.openSession(c);
                float[][] x = {EncryptedDiagnosisServiceTest.image(1), EncryptedDiagnosisServiceTest.image(2)};
                double[][] got = new EncryptedDiagnosis(c, info, ring.context(),
                        new SquareLinearProgram.Codec(ring.context(), ring.secretKey())).classify(s.getSessionId(), x,
                                new PhaseTimer());
                for (int i = 0; i < x.length; i++) {
                    assertArrayEquals(program.plainScores(x[i]), got[i], 1e-3);
                }
            }
        }
        // a damaged key file is reported on load, naming the problem
        Path galois = keyDir.resolve(ClientKeyDirectory.GALOIS_KEYS);
        byte[] g = Files.readAllBytes(galois);
        Files.write(galois, java.util.Arrays.copyOf(g, g.length - 10));
        java.io.IOException e = assertThrows(java.io.IOException.class,
                () -> ClientKeyring.load(new ClientKeyDirectory(keyDir), true, 1));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
}
