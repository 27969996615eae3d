package org.privmed.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How every per-operation HE benchmark is measured, kept in one place so that the CKKS and BFV
 * figures in docs/performance.md stay comparable with each other and with SEAL's: one fork with a
 * fixed, pre-touched 2 GB heap, 3 warm-up and 5 measured iterations of 2 s, average time per
 * operation in milliseconds, state shared by the benchmark's single thread. JMH applies these
 * class annotations to the subclasses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public abstract class HeOpsMeasurement {
}
