package io.memagent.bench;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of one profiled call, side by side in one JVM (run with {@code -javaagent}, see
 * {@link HotPathRun}): each profiled method against its unannotated twin, and the floor, the
 * four reads any exact measurement of a call needs (two allocation-counter reads, two clock
 * reads), in the order the agent makes them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBench {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Benchmark
    public long floor() {
        long t0 = System.nanoTime();
        long b0 = THREADS.getCurrentThreadAllocatedBytes();
        long b1 = THREADS.getCurrentThreadAllocatedBytes();
        long t1 = System.nanoTime();
        return (b1 - b0) + (t1 - t0);
    }

    @Benchmark
    public void emptyPlain() {
        Plain.empty();
    }

    @Benchmark
    public void emptyProfiled() {
        Profiled.empty();
    }

    @Benchmark
    public void smallPlain(Blackhole bh) {
        bh.consume(Plain.small());
    }

    @Benchmark
    public void smallProfiled(Blackhole bh) {
        bh.consume(Profiled.small());
    }

    @Benchmark
    public void oneMbPlain(Blackhole bh) {
        bh.consume(Plain.oneMb());
    }

    @Benchmark
    public void oneMbProfiled(Blackhole bh) {
        bh.consume(Profiled.oneMb());
    }
}
