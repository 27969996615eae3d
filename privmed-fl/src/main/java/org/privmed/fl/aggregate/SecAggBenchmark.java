package org.privmed.fl.aggregate;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.privmed.fl.secagg.StochasticQuantizer;

/**
 * Micro-benchmark (a main, not a test): wall time of the aggregation step of one round, plain
 * FedAvg versus FedAvg through SecAgg+, for several client counts and a 1M-float update.
 * Only aggregation is timed — no local training — so the ratio is the protocol's overhead on its
 * own, an upper bound on what it adds to a full round. Process CPU time is printed beside wall
 * time because on a shared machine wall time mostly measures the other tenants.
 *
 * <p>Usage: {@code SecAggBenchmark [clients,…] [dimension] [repetitions] [threads]}; defaults
 * 10,50,100 · 1,000,000 · 3 · available processors.
 */
public final class SecAggBenchmark {
    private SecAggBenchmark() {}

    public static void main(String[] args) throws Exception {
        int[] clientCounts = args.length > 0 ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {10, 50, 100};
        int d = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        SecureRandom random = new SecureRandom();
        FedAvg fedAvg = new FedAvg(1000);
        StochasticQuantizer quantizer = new StochasticQuantizer(1.0, 22);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        System.out.printf("d=%d, threads=%d, repetitions=%d (median), quantization 22 bits, clipping range 1.0%n", d, threads, reps);
        System.out.printf("%8s %4s %4s %10s %10s %7s %12s %12s %9s %15s %15s%n", "clients", "k", "t", "plain_ms", "secagg_ms", "ratio",
                "plain_cpu_ms", "secagg_cpu_ms", "cpu_ratio", "plain_B/client", "secagg_B/client");
        try {
            for (int n : clientCounts) {
                List<ClientUpdate> updates = updates(n, d);
                int k = numShares(n);
                int t = k / 2 + 1;
                long[] plain = new long[reps];
                long[] secure = new long[reps];
                long[] plainCpu = new long[reps];
                long[] secureCpu = new long[reps];
                double plainBytes = 0;
                double secureBytes = 0;
                for (int r = 0; r < reps; r++) {
                    long c0 = cpuNanos();
                    long t0 = System.nanoTime();
                    plainBytes = AggregationRounds.plain(updates, fedAvg).meanBytesPerClient();
                    plain[r] = System.nanoTime() - t0;
                    plainCpu[r] = cpuNanos() - c0;
                    c0 = cpuNanos();
                    t0 = System.nanoTime();
                    secureBytes = AggregationRounds.secure(updates, fedAvg, quantizer, r, k, t, Map.of(), pool, random).meanBytesPerClient();
                    secure[r] = System.nanoTime() - t0;
                    secureCpu[r] = cpuNanos() - c0;
                }
                double p = median(plain) / 1e6;
                double s = median(secure) / 1e6;
                double pc = median(plainCpu) / 1e6;
                double sc = median(secureCpu) / 1e6;
                System.out.printf("%8d %4d %4d %10.1f %10.1f %7.1f %12.1f %12.1f %9.1f %15.0f %15.0f%n", n, k, t, p, s, s / p,
                        pc, sc, sc / pc, plainBytes, secureBytes);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** An odd neighbourhood size growing like 2·log₂ n (Bell et al.: O(log n)), or n when smaller. */
    static int numShares(int n) {
        int k = 2 * (int) Math.ceil(Math.log(n) / Math.log(2)) + 1;
        return Math.min(k, n % 2 == 1 ? n : n - 1);
    }

    private static List<ClientUpdate> updates(int n, int d) {
        SplittableRandom r = new SplittableRandom(n);
        List<ClientUpdate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] delta = new float[d];
            for (int j = 0; j < d; j++) delta[j] = (float) (r.nextDouble() * 0.02 - 0.01);
            out.add(new ClientUpdate(i, delta, 100 + r.nextInt(900)));
        }
        return out;
    }

    /** CPU time of the whole process (all threads, GC included). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
