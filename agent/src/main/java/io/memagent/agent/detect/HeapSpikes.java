package io.memagent.agent.detect;

import io.memagent.agent.jdk.PlatformBeans;
import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.jvm.SampleListener;
import java.util.List;
import java.util.Locale;

/**
 * Heap-level spikes: heap used at a sample more than {@code memagent.spike.medium.mb} above the
 * previous sample's (medium / high / critical by the same thresholds as calls). The row, with
 * operation {@code (heap)}, names in its stack text the profiled operations that allocated most
 * in that interval. Not during the first {@code memagent.spike.heap.warmup.ms} of the JVM's life:
 * a framework's start-up (Spring's context, class loading) raises the heap by tens of MiB between
 * samples as a matter of course. Nor when operations that made cold calls in the interval (calls during
 * which their thread loaded classes) account for half the jump or more. Sampler thread only.
 */
public final class HeapSpikes implements SampleListener {
    public static final String OPERATION = "(heap)";
    /** How long a heap spike waits for the call that caused it to end before naming operations. */
    static final long SETTLE_NS = 100_000_000L;
    /** At most this many waits of {@link #SETTLE_NS} for the profiled calls to account for the jump. */
    static final int MAX_SETTLES = 10;
    static final int TOP = 5;

    private final SpikeThresholds thresholds;
    private final SpikeDetector spikes;
    private final OperationDeltas deltas;
    /** Brings every call that has ended into the run's figures (blocks a few milliseconds). */
    private final Runnable collectNow;
    private long lastUsed = -1;
    /** Before this (epoch ms), jumps only move the baseline: start-up fills the heap by design. */
    private final long warmupEndsAtMs;

    /** @param warmupMs {@code memagent.spike.heap.warmup.ms}: jumps this soon after the JVM started are start-up */
    public HeapSpikes(SpikeThresholds thresholds, long warmupMs, SpikeDetector spikes, OperationDeltas deltas,
                      Runnable collectNow) {
        this(thresholds, spikes, deltas, collectNow,
                PlatformBeans.runtime().getStartTime() + warmupMs);
    }

    HeapSpikes(SpikeThresholds thresholds, SpikeDetector spikes, OperationDeltas deltas, Runnable collectNow,
               long warmupEndsAtMs) {
        this.thresholds = thresholds;
        this.spikes = spikes;
        this.deltas = deltas;
        this.collectNow = collectNow;
        this.warmupEndsAtMs = warmupEndsAtMs;
    }

    @Override
    public void onSample(JvmSample s) {
        long used = s.heapUsedBytes();
        long jump = lastUsed < 0 ? 0 : used - lastUsed;
        lastUsed = used;
        long[] t = thresholds.bytes();
        if (jump < t[0] || s.recordedAtMs() < warmupEndsAtMs) {
            deltas.at(s.recordedAtMs());
            return;
        }
        // The call that allocated the jump may still be running (zeroing 40 MB can take tens of ms on a
        // loaded machine), and once it ends its figures sit in its thread's period until collected:
        // give it a moment, then collect every thread now (the sampler's own thread waits; heap spikes
        // are rare) so the interval's figures include it.
        java.util.concurrent.locks.LockSupport.parkNanos(SETTLE_NS);
        collectNow.run();
        List<OperationDeltas.Delta> interval = deltas.at(s.recordedAtMs());
        // While the profiled calls account for less than half the jump, the call that made it may still run (a
        // thread descheduled on a busy machine): look again, up to MAX_SETTLES times. A jump no profiled code made
        // costs the sampler's thread that second once; the interval keeps its start, so nothing is counted twice.
        for (int i = 1; i < MAX_SETTLES && bytes(interval) < jump / 2; i++) {
            java.util.concurrent.locks.LockSupport.parkNanos(SETTLE_NS);
            collectNow.run();
            interval = deltas.recount();
        }
        if (coldBytes(interval) * 2 >= jump) {
            // Most of the jump is operations that made cold calls (their thread loaded classes: a first use's
            // one-off set-up): no spike, as for the calls themselves; the baseline has moved.
            return;
        }
        int level = jump >= t[2] ? 2 : jump >= t[1] ? 1 : 0;
        StringBuilder top = new StringBuilder(String.format(Locale.ROOT,
                "heap used rose by %d bytes since the previous sample (to %d); operations that allocated most in the interval:%n",
                jump, used));
        for (int i = 0; i < Math.min(TOP, interval.size()); i++) {
            OperationDeltas.Delta d = interval.get(i);
            top.append(String.format(Locale.ROOT, "\t%s: %d bytes in %d calls%n", d.name(), d.bytes(), d.calls()));
        }
        if (interval.isEmpty()) {
            top.append("\t(no profiled operation ran in the interval)\n");
        }
        spikes.recordHeapSpike(level == 2 ? "critical" : level == 1 ? "high" : "medium", jump, t[level], top.toString(),
                s.recordedAtMs());
    }

    /** Bytes of the interval's operations that made a cold call in it. */
    private static long coldBytes(List<OperationDeltas.Delta> interval) {
        long sum = 0;
        for (OperationDeltas.Delta d : interval) {
            if (d.coldCalls() > 0) {
                sum += d.bytes();
            }
        }
        return sum;
    }

    private static long bytes(List<OperationDeltas.Delta> interval) {
        long sum = 0;
        for (OperationDeltas.Delta d : interval) {
            sum += d.bytes();
        }
        return sum;
    }
}
