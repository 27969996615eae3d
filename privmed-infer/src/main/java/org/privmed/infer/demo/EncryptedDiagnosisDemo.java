package org.privmed.infer.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.privmed.data.ImageDataset;
import org.privmed.data.Split;
import org.privmed.data.catalog.Datasets;
import org.privmed.eval.metrics.Agreement;
import org.privmed.eval.report.DatasetInfo;
import org.privmed.eval.report.Report;
import org.privmed.eval.report.ReportRow;
import org.privmed.eval.report.ReportWriter;
import org.privmed.eval.timing.ByteCounts;
import org.privmed.eval.timing.Phase;
import org.privmed.eval.timing.PhaseTimer;
import org.privmed.infer.client.ClientKeyring;
import org.privmed.infer.client.CompiledCodec;
import org.privmed.infer.client.EncryptedDiagnosis;
import org.privmed.infer.client.InferenceClient;
import org.privmed.infer.compile.CompileOptions;
import org.privmed.infer.compile.HeCompiler;
import org.privmed.infer.compile.HeProgram;
import org.privmed.infer.compile.Packing;
import org.privmed.infer.proto.ProgramInfo;
import org.privmed.infer.proto.SessionOpened;
import org.privmed.infer.server.CompiledProgram;
import org.privmed.infer.server.InferenceServer;
import org.privmed.nn.infer.PlainInference;
import org.privmed.nn.io.ModelFile;
import org.privmed.nn.model.Model;

/**
 * The whole encrypted diagnosis in one process: the model owner compiles its model and serves it
 * on loopback gRPC; the clinic fetches the program, generates its keys, uploads the evaluation
 * keys, encrypts the test images, sends them, and decrypts the scores. The same images go through
 * the plaintext model, and both appear in the common report table with their metrics, phase times
 * and bytes on the wire. Client and server share the process but talk only through gRPC, so the
 * bytes counted are the bytes a remote deployment would send.
 */
public final class EncryptedDiagnosisDemo {

    private EncryptedDiagnosisDemo() {
    }

