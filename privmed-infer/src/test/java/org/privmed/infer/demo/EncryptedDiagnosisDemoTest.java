package org.privmed.infer.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.data.Split;
import org.privmed.eval.report.ReportRow;
import org.privmed.infer.compile.Packing;

/**
 * The shipped model compiled by the real compiler, served over loopback gRPC, on the first two
 * PneumoniaMNIST test images: encrypted argmax must equal plaintext argmax and the report must
 * count the evaluation keys among the bytes sent.
 */
public class EncryptedDiagnosisDemoTest {

    @Test
    void shippedModelOnTwoTestImagesAgreesWithPlaintext(@TempDir Path reports) throws Exception {
        Path model = shippedModel();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        EncryptedDiagnosisDemo.Result r = EncryptedDiagnosisDemo.run(new EncryptedDiagnosisDemo.Options(model,
                "pneumoniamnist", Split.TEST, 2, Packing.LATENCY, 1, reports,
                new PrintStream(log, true, StandardCharsets.UTF_8)));
        assertEquals(2, r.agreement().samples());
        assertEquals(2, r.agreement().agreeing(), "encrypted argmax equals plaintext argmax");
        assertTrue(r.agreement().maxAbsDifference() < 0.1, "logit error " + r.agreement().maxAbsDifference());
        ReportRow enc = r.report().rows().get(1);
        long keyBytes = ((Number) enc.extras().get("key bytes")).longValue();
        assertTrue(enc.bytes().up() > keyBytes, "upload " + enc.bytes().up() + " includes " + keyBytes + " key bytes");
        assertTrue(enc.times().has("encrypt") && enc.times().has("evaluate") && enc.times().has("decrypt"));
        for (Path f : r.files()) {
            assertTrue(Files.size(f) > 0, f + " written");
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("server on 127.0.0.1:"));
    }

    /** models/ sits at the project root; tests run in the module directory. */
    public static Path shippedModel() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path m = dir.resolve("models").resolve("tenseal-pneumoniamnist.pm");
            if (Files.exists(m)) {
                return m;
            }
        }
        throw new IllegalStateException("models/tenseal-pneumoniamnist.pm not found above " + Path.of("").toAbsolutePath());
    }
}
