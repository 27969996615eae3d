package org.privmed.infer.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privmed.he.ckks.Ciphertext;
import org.privmed.he.ckks.CkksContext;
import org.privmed.he.ckks.CkksParameters;
import org.privmed.he.ckks.Evaluator;
import org.privmed.he.rlwe.KeyGenerator;
import org.privmed.he.rlwe.SecretKey;
import org.privmed.he.serial.HeSerializer;
import org.privmed.infer.client.InferenceClient;
import org.privmed.infer.proto.ProgramInfo;
import org.privmed.infer.proto.SessionOpened;

/** The service over real loopback gRPC with a real CKKS circuit: round trips and refusals. */
class EncryptedDiagnosisServiceTest {

    @TempDir
    static Path keysDir;

    static SquareLinearProgram program;
    static InferenceServer server;
    static String target;
    static ClientKeys alice;

    /** A client's key material: the secret stays here, the frames go up. */
    record ClientKeys(CkksContext ctx, SecretKey sk, byte[] relin, byte[] galois, SquareLinearProgram.Codec codec) {
        static ClientKeys generate(ProgramInfo info) throws Exception {
            CkksParameters p = org.privmed.he.serial.HeSerializer.readParameters(info.getParameters().toByteArray(), true);
            CkksContext ctx = new CkksContext(p);
            KeyGenerator kg = new KeyGenerator(ctx.rlwe());
            HeSerializer ser = new HeSerializer(ctx);
            int[] elements = info.getGaloisElementsList().stream().mapToInt(Integer::intValue).toArray();
            return new ClientKeys(ctx, kg.secretKey(), ser.write(kg.relinearizationKey()),
                    ser.write(kg.galoisKeys(elements)), new SquareLinearProgram.Codec(ctx, kg.secretKey()));
        }

        List<ByteString> encrypt(float[] image) {
            Ciphertext[] cts = codec.encrypt(new float[][] {image});
            HeSerializer ser = new HeSerializer(ctx);
            List<ByteString> out = new ArrayList<>();
            for (Ciphertext c : cts) {
                out.add(ByteString.copyFrom(ser.write(c)));
            }
            return out;
        }

        double[] decrypt(InferenceClient.Result r) throws Exception {
            HeSerializer ser = new HeSerializer(ctx);
            Ciphertext[] cts = new Ciphertext[r.ciphertexts().size()];
            for (int i = 0; i < cts.length; i++) {
                cts[i] = ser.readCiphertext(r.ciphertexts().get(i).toByteArray());
            }
            return codec.decrypt(cts, 1)[0];
        }
    }

    @BeforeAll
    static void start() throws Exception {
        program = SquareLinearProgram.random(7);
        server = InferenceServer.builder(program).loopbackOnly().port(0).keysDir(keysDir).threads(4).start();
        target = "127.0.0.1:" + server.port();
        try (InferenceClient c = InferenceClient.connect(target, null)) {
            alice = ClientKeys.generate(c.program());
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static float[] image(long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[SquareLinearProgram.FEATURES];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        return x;
    }

    static long paramsId() {
        return program.parameters().id();
    }

    static Status.Code code(Runnable r) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, r::run);
        return e.getStatus().getCode();
    }

    /** A good client still gets correct answers: the server survived whatever came before. */
    static void assertServesGoodClient() throws Exception {
        try (InferenceClient c = InferenceClient.connect(target, null)) {
            SessionOpened s = c.openSession(paramsId(), alice.relin(), alice.galois());
            float[] x = image(99);
            List<InferenceClient.Result> r = c.classify(s.getSessionId(), paramsId(), List.of(alice.encrypt(x)));
            assertArrayEquals(program.plainScores(x), alice.decrypt(r.get(0)), 1e-3);
            assertTrue(c.closeSession(s.getSessionId()));
        }
    }

