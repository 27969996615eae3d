package org.privmed.infer.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.data.ImageDataset;
import org.privmed.eval.timing.PhaseTimer;
import org.privmed.infer.bfv.BfvClientProgram;
import org.privmed.infer.bfv.BfvCompiler;
import org.privmed.infer.bfv.BfvProgram;
import org.privmed.infer.client.BfvKeyring;
import org.privmed.infer.client.ClientKeyring;
import org.privmed.infer.client.CompiledCodec;
import org.privmed.infer.client.InferenceClient;
import org.privmed.infer.compile.ProgramFormatException;
import org.privmed.infer.keys.ClientKeyDirectory;
import org.privmed.infer.proto.ProgramInfo;
import org.privmed.infer.proto.SessionOpened;
import org.privmed.infer.quant.QuantizedNetwork;
import org.privmed.infer.quant.TinyNets;
import org.privmed.nn.model.Model;

/**
 * A BFV program served over real loopback gRPC: keys per prime uploaded once, encrypted batches
 * under every prime, exact agreement with the integer evaluation, refusals of messages under the
 * wrong prime or scheme (while the server keeps serving), and no weight in what clients receive.
 */
class BfvServiceTest {

    @TempDir
    static Path dir;

    private static Model model;
    private static BfvProgram program;
    private static ImageDataset images;
    private static InferenceServer server;
    private static String target;

    @BeforeAll
    static void start() throws Exception {
        model = TinyNets.model(21, 8);
        images = TinyNets.images(121, 40);
        // 7-bit quantization: more than one plaintext prime, so the CRT split is exercised
        program = BfvCompiler.compile(model, images, new BfvCompiler.Options(40, 7, 7, 2, 10, 13));
        assertTrue(program.primeCount() >= 2, program.explain());
        server = InferenceServer.builder(program, "tiny").loopbackOnly().port(0).keysDir(dir.resolve("server"))
                .threads(4).start();
        target = "127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static BigInteger[][] integerLogits(float[][] x) {
        QuantizedNetwork net = program.network();
        BigInteger[][] out = new BigInteger[x.length][];
        for (int b = 0; b < x.length; b++) {
            out[b] = net.evaluate(net.quantizeInput(org.privmed.nn.infer.PlainInference.normalize(model, x[b])));
        }
        return out;
    }

    @Test
    void encryptedBatchesOverGrpcEqualTheIntegerEvaluation() throws Exception {
        float[][] x = Arrays.copyOf(images.images(), 25);
        Path keys = dir.resolve("clinic");
        try (InferenceClient c = InferenceClient.connect(target, null)) {
            ProgramInfo info = c.program();
            assertEquals("bfv", info.getScheme());
            assertEquals(program.primeCount(), info.getBfvPrimesCount());
            try (BfvKeyring fresh = BfvKeyring.generate(info, 1)) {
                fresh.save(new ClientKeyDirectory(keys), false);
            }
            // predictions run from the key directory, as privmed predict does
            try (BfvKeyring ring = BfvKeyring.load(new ClientKeyDirectory(keys), 1)) {
                SessionOpened s = ring.openSession(c);
                assertTrue(s.getStoredKeyBytes() > 0);
                BigInteger[][] got = ring.classify(c, s.getSessionId(), x, 2, new PhaseTimer());
                BigInteger[][] want = integerLogits(x);
                for (int b = 0; b < x.length; b++) {
                    assertArrayEquals(want[b], got[b], "image " + b);
                }
                assertTrue(c.closeSession(s.getSessionId()));
            }
        }
    }

    @Test
    void wrongPrimeOrParameterIdIsRefusedAndTheServerKeepsServing() throws Exception {
        float[][] x = Arrays.copyOf(images.images(), 3);
        try (InferenceClient c = InferenceClient.connect(target, null);
                BfvKeyring ring = BfvKeyring.generate(c.program(), 1)) {
            String session = ring.openSession(c).getSessionId();
            List<List<ByteString>> in = ring.encrypt(x, 1);
            long[] ids = ring.program().parameters().stream().mapToLong(p -> p.id()).toArray();

            // prime 0's ciphertexts sent as prime 1's: the frames carry prime 0's parameter id
            List<List<ByteString>> swapped = new ArrayList<>(in);
            swapped.set(0, in.get(1));
            swapped.set(1, in.get(0));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> c.classifyBfv(session, ids, List.of(swapped)));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getMessage());
            assertTrue(e.getMessage().contains("prime 0"), e.getMessage());

