package io.memagent.agent.jvm;

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
    private volatile long heapUsedHighWater;
    private volatile double samplerCpuNanosTotal;
    private volatile long samplesTaken;

    /** The heap's state moved from {@code from} to {@code to} at that sample. */
    public record StateChange(long atMs, String from, String to, double utilizationPct) {
    }

    void addSample(JvmSample s, long samplerCpuNanos) {
        samples.add(s);
        if (s.heapUsedBytes() > heapUsedHighWater) {
            heapUsedHighWater = s.heapUsedBytes();
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