    @Test
    void programDescribesTheCircuit() {
        try (InferenceClient c = connect()) {
            ProgramInfo info = c.program();
            assertEquals(paramsId(), info.getParametersId());
            assertTrue(info.getNeedsRelinearizationKey());
            assertEquals(Arrays.stream(program.galoisElements()).boxed().toList(), info.getGaloisElementsList());
            assertEquals(1, info.getInputCiphertexts());
            assertEquals(2, info.getOutputCiphertexts());
            assertEquals(program.parameters().maxLevel(), info.getInputLevel());
            assertArrayEquals(program.clientProgramBytes(), info.getClientProgram().toByteArray());
        }
    }

    @Test
    void roundTripOnThreeImagesMatchesPlaintextAndCloseForgetsKeys() throws Exception {
        try (InferenceClient c = connect()) {
            SessionOpened s = c.openSession(paramsId(), alice.relin(), alice.galois());
            assertEquals(alice.relin().length + alice.galois().length, s.getStoredKeyBytes());
            assertTrue(Files.isDirectory(keysDir.resolve(s.getSessionId())), "keys stored on disk under the session id");
            float[][] images = {image(1), image(2), image(3)};
            List<List<ByteString>> batches = new ArrayList<>();
            for (float[] x : images) {
                batches.add(alice.encrypt(x));
            }
            List<InferenceClient.Result> results = c.classify(s.getSessionId(), paramsId(), batches);
            assertEquals(3, results.size());
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(program.plainScores(images[i]), alice.decrypt(results.get(i)), 1e-3, "image " + i);
                assertTrue(results.get(i).evaluateNanos() > 0);
            }
            assertTrue(c.bytesUp() > alice.relin().length + alice.galois().length);
            assertTrue(c.bytesDown() > 0);
            assertTrue(c.closeSession(s.getSessionId()));
            assertFalse(Files.exists(keysDir.resolve(s.getSessionId())));
            assertEquals(Status.Code.NOT_FOUND,
                    code(() -> c.classify(s.getSessionId(), paramsId(), List.of(alice.encrypt(image(4))))));
        }
    }

    @Test
    void encryptedDiagnosisRunsBatchesAndTimesPhases() throws Exception {
        float[][] images = {image(21), image(22), image(23)};
        org.privmed.eval.timing.PhaseTimer timer = new org.privmed.eval.timing.PhaseTimer();
        try (InferenceClient c = connect()) {
            ProgramInfo info = c.program();
            SessionOpened s = c.openSession(paramsId(), alice.relin(), alice.galois());
            double[][] scores = new org.privmed.infer.client.EncryptedDiagnosis(c, info, alice.ctx(), alice.codec())
                    .classify(s.getSessionId(), images, timer);
            for (int i = 0; i < images.length; i++) {
                assertArrayEquals(program.plainScores(images[i]), scores[i], 1e-3, "image " + i);
            }
            c.closeSession(s.getSessionId());
        }
        org.privmed.eval.timing.PhaseTimes t = timer.snapshot();
        assertEquals(1, t.laps().get("encrypt"));
        assertEquals(3, t.laps().get("evaluate"), "one server evaluation per image in latency packing");
        assertTrue(t.millis("round trip") >= t.millis("evaluate"));
    }

    @Test
    void requestSplitOverSeveralMessagesIsReassembled(@TempDir Path dir) throws Exception {
        SquareLinearProgram four = program.splitInto(4);
        try (InferenceServer split = InferenceServer.builder(four).loopbackOnly().port(0).keysDir(dir).start();
                InferenceClient c = InferenceClient.connect("127.0.0.1:" + split.port(), null)) {
            ProgramInfo info = c.program();
            assertEquals(4, info.getInputCiphertexts());
            KeyGenerator kg = new KeyGenerator(alice.ctx().rlwe(), alice.sk());
            HeSerializer ser = new HeSerializer(alice.ctx());
            int[] elements = info.getGaloisElementsList().stream().mapToInt(Integer::intValue).toArray();
            SessionOpened s = c.openSession(paramsId(), alice.relin(), ser.write(kg.galoisKeys(elements)));
            SquareLinearProgram.Codec codec = new SquareLinearProgram.Codec(alice.ctx(), alice.sk(), 4);
            float[][] images = {image(31), image(32)};
            c.partBytes(1); // one ciphertext per message: four parts per request
            double[][] got = new org.privmed.infer.client.EncryptedDiagnosis(c, info, alice.ctx(), codec)
                    .classify(s.getSessionId(), images, new org.privmed.eval.timing.PhaseTimer());
            for (int i = 0; i < images.length; i++) {
                assertArrayEquals(four.plainScores(images[i]), got[i], 1e-3, "image " + i);
            }
            // a part too many, and parts that stop short, are both refused
            List<ByteString> five = new ArrayList<>();
            for (Ciphertext ct : codec.encrypt(new float[][] {image(33)})) {
                five.add(ByteString.copyFrom(ser.write(ct)));
            }
            List<ByteString> three = new ArrayList<>(five.subList(0, 3));
            five.add(five.get(0));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> c.classify(s.getSessionId(), paramsId(), List.of(five))));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> c.classify(s.getSessionId(), paramsId(), List.of(three))));
        }
    }

    @Test
    void expiredSessionIsNotFoundAndItsKeysAreDeleted(@TempDir Path dir) throws Exception {
        try (InferenceServer shortLived = InferenceServer.builder(program).loopbackOnly().port(0).keysDir(dir)
                .keyTtl(java.time.Duration.ofMillis(300)).start();
                InferenceClient c = InferenceClient.connect("127.0.0.1:" + shortLived.port(), null)) {
            SessionOpened s = c.openSession(paramsId(), alice.relin(), alice.galois());
            assertTrue(Files.isDirectory(dir.resolve(s.getSessionId())));
            Thread.sleep(s.getExpiresAtEpochMs() - System.currentTimeMillis() + 50);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> c.classify(s.getSessionId(), paramsId(), List.of(alice.encrypt(image(41)))));
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("expired"), e.getStatus().getDescription());
            assertFalse(Files.exists(dir.resolve(s.getSessionId())), "expired keys are deleted from disk");
        }
    }

    @Test
    void keyUploadThatStopsShortOfItsDeclaredSizeIsInvalidArgument() throws Exception {
        io.grpc.ManagedChannel ch = io.grpc.Grpc.newChannelBuilder(target, io.grpc.InsecureChannelCredentials.create()).build();
        try {
            java.util.concurrent.CompletableFuture<Status> status = new java.util.concurrent.CompletableFuture<>();
            io.grpc.stub.StreamObserver<org.privmed.infer.proto.KeyChunk> up = org.privmed.infer.proto.EncryptedDiagnosisGrpc
                    .newStub(ch).openSession(new io.grpc.stub.StreamObserver<>() {
                        @Override
                        public void onNext(SessionOpened v) {
                            status.complete(Status.OK);
                        }

                        @Override
                        public void onError(Throwable t) {
                            status.complete(Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                            status.complete(Status.OK);
                        }
                    });
            // declares 100 MB (under the cap) but sends 1 KB: nothing near 100 MB may be reserved
            up.onNext(org.privmed.infer.proto.KeyChunk.newBuilder().setParametersId(paramsId())
                    .setKind(org.privmed.infer.proto.KeyKind.RELINEARIZATION_KEY).setTotalBytes(100L << 20).setOffset(0)
                    .setData(ByteString.copyFrom(alice.relin(), 0, 1024)).build());
            up.onCompleted();
            Status st = status.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(Status.Code.INVALID_ARGUMENT, st.getCode());
            assertTrue(st.getDescription().contains("ended after 1024"), st.getDescription());
        } finally {
            ch.shutdownNow();
        }
        assertServesGoodClient();
    }

    @Test
    void wrongParametersIdIsFailedPrecondition() throws Exception {
        try (InferenceClient c = connect()) {
            assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> c.openSession(paramsId() ^ 1, alice.relin(), alice.galois())));
            SessionOpened s = c.openSession(paramsId(), alice.relin(), alice.galois());
            assertEquals(Status.Code.FAILED_PRECONDITION,
                    code(() -> c.classify(s.getSessionId(), paramsId() + 1, List.of(alice.encrypt(image(5))))));
        }
        assertServesGoodClient();
    }

    @Test
    void ciphertextUnderOtherParametersIsFailedPrecondition() throws Exception {
        CkksParameters other = CkksParameters.builder().logN(12).qBits(50, 35, 35).pBits(50).scale(Math.pow(2, 34))
                .insecureForTesting().build();
        try (CkksContext ctx = new CkksContext(other); InferenceClient c = connect()) {
            KeyGenerator kg = new KeyGenerator(ctx.rlwe());
            Ciphertext ct = new SquareLinearProgram.Codec(ctx, kg.secretKey()).encrypt(new float[][] {image(6)})[0];
            ByteString frame = ByteString.copyFrom(new HeSerializer(ctx).write(ct));
            SessionOpened s = c.openSession(paramsId(), alice.relin(), alice.galois());
            assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> c.classify(s.getSessionId(), paramsId(), List.of(List.of(frame)))));
        }
        assertServesGoodClient();
    }

    @Test
    void truncatedCiphertextIsInvalidArgument() throws Exception {
        try (InferenceClient c = connect()) {
            SessionOpened s = c.openSession(paramsId(), alice.relin(), alice.galois());
            ByteString whole = alice.encrypt(image(7)).get(0);
            ByteString cut = whole.substring(0, whole.size() - 100);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> c.classify(s.getSessionId(), paramsId(), List.of(List.of(cut))));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("truncated"), e.getStatus().getDescription());
        }
        assertServesGoodClient();
    }

    @Test
    void wrongLevelAndWrongCountAreInvalidArgument() throws Exception {
        Evaluator ev = new Evaluator(alice.ctx(), null, null);
        Ciphertext fresh = alice.codec().encrypt(new float[][] {image(8)})[0];
        ByteString low = ByteString.copyFrom(new HeSerializer(alice.ctx()).write(ev.dropLevel(fresh, fresh.level() - 1)));
        try (InferenceClient c = connect()) {
            SessionOpened s = c.openSession(paramsId(), alice.relin(), alice.galois());
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> c.classify(s.getSessionId(), paramsId(), List.of(List.of(low))));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("level"), e.getStatus().getDescription());
            List<ByteString> two = new ArrayList<>(alice.encrypt(image(9)));
            two.addAll(alice.encrypt(image(10)));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> c.classify(s.getSessionId(), paramsId(), List.of(two))));
        }
        assertServesGoodClient();
    }

    @Test
    void unknownSessionIsNotFound() throws Exception {
        try (InferenceClient c = connect()) {
            List<ByteString> in = alice.encrypt(image(11));
            assertEquals(Status.Code.NOT_FOUND, code(() -> c.classify("0123456789abcdef0123456789abcdef", paramsId(), List.of(in))));
            assertEquals(Status.Code.NOT_FOUND, code(() -> c.classify("../../etc/passwd", paramsId(), List.of(in))));
            assertEquals(Status.Code.NOT_FOUND, code(() -> c.closeSession("0123456789abcdef0123456789abcdef")));
        }
        assertServesGoodClient();
    }

    @Test
    void secretKeySentAsEvaluationKeyIsRefusedAndNotStored() throws Exception {
        byte[] secret = new HeSerializer(alice.ctx()).write(alice.sk());
        long sessionsBefore = sessionDirs();
        try (InferenceClient c = connect()) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> c.openSession(paramsId(), secret, alice.galois()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("SECRET KEY"), e.getStatus().getDescription());
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> c.openSession(paramsId(), alice.relin(), secret)));
        }
        assertEquals(sessionsBefore, sessionDirs(), "no session was created from a secret key");
        assertServesGoodClient();
    }

    @Test
    void missingOrSwappedKeysAreInvalidArgument() throws Exception {
        try (InferenceClient c = connect()) {
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> c.openSession(paramsId(), alice.relin(), null)));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> c.openSession(paramsId(), null, alice.galois())));
            // a relinearization key uploaded in the Galois slot and vice versa: the frame type tells
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> c.openSession(paramsId(), alice.galois(), alice.relin())));
            byte[] corrupt = alice.relin().clone();
            corrupt[corrupt.length / 2] ^= 0x40;
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> c.openSession(paramsId(), corrupt, alice.galois())));
        }
        assertServesGoodClient();
    }

    @Test
    void galoisKeysMissingAnElementAreInvalidArgument() throws Exception {
        KeyGenerator kg = new KeyGenerator(alice.ctx().rlwe(), alice.sk());
        int[] some = Arrays.copyOf(program.galoisElements(), program.galoisElements().length - 1);
        byte[] partial = new HeSerializer(alice.ctx()).write(kg.galoisKeys(some));
        try (InferenceClient c = connect()) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> c.openSession(paramsId(), alice.relin(), partial));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("lack"), e.getStatus().getDescription());
        }
        assertServesGoodClient();
    }

    @Test
    void oversizeKeyUploadIsResourceExhausted(@TempDir Path smallDir) throws Exception {
        long cap = alice.relin().length + alice.galois().length - 1;
        try (InferenceServer small = InferenceServer.builder(program).loopbackOnly().port(0).keysDir(smallDir)
                .maxKeyBytes(cap).start();
                InferenceClient c = InferenceClient.connect("127.0.0.1:" + small.port(), null)) {
            assertEquals(cap, c.program().getMaxKeyBytes());
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, code(() -> c.openSession(paramsId(), alice.relin(), alice.galois())));
            try (Stream<Path> s = Files.list(smallDir)) {
                assertEquals(0, s.count(), "nothing stored");
            }
        }
        assertServesGoodClient();
    }

    @Test
    void twoConcurrentClientsWithTheirOwnKeysBothGetTheirAnswers() throws Exception {
        ClientKeys bob;
        try (InferenceClient c = connect()) {
            bob = ClientKeys.generate(c.program());
        }
        ClientKeys[] who = {alice, bob};
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Void>> runs = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                ClientKeys keys = who[k];
                long base = 100 + 10L * k;
                runs.add(pool.submit(() -> {
                    try (InferenceClient c = connect()) {
                        SessionOpened s = c.openSession(paramsId(), keys.relin(), keys.galois());
                        List<List<ByteString>> batches = new ArrayList<>();
                        for (int i = 0; i < 3; i++) {
                            batches.add(keys.encrypt(image(base + i)));
                        }
                        List<InferenceClient.Result> r = c.classify(s.getSessionId(), paramsId(), batches);
                        for (int i = 0; i < 3; i++) {
                            assertArrayEquals(program.plainScores(image(base + i)), keys.decrypt(r.get(i)), 1e-3);
                        }
                        c.closeSession(s.getSessionId());
                    }
                    return null;
                }));
            }
            for (Future<Void> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            bob.ctx().close();
        }
    }

    @Test
    void keysPersistAcrossServerRestart(@TempDir Path dir) throws Exception {
        String session;
        try (InferenceServer first = InferenceServer.builder(program).loopbackOnly().port(0).keysDir(dir).start();
                InferenceClient c = InferenceClient.connect("127.0.0.1:" + first.port(), null)) {
            session = c.openSession(paramsId(), alice.relin(), alice.galois()).getSessionId();
        }
        try (InferenceServer second = InferenceServer.builder(program).loopbackOnly().port(0).keysDir(dir).start();
                InferenceClient c = InferenceClient.connect("127.0.0.1:" + second.port(), null)) {
            float[] x = image(12);
            List<InferenceClient.Result> r = c.classify(session, paramsId(), List.of(alice.encrypt(x)));
            assertArrayEquals(program.plainScores(x), alice.decrypt(r.get(0)), 1e-3);
        }
    }

    private static InferenceClient connect() {
        try {
            return InferenceClient.connect(target, null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long sessionDirs() throws IOException {
        try (Stream<Path> s = Files.list(keysDir)) {
            return s.filter(p -> p.getFileName().toString().matches("[0-9a-f]{32}")).count();
        }
    }
}