            // a request naming another prime's parameter id
            long[] wrongIds = ids.clone();
            wrongIds[0] = ids[1];
            e = assertThrows(StatusRuntimeException.class, () -> c.classifyBfv(session, wrongIds, List.of(in)));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getMessage());
            assertTrue(e.getMessage().contains("names parameter set " + Long.toHexString(ids[1])), e.getMessage());

            // one prime's set missing
            e = assertThrows(StatusRuntimeException.class,
                    () -> c.classifyBfv(session, Arrays.copyOf(ids, 1), List.of(in.subList(0, 1))));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getMessage());

            // the same session still classifies correctly
            InferenceClient.Result ok = c.classifyBfv(session, ids, List.of(in)).get(0);
            BigInteger[][] got = ring.decrypt(ok.ciphertexts(), x.length);
            BigInteger[][] want = integerLogits(x);
            for (int b = 0; b < x.length; b++) {
                assertArrayEquals(want[b], got[b], "image " + b);
            }
        }
    }

    @Test
    void keysUnderTheWrongPrimeAreRefused() throws Exception {
        try (InferenceClient c = InferenceClient.connect(target, null);
                BfvKeyring ring = BfvKeyring.generate(c.program(), 1)) {
            long[] ids = ring.program().parameters().stream().mapToLong(p -> p.id()).toArray();
            List<byte[]> keys = ring.relinearizationKeyFrames();
            List<byte[]> swapped = new ArrayList<>(keys);
            swapped.set(0, keys.get(1));
            swapped.set(1, keys.get(0));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> c.openBfvSession(ids, swapped));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getMessage());
            // a key set short of one prime
            e = assertThrows(StatusRuntimeException.class,
                    () -> c.openBfvSession(Arrays.copyOf(ids, ids.length - 1), keys.subList(0, ids.length - 1)));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getMessage());
            assertTrue(e.getMessage().contains("none was uploaded for prime " + (ids.length - 1)), e.getMessage());
            assertFalse(ring.openSession(c).getSessionId().isEmpty(), "the server still opens sessions");
        }
    }

    @Test
    void ckksClientsAndBfvClientsAreToldTheSchemeOfTheServer() throws Exception {
        try (InferenceClient c = InferenceClient.connect(target, null)) {
            ProgramInfo bfv = c.program();
            ProgramFormatException pf = assertThrows(ProgramFormatException.class, () -> CompiledCodec.published(bfv, false));
            assertTrue(pf.getMessage().contains("BFV program, not a CKKS one"), pf.getMessage());
            Exception kg = assertThrows(Exception.class, () -> ClientKeyring.generate(bfv, false, 1));
            assertTrue(kg.getMessage().contains("BFV program"), kg.getMessage());
            // CKKS-shaped messages on the wire
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> c.openSession(bfv.getBfvPrimes(0).getParametersId(), new byte[64], null));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
            assertTrue(e.getMessage().contains("runs a BFV program") && e.getMessage().contains("CKKS"), e.getMessage());
            e = assertThrows(StatusRuntimeException.class, () -> c.classify("0".repeat(32),
                    bfv.getBfvPrimes(0).getParametersId(), List.of(List.of(ByteString.copyFrom(new byte[64])))));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
            assertTrue(e.getMessage().contains("runs a BFV program"), e.getMessage());
        }
        try (InferenceServer ckks = InferenceServer.builder(SquareLinearProgram.random(3)).loopbackOnly().port(0)
                .keysDir(dir.resolve("ckks")).start();
                InferenceClient c = InferenceClient.connect("127.0.0.1:" + ckks.port(), null)) {
            ProgramInfo info = c.program();
            ProgramFormatException pf = assertThrows(ProgramFormatException.class, () -> BfvKeyring.generate(info, 1));
            assertTrue(pf.getMessage().contains("CKKS program, not a BFV one"), pf.getMessage());
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> c.openBfvSession(new long[] {info.getParametersId()}, List.of(new byte[64])));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
            assertTrue(e.getMessage().contains("runs a CKKS program"), e.getMessage());
        }
    }

    @Test
    void whatClientsReceiveHoldsNoWeight() throws Exception {
        Set<ByteBuffer> patterns = ClientProgramTest.weightPatterns(model);
        assertTrue(patterns.size() > 200, patterns.size() + " weight patterns");
        byte[] wire;
        try (InferenceClient c = InferenceClient.connect(target, null)) {
            ProgramInfo info = c.program();
            wire = info.toByteArray();
            BfvClientProgram cp = BfvKeyring.published(info);
            assertEquals(model.classNames(), cp.classNames());
            assertEquals(program.network().inputScale(), cp.inputScale());
            assertFalse(info.getExplain().isEmpty());
        }
        // the control: the same scan finds the weights in the owner's model file
        byte[] owner = org.privmed.nn.io.ModelFile.toBytes(model);
        assertFalse(ClientProgramTest.find(patterns, owner).isEmpty(), "the scan finds the weights in the model file");
        List<String> leaks = ClientProgramTest.find(patterns, wire);
        assertTrue(leaks.isEmpty(), "weight bit patterns in the client's bytes: " + leaks);
    }

    @Test
    void alteredClientProgramIsRefused() throws Exception {
        try (InferenceClient c = InferenceClient.connect(target, null)) {
            byte[] b = c.program().getBfvClientProgram().toByteArray();
            b[10] ^= 1;
            ProgramFormatException e = assertThrows(ProgramFormatException.class, () -> BfvClientProgram.fromBytes(b));
            assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
            BfvClientProgram ok = BfvClientProgram.fromBytes(c.program().getBfvClientProgram().toByteArray());
            assertEquals(program.primeCount(), ok.primeCount());
        }
    }
}