    /** What to run; see {@code privmed demo --help}. */
    public record Options(Path model, String data, Split split, int limit, Packing packing, int heThreads,
            Path reports, PrintStream log) {
        public Options {
            if (model == null || data == null || split == null || packing == null || reports == null || log == null) {
                throw new IllegalArgumentException("model, data, split, packing, reports and log are required");
            }
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be >= 0 (0 = whole split), got " + limit);
            }
            if (heThreads < 1) {
                throw new IllegalArgumentException("HE threads must be >= 1, got " + heThreads);
            }
        }
    }

    /** The report and where it was written, with the argmax agreement for callers' checks. */
    public record Result(Report report, List<Path> files, Agreement agreement) {
    }

    public static Result run(Options o) throws IOException {
        long start = System.nanoTime();
        Model model = ModelFile.read(o.model());
        ImageDataset test = Datasets.load(o.data(), o.split());
        PlainInference.requireCompatible(model, test);
        if (o.limit() > 0 && o.limit() < test.size()) {
            int[] rows = new int[o.limit()];
            Arrays.setAll(rows, i -> i);
            test = test.subset(test.name() + "[0:" + o.limit() + "]", rows);
        }
        ImageDataset calibration = Datasets.load(o.data(), Split.VAL);
        String dataName = displayName(o.data());
        o.log().printf(Locale.ROOT, "model %s (%s), %d %s images of %s%n", model.name(), o.model(), test.size(),
                o.split().name().toLowerCase(Locale.ROOT), dataName);

        // plaintext reference, same images
        PhaseTimer plainTimer = new PhaseTimer();
        long plainStart = System.nanoTime();
        ImageDataset set = test;
        double[][] plainLogits = plainTimer.time(Phase.EVALUATE, () -> {
            double[][] l = new double[set.size()][];
            for (int i = 0; i < set.size(); i++) {
                l[i] = PlainInference.logits(model, set.images()[i]);
            }
            return l;
        });
        plainTimer.add(Phase.TOTAL, System.nanoTime() - plainStart);

        // the model owner: compile and serve
        PhaseTimer timer = new PhaseTimer();
        long encStart = System.nanoTime();
        HeProgram program = timer.time("compile", () -> HeCompiler.compile(model, o.packing(), CompileOptions.defaults(),
                calibration));
        o.log().println(program.explain());
        Path serverKeys = Files.createTempDirectory("privmed-demo-server-keys");
        double[][] encLogits;
        long up;
        long down;
        long keyBytes;
        ProgramInfo info;
        try (InferenceServer server = InferenceServer.builder(new CompiledProgram(program, model.name())).loopbackOnly()
                .port(0).keysDir(serverKeys).heThreads(o.heThreads()).start();
                InferenceClient client = InferenceClient.connect("127.0.0.1:" + server.port(), null)) {
            o.log().printf(Locale.ROOT, "server on 127.0.0.1:%d (loopback gRPC, plaintext transport)%n", server.port());
            // the clinic: fetch, keygen, upload, classify
            info = client.program();
            ProgramInfo fetched = info;
            try (ClientKeyring keys = timer.time("keygen", () -> generate(fetched, o.heThreads()))) {
                keyBytes = keys.evaluationKeyBytes();
                SessionOpened session = timer.time("key upload", () -> keys.openSession(client));
                o.log().printf(Locale.ROOT, "session %s: %.1f MB of evaluation keys uploaded%n", session.getSessionId(),
                        keyBytes / 1e6);
                // the clinic works from what the server published, not from the owner's program
                CompiledCodec codec = new CompiledCodec(CompiledCodec.published(info, false), keys.context(),
                        keys.secretKey());
                EncryptedDiagnosis diagnosis = new EncryptedDiagnosis(client, info, keys.context(), codec);
                encLogits = diagnosis.classify(session.getSessionId(), test.images(), timer);
                client.closeSession(session.getSessionId());
            }
            up = client.bytesUp();
            down = client.bytesDown();
        } finally {
            deleteQuietly(serverKeys);
        }
        timer.add(Phase.TOTAL, System.nanoTime() - encStart);

        double[][] plainProbs = softmaxAll(plainLogits);
        double[][] encProbs = softmaxAll(encLogits);
        Agreement agreement = Agreement.ofScores(plainLogits, encLogits);
        String splitName = o.split().name().toLowerCase(Locale.ROOT);
        Report report = Report.builder("Encrypted diagnosis: " + model.name() + " on " + dataName)
                .dataset(new DatasetInfo(dataName, splitName, test.size(), test.classNames(), ""))
                .row(ReportRow.builder("plaintext (Java, float64)").scores(test.labels(), plainProbs)
                        .times(plainTimer.snapshot()).build())
                .row(ReportRow.builder("encrypted (CKKS " + o.packing().name().toLowerCase(Locale.ROOT) + ", gRPC)")
                        .scores(test.labels(), encProbs).times(timer.snapshot()).bytes(new ByteCounts(up, down))
                        .agreement(agreement)
                        .extra("N", program.parameters().ringDegree())
                        .extra("log2 QP", Math.round(program.parameters().logQP()))
                        .extra("key bytes", keyBytes)
                        .extra("max |logit error|", agreement.maxAbsDifference())
                        .build())
                .context("model file", o.model().toString())
                .context("parameters", program.parameters().toString())
                .context("HE threads", Integer.toString(o.heThreads()))
                .context("wall time", String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - start) / 1e9))
                .context("command", "privmed demo --model " + o.model() + " --data " + o.data() + " --split " + splitName
                        + (o.limit() > 0 ? " --limit " + o.limit() : "") + " --packing "
                        + o.packing().name().toLowerCase(Locale.ROOT))
                .build();
        List<Path> files = ReportWriter.write(report, o.reports(), "demo-" + stem(o.model()) + "-" + stem(Path.of(o.data()))
                + "-" + splitName);
        return new Result(report, files, agreement);
    }

    private static ClientKeyring generate(ProgramInfo info, int threads) {
        try {
            return ClientKeyring.generate(info, false, threads);
        } catch (org.privmed.he.serial.HeFormatException e) {
            throw new IllegalStateException("the server's parameters are refused: " + e.getMessage(), e);
        }
    }

    static double[][] softmaxAll(double[][] logits) {
        double[][] p = new double[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            p[i] = PlainInference.softmax(logits[i]);
        }
        return p;
    }

    private static String displayName(String data) {
        try {
            return Datasets.info(data).displayName();
        } catch (RuntimeException notShipped) {
            return Path.of(data).getFileName().toString();
        }
    }

    private static String stem(Path p) {
        String s = p.getFileName().toString().replaceFirst("\\.(pm|npz)$", "").replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() ? "x" : s;
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
