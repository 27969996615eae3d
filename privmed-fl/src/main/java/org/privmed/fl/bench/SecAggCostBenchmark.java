package org.privmed.fl.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.privmed.fl.aggregate.ClientUpdate;
import org.privmed.fl.aggregate.FedAvg;
import org.privmed.fl.aggregate.SecAggRelay;
import org.privmed.fl.aggregate.SecAggRoundDriver;
import org.privmed.fl.federated.FedAvgStrategy;
import org.privmed.fl.prg.AesCtrPrg;
import org.privmed.fl.secagg.RoundParameters;
import org.privmed.fl.secagg.SecAggPlusClient;
import org.privmed.fl.secagg.StochasticQuantizer;
import org.privmed.fl.secagg.proto.ClientMessage;
import org.privmed.fl.secagg.proto.ServerMessage;
import org.privmed.fl.transport.FloatVectors;
import org.privmed.fl.transport.proto.Update;

/**
 * What one aggregation round costs, SecAgg+ against plain FedAvg, with n simulated clients each
 * holding a d-parameter update. Local training is left out of both (it is the same work either
 * way); every message is serialized and parsed as on the wire.
 *
 * <p>Measured separately, as CPU time of the threads doing each part (robust to other processes
 * on a shared machine, unlike wall time):
 * <ul>
 *   <li>client compute: plain — encode the float update into its protobuf message; SecAgg+ —
 *       FedAvg encoding, stochastic quantization, and the four protocol stages (keys, Shamir
 *       shares, share encryption, mask expansion) with (de)serialization of its messages;</li>
 *   <li>coordinator compute: plain — parse and accumulate the weighted mean; SecAgg+ — the state
 *       machine (relaying, summing masked vectors, Shamir reconstruction, unmasking) with
 *       (de)serialization. The unmasking runs on the coordinator's own thread pool; its share is
 *       counted as its critical path (per phase the busiest pool thread), i.e. the elapsed time on
 *       a coordinator with a core per unmask thread, and the total CPU is reported beside it;</li>
 *   <li>round time with clients on their own machines, as Bell et al. 2020 (Sec. 6) report it:
 *       coordinator compute + the slowest client's compute (network time left out of both);</li>
 *   <li>in-process wall time, every client on this machine's pool.</li>
 * </ul>
 */
