package io.memagent.agent.report;

import io.memagent.agent.jvm.GcEvent;
import io.memagent.agent.jvm.JvmHistory;
import io.memagent.agent.jvm.JvmSample;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The exit report's JVM section: heap high-water mark, GC count and time, state changes. */
public final class JvmReport {
    private JvmReport() {
    }

    public static String render(JvmHistory history, List<String> oldGenPools) {
        StringBuilder sb = new StringBuilder("JVM:\n");
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed(); // each pool's own peak: an upper bound of the heap's
            }
        }
        JvmSample last = history.latest();
        sb.append(String.format(Locale.ROOT, "  heap high-water mark: %s at a sample (pools' peaks add up to %s)",
                Bytes.format(history.heapUsedHighWater()), Bytes.format(peak)));
        if (last != null) {
            sb.append(", max ").append(last.heapMaxBytes() == null ? "undefined" : Bytes.format(last.heapMaxBytes()));
        }
        sb.append('\n');
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sb.append(String.format(Locale.ROOT, "  %-22s %6d collections, %6d ms%n", gc.getName(),
                    gc.getCollectionCount(), gc.getCollectionTime()));
        }
        List<GcEvent> events = history.gcEvents();
        long longest = 0;
        for (GcEvent e : events) {
            longest = Math.max(longest, e.durationMs());
        }
        sb.append("  longest collection seen: ").append(longest).append(" ms; old generation: ")
                .append(String.join(", ", oldGenPools)).append('\n');
        if (last != null) {
            sb.append(String.format(Locale.ROOT, "  last sample: %s used of %s committed (%.1f%%, %s), %d threads, %d classes%n",
                    Bytes.format(last.heapUsedBytes()), Bytes.format(last.heapCommittedBytes()), last.utilizationPct(),
                    last.memoryState(), last.threadCount(), last.loadedClassCount()));
        }
        List<JvmHistory.StateChange> changes = history.stateChanges();
        if (changes.isEmpty()) {
            sb.append("  heap state: normal throughout\n");
        } else {
            for (JvmHistory.StateChange c : changes) {
                sb.append(String.format(Locale.ROOT, "  heap state %s -> %s at %s (%.1f%%)%n", c.from(), c.to(),
                        Instant.ofEpochMilli(c.atMs()), c.utilizationPct()));
            }
        }
        sb.append(String.format(Locale.ROOT, "  sampler: %d samples, %.1f us of CPU each%n", history.samplesTaken(),
                history.samplerMicrosPerSample()));
        return sb.toString();
    }
}
