package io.memagent.agent.report;

import io.memagent.agent.jdk.PlatformBeans;
import io.memagent.agent.util.Bytes;
import io.memagent.agent.jvm.GcEvent;
import io.memagent.agent.jvm.JvmHistory;
import io.memagent.agent.jvm.JvmSample;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Instant;
import java.util.List;
import io.memagent.agent.util.Text;

/** The exit report's JVM section: heap high-water mark, GC count and time, state changes. */
public final class JvmReport {
    private JvmReport() {
    }

    /** The resident set, the container's limit and usage, and NMT's categories at the last reading. */
    private static void outsideHeap(StringBuilder sb, JvmHistory history, JvmSample last) {
        if (last == null || last.processRssBytes() == null) {
            return;
        }
        sb.append(Text.format("  resident set: %s at the last sample (high-water %s); heap committed %s"
                        + " (resident once touched)%n", Bytes.format(last.processRssBytes()), Bytes.format(history.rssHighWater()),
                Bytes.format(last.heapCommittedBytes())));
        String against = last.containerLimitBytes() != null ? "container limit " + Bytes.format(last.containerLimitBytes())
                + " (" + history.containerLimitSource() + ")" : "no container limit; physical memory "
                + Bytes.format(history.containerLimitAgainstBytes());
        sb.append(Text.format("  %s: resident set %.1f%% of it (%s)%s%n", against,
                last.containerUtilizationPct() == null ? 0.0 : last.containerUtilizationPct(), last.containerState(),
                last.containerUsedBytes() == null ? "" : "; the container's usage (page cache included) "
                        + Bytes.format(last.containerUsedBytes())));
        io.memagent.agent.jvm.NativeMemory.Reading nmt = history.nativeMemory();
        if (nmt != null) {
            io.memagent.agent.jvm.NativeMemory.Reading first = history.nativeMemoryFirst();
            StringBuilder cats = new StringBuilder();
            int i = 0;
            for (java.util.Map.Entry<String, Long> e : nmt.committedByCategory().entrySet()) {
                if (i++ == 8) {
                    break;
                }
                long was = first == null ? e.getValue() : first.committedByCategory().getOrDefault(e.getKey(), 0L);
                cats.append(i > 1 ? ", " : "").append(e.getKey()).append(' ').append(Bytes.format(e.getValue()));
                if (e.getValue() != was) {
                    cats.append(" (").append(e.getValue() > was ? "+" : "-").append(Bytes.format(Math.abs(e.getValue() - was)))
                            .append(')');
                }
            }
            sb.append(Text.format("  native memory committed (NMT): %s; %s (changes since the first reading)%n",
                    Bytes.format(nmt.totalCommittedBytes()), cats));
        }
    }

    public static String render(JvmHistory history, List<String> oldGenPools) {
        StringBuilder sb = new StringBuilder("JVM:\n");
        long peak = 0;
        for (MemoryPoolMXBean pool : PlatformBeans.memoryPools()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed(); // each pool's own peak: an upper bound of the heap's
            }
        }
        JvmSample last = history.latest();
        sb.append(Text.format("  heap high-water mark: %s at a sample (pools' peaks add up to %s)",
                Bytes.format(history.heapUsedHighWater()), Bytes.format(peak)));
        if (last != null) {
            sb.append(", max ").append(last.heapMaxBytes() == null ? "undefined" : Bytes.format(last.heapMaxBytes()));
        }
        sb.append('\n');
        for (GarbageCollectorMXBean gc : PlatformBeans.garbageCollectors()) {
            sb.append(Text.format("  %-22s %6d collections, %6d ms%n", gc.getName(),
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
            sb.append(Text.format("  last sample: %s used of %s committed (%.1f%%, %s), %d threads, %d classes%n",
                    Bytes.format(last.heapUsedBytes()), Bytes.format(last.heapCommittedBytes()), last.utilizationPct(),
                    last.memoryState(), last.threadCount(), last.loadedClassCount()));
        }
        outsideHeap(sb, history, last);
        List<JvmHistory.StateChange> changes = history.stateChanges();
        if (changes.isEmpty()) {
            sb.append("  heap state: normal throughout\n");
        } else {
            for (JvmHistory.StateChange c : changes) {
                sb.append(Text.format("  heap state %s -> %s at %s (%.1f%%)%n", c.from(), c.to(),
                        Instant.ofEpochMilli(c.atMs()), c.utilizationPct()));
            }
        }
        List<JvmHistory.StateChange> container = history.containerStateChanges();
        if (last != null && last.containerState() != null) {
            if (container.isEmpty()) {
                sb.append("  container memory state: normal throughout\n");
            }
            for (JvmHistory.StateChange c : container) {
                sb.append(Text.format("  container memory state %s -> %s at %s (%.1f%%)%n", c.from(), c.to(),
                        Instant.ofEpochMilli(c.atMs()), c.utilizationPct()));
            }
        }
        sb.append(Text.format("  sampler: %d samples, %.1f us of CPU each%n", history.samplesTaken(),
                history.samplerMicrosPerSample()));
        if (history.nativeReadings() > 0) {
            sb.append(Text.format("  native memory tracking: %d readings, %.0f us each (the first %.0f us)%n",
                    history.nativeReadings(), history.nativeReadMicros(), history.nativeFirstReadMicros()));
        }
        return sb.toString();
    }
}
