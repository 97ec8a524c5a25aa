package io.memagent.agent.jvm;

import io.memagent.agent.util.Ring;
import java.util.List;

/**
 * What the sampler and the GC listener saw, in memory: the source of the exit report's JVM
 * section and of the HTTP API in either mode. Bounded: the last {@link #SAMPLES} samples (an
 * hour at a 5 s period), {@link #GC_EVENTS} collections and {@link #STATE_CHANGES} state changes.
 */
public final class JvmHistory {
    public static final int SAMPLES = 720;
    public static final int GC_EVENTS = 1_000;
    public static final int STATE_CHANGES = 100;

    private final Ring<JvmSample> samples = new Ring<>(SAMPLES);
    private final Ring<GcEvent> gcEvents = new Ring<>(GC_EVENTS);
    private final Ring<StateChange> stateChanges = new Ring<>(STATE_CHANGES);
    private final Ring<StateChange> containerStateChanges = new Ring<>(STATE_CHANGES);
    private volatile NativeMemory.Reading nativeMemory;
    private volatile NativeMemory.Reading nativeMemoryFirst;
    private volatile long nativeReadings;
    private volatile long nativeReadNanosTotal;
    private volatile long nativeFirstReadNanos;
    private volatile long rssHighWater;
    private volatile String containerLimitSource;
    private volatile long containerLimitAgainstBytes;
    private volatile long heapUsedHighWater;
    private volatile double samplerCpuNanosTotal;
    private volatile long samplesTaken;

    /** The heap's (or the container's) state moved from {@code from} to {@code to} at that sample. */
    public record StateChange(long atMs, String from, String to, double utilizationPct) {
    }

    void addSample(JvmSample s, long samplerCpuNanos) {
        samples.add(s);
        if (s.heapUsedBytes() > heapUsedHighWater) {
            heapUsedHighWater = s.heapUsedBytes();
        }
        if (s.processRssBytes() != null && s.processRssBytes() > rssHighWater) {
            rssHighWater = s.processRssBytes();
        }
        samplerCpuNanosTotal += samplerCpuNanos;
        samplesTaken++;
    }

    void addGcEvent(GcEvent e) {
        gcEvents.add(e);
    }

    void addStateChange(StateChange c) {
        stateChanges.add(c);
    }

    void addContainerStateChange(StateChange c) {
        containerStateChanges.add(c);
    }

    void nativeMemoryRead(NativeMemory.Reading r) {
        if (nativeMemoryFirst == null) {
            nativeMemoryFirst = r;
        }
        nativeMemory = r;
        if (nativeReadings == 0) {
            nativeFirstReadNanos = r.tookNanos();
        } else {
            nativeReadNanosTotal += r.tookNanos();
        }
        nativeReadings++;
    }

    void containerLimit(String source, long againstBytes) {
        containerLimitSource = source;
        containerLimitAgainstBytes = againstBytes;
    }

    /** The container memory state's changes (resident set against the limit). */
    public List<StateChange> containerStateChanges() {
        return containerStateChanges.list();
    }

    /** The latest native memory reading, or null without {@code -XX:NativeMemoryTracking} (or before the first). */
    public NativeMemory.Reading nativeMemory() {
        return nativeMemory;
    }

    /** The run's first native memory reading, or null. */
    public NativeMemory.Reading nativeMemoryFirst() {
        return nativeMemoryFirst;
    }

    public long nativeReadings() {
        return nativeReadings;
    }

    /**
     * What one native memory reading cost, on average, in microseconds (wall time on the sampler's
     * thread), the first one apart: it also starts the platform MBean server if nothing had yet.
     */
    public double nativeReadMicros() {
        return nativeReadings < 2 ? nativeFirstReadNanos / 1000.0 : nativeReadNanosTotal / (double) (nativeReadings - 1) / 1000.0;
    }

    /** The first reading's cost in microseconds. */
    public double nativeFirstReadMicros() {
        return nativeFirstReadNanos / 1000.0;
    }

    /** The largest resident set at any sample; 0 where the platform does not say. */
    public long rssHighWater() {
        return rssHighWater;
    }

    /** Where the limit the container state is measured against comes from: configured, cgroup v1/v2, physical memory. */
    public String containerLimitSource() {
        return containerLimitSource;
    }

    /** The limit the container state is measured against (the physical memory when no limit is set); 0 if unknown. */
    public long containerLimitAgainstBytes() {
        return containerLimitAgainstBytes;
    }

    public List<JvmSample> samples() {
        return samples.list();
    }

    public JvmSample latest() {
        return samples.last();
    }

    public List<GcEvent> gcEvents() {
        return gcEvents.list();
    }

    public List<StateChange> stateChanges() {
        return stateChanges.list();
    }

    /** The most heap used at any sample. */
    public long heapUsedHighWater() {
        return heapUsedHighWater;
    }

    public long samplesTaken() {
        return samplesTaken;
    }

    /** The sampler's own CPU time per sample, on average, in microseconds. */
    public double samplerMicrosPerSample() {
        return samplesTaken == 0 ? 0 : samplerCpuNanosTotal / samplesTaken / 1000.0;
    }
}