public final class SecAggCostBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int QUANTIZATION_BITS = 22;

    private SecAggCostBenchmark() {}

    /**
     * One mode's figures (milliseconds, bytes).
     *
     * @param clientMsMedian median client compute
     * @param clientMsMax slowest client's compute
     * @param coordinatorMs coordinator compute, its unmasking pool counted by critical path
     * @param coordinatorCpuMs coordinator CPU time over all its threads
     * @param wallMs in-process wall time of the round
     * @param bytesUp mean bytes a client sends
     * @param bytesDown mean bytes a client receives (the model download, equal in both, excluded)
     */
    public record Side(double clientMsMedian, double clientMsMax, double coordinatorMs, double coordinatorCpuMs, double wallMs, double bytesUp,
                       double bytesDown) {
        /** Coordinator compute plus the slowest client's, as if every client had its own machine. */
        public double distributedMs() {
            return coordinatorMs + clientMsMax;
        }
    }

    /** Figures for one client count (medians over the repetitions). */
    public record Row(int clients, int params, int numShares, int threshold, Side plain, Side secAgg) {
        public double distributedRatio() {
            return secAgg.distributedMs() / plain.distributedMs();
        }

        public double wallRatio() {
            return secAgg.wallMs() / plain.wallMs();
        }
    }

    /**
     * Medians of {@code reps} rounds of each mode with {@code n} clients and {@code d} parameters,
     * the SecAgg+ coordinator unmasking on {@code unmaskThreads} threads.
     */
    public static Row measure(int n, int d, int reps, int unmaskThreads, ExecutorService pool, SecureRandom random) {
        if (unmaskThreads < 1) throw new IllegalArgumentException("unmask threads must be >= 1, got " + unmaskThreads);
        if (n < 3) throw new IllegalArgumentException("SecAgg+ needs at least 3 clients, got " + n);
        if (d < 1) throw new IllegalArgumentException("parameters must be >= 1, got " + d);
        if (reps < 1) throw new IllegalArgumentException("repetitions must be >= 1, got " + reps);
        float[] delta = new float[d];
        SplittableRandom r = new SplittableRandom(d);
        for (int i = 0; i < d; i++) delta[i] = (float) (r.nextDouble() * 0.02 - 0.01);
        int k = FedAvgStrategy.defaultShares(n);
        int t = k / 2 + 1;
        // Untimed rounds first, so the timed ones run compiled code rather than the interpreter.
        int w = Math.min(n, 10);
        int kw = FedAvgStrategy.defaultShares(w);
        plainRound(w, delta, pool);
        secureRound(w, delta, kw, kw / 2 + 1, reps, unmaskThreads, pool, random);
        Side[] plain = new Side[reps];
        Side[] secure = new Side[reps];
        for (int rep = 0; rep < reps; rep++) {
            plain[rep] = plainRound(n, delta, pool);
            secure[rep] = secureRound(n, delta, k, t, rep, unmaskThreads, pool, random);
        }
        return new Row(n, d, k, t, median(plain), median(secure));
    }

    private static long examples(int client) {
        return 100 + (client * 37L) % 900;
    }

    /** Plain FedAvg: each client serializes its float update, the coordinator streams them into a weighted mean. */
    private static Side plainRound(int n, float[] delta, ExecutorService pool) {
        long[] clientNanos = new long[n];
        long wall0 = System.nanoTime();
        long coord = 0;
        double[] acc = new double[delta.length];
        double total = 0;
        long up = 0;
        FedAvg fedAvg = new FedAvg(1000);
        // A bounded window of clients in flight keeps memory at a few vectors, not n.
        Deque<Future<byte[]>> window = new ArrayDeque<>();
        int next = 0;
        for (int done = 0; done < n; done++) {
            while (next < n && window.size() < 4) {
                int id = next++;
                window.add(pool.submit(() -> {
                    long c0 = THREADS.getCurrentThreadCpuTime();
                    byte[] b = Update.newBuilder().setClientId(id).setRound(1).setDelta(FloatVectors.encode(delta))
                            .setNumExamples(examples(id)).build().toByteArray();
                    clientNanos[id] = THREADS.getCurrentThreadCpuTime() - c0;
                    return b;
                }));
            }
            byte[] bytes = join(window.poll());
            long c0 = THREADS.getCurrentThreadCpuTime();
            up += bytes.length;
            Update u = parse(bytes);
            float[] v = FloatVectors.decode(u.getDelta(), "update");
            double w = fedAvg.weight(u.getNumExamples());
            for (int i = 0; i < v.length; i++) acc[i] += w * v[i];
            total += w;
            coord += THREADS.getCurrentThreadCpuTime() - c0;
        }
        long c0 = THREADS.getCurrentThreadCpuTime();
        float[] mean = new float[acc.length];
        for (int i = 0; i < acc.length; i++) mean[i] = (float) (acc[i] / total);
        coord += THREADS.getCurrentThreadCpuTime() - c0;
        long wall = System.nanoTime() - wall0;
        if (!Float.isFinite(mean[0])) throw new IllegalStateException("plain mean is not finite");
        return side(clientNanos, coord, coord, wall, (double) up / n, 0);
    }

    /** SecAgg+ through {@link SecAggRoundDriver} with every message serialized and parsed. */
    private static Side secureRound(int n, float[] delta, int k, int t, long roundId, int unmaskThreads, ExecutorService pool,
                                    SecureRandom random) {
        FedAvg fedAvg = new FedAvg(1000);
        StochasticQuantizer quantizer = new StochasticQuantizer(1.0, QUANTIZATION_BITS);
        int[] ids = new int[n];
        Arrays.setAll(ids, i -> i);
        AtomicLong coordinatorSerde = new AtomicLong();
        Map<Integer, TimedClient> relays = new TreeMap<>();
        for (int id : ids) {
            ClientUpdate u = new ClientUpdate(id, delta, examples(id));
            SecAggPlusClient c = new SecAggPlusClient(id, delta.length + 1,
                    () -> quantizer.quantize(fedAvg.encodeForSecureSum(u), AesCtrPrg.seededFrom(random)), random);
            relays.put(id, new TimedClient(c, pool, coordinatorSerde));
        }
        long wall0 = System.nanoTime();
        long c0 = THREADS.getCurrentThreadCpuTime();
        RoundParameters params = RoundParameters.create(roundId, ids, k, t, delta.length + 1, random);
        SecAggRoundDriver.Outcome out = SecAggRoundDriver.run(params, relays, Long.MAX_VALUE, unmaskThreads);
        float[] mean = FedAvg.decodeSecureSum(quantizer.dequantizeSum(out.result().sum(), out.result().contributors().length));
        long coord = THREADS.getCurrentThreadCpuTime() - c0 + coordinatorSerde.get();
        long wall = System.nanoTime() - wall0;
        if (Math.abs(mean[0] - delta[0]) > 1e-3) throw new IllegalStateException("SecAgg+ mean is off: " + mean[0] + " vs " + delta[0]);
        long[] clientNanos = new long[n];
        for (int id : ids) clientNanos[id] = relays.get(id).cpuNanos.get();
        double upBytes = out.bytesSent().values().stream().mapToLong(Long::longValue).average().orElse(0);
        double downBytes = out.bytesReceived().values().stream().mapToLong(Long::longValue).average().orElse(0);
        return side(clientNanos, coord + out.unmaskPoolCpu().criticalPathNanos(), coord + out.unmaskPoolCpu().totalNanos(), wall, upBytes,
                downBytes);
    }

    /**
     * A client state machine on the pool, its messages crossing as bytes. The client's share of
     * the work (parse request, handle, serialize reply) is charged to it; the coordinator's share
     * (serialize request, parse reply) to the coordinator.
     */
    private static final class TimedClient implements SecAggRelay {
        private final SecAggPlusClient client;
        private final ExecutorService pool;
        private final AtomicLong coordinatorSerde;
        final AtomicLong cpuNanos = new AtomicLong();

        TimedClient(SecAggPlusClient client, ExecutorService pool, AtomicLong coordinatorSerde) {
            this.client = client;
            this.pool = pool;
            this.coordinatorSerde = coordinatorSerde;
        }

        @Override
        public int clientId() { return client.clientId(); }

        @Override
        public CompletableFuture<ClientMessage> deliver(ServerMessage request) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            byte[] wire = request.toByteArray();
            coordinatorSerde.addAndGet(THREADS.getCurrentThreadCpuTime() - c0);
            return CompletableFuture.supplyAsync(() -> {
                long t0 = THREADS.getCurrentThreadCpuTime();
                byte[] reply;
                try {
                    reply = client.handle(ServerMessage.parseFrom(wire)).toByteArray();
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException(e);
                }
                long t1 = THREADS.getCurrentThreadCpuTime();
                cpuNanos.addAndGet(t1 - t0);
                try {
                    return ClientMessage.parseFrom(reply);
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException(e);
                } finally {
                    coordinatorSerde.addAndGet(THREADS.getCurrentThreadCpuTime() - t1);
                }
            }, pool);
        }
    }

    private static Side side(long[] clientNanos, long coordinatorNanos, long coordinatorCpuNanos, long wallNanos, double up, double down) {
        long[] s = clientNanos.clone();
        Arrays.sort(s);
        return new Side(s[s.length / 2] / 1e6, s[s.length - 1] / 1e6, coordinatorNanos / 1e6, coordinatorCpuNanos / 1e6, wallNanos / 1e6,
                up, down);
    }

    /** Field-wise medians. */
    private static Side median(Side[] v) {
        return new Side(med(v, Side::clientMsMedian), med(v, Side::clientMsMax), med(v, Side::coordinatorMs), med(v, Side::coordinatorCpuMs),
                med(v, Side::wallMs),
                med(v, Side::bytesUp), med(v, Side::bytesDown));
    }

    private static double med(Side[] v, java.util.function.ToDoubleFunction<Side> f) {
        double[] x = Arrays.stream(v).mapToDouble(f).sorted().toArray();
        return x[x.length / 2];
    }

    private static Update parse(byte[] b) {
        try {
            return Update.parseFrom(b);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("client task failed: " + e.getCause(), e.getCause());
        }
    }
}
