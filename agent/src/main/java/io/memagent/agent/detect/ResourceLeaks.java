package io.memagent.agent.detect;

import io.memagent.agent.config.Config;
import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.store.RowSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Leaks of what is not the heap, from the samples, each one {@code memory_leak_detection} row while
 * it lasts (updated, then {@code resolved}):
 * <ul>
 * <li>{@code thread_growth}: live threads more than {@code memagent.leak.threads.growth} above the
 * baseline, the fewest seen in the first minute. Leaked bytes estimate 1 MiB of stack per extra
 * thread (the JVM's default on 64-bit Linux). Resolved when back within half the threshold.</li>
 * <li>{@code class_growth}: loaded classes more than {@code memagent.leak.classes.growth} above the
 * baseline and higher than a window ago (loading without unloading). Leaked bytes: metaspace
 * growth since the baseline. Resolved when no longer rising over a window.</li>
 * <li>{@code direct_buffer_growth}: direct buffer bytes rising over the leak window faster than
 * {@code memagent.leak.growth.mb.per.hour} and faster than the heap (least squares, R² >= 0.8 for
 * the buffers). Resolved when that stops.</li>
 * </ul>
 * Runs on the sampler's thread.
 */
public final class ResourceLeaks {
    static final long BASELINE_MS = 60_000;
    static final long STACK_BYTES_PER_THREAD = 1L << 20;
    static final long UPDATE_EVERY_MS = 30_000;

    private final RowSink sink;
    private final int threadsGrowth;
    private final long classesGrowth;
    private final long windowMs;
    private final long growthPerHour;
    private long firstMs = Long.MIN_VALUE;
    private int baseThreads = Integer.MAX_VALUE;
    private int baseClasses = Integer.MAX_VALUE;
    private long baseMetaspace;
    private final List<JvmSample> window = new ArrayList<>();
    private final Map<String, Open> open = new LinkedHashMap<>();
    private final Map<UUID, LeakRow> seen = new LinkedHashMap<>();

    private static final class Open {
        final UUID id = UUID.randomUUID();
        final long detectedAtMs;
        final String source;
        String severity;
        long offeredAtMs;
        long updatedMs;
        LeakRow row;

        Open(long detectedAtMs, String source) {
            this.detectedAtMs = detectedAtMs;
            this.source = source;
        }
    }

    public ResourceLeaks(Config config, RowSink sink) {
        this.sink = sink;
        this.threadsGrowth = config.leakThreadsGrowth();
        this.classesGrowth = config.leakClassesGrowth();
        this.windowMs = config.leakWindowMs();
        this.growthPerHour = config.leakGrowthBytesPerHour();
    }

    public synchronized void onSample(JvmSample s) {
        long now = s.recordedAtMs();
        if (firstMs == Long.MIN_VALUE) {
            firstMs = now;
        }
        if (now - firstMs <= BASELINE_MS) {
            baseThreads = Math.min(baseThreads, s.threadCount());
            if (s.loadedClassCount() < baseClasses) {
                baseClasses = s.loadedClassCount();
                baseMetaspace = s.metaspaceUsedBytes() == null ? 0 : s.metaspaceUsedBytes();
            }
        }
        window.add(s);
        while (window.size() > 2 && window.get(0).recordedAtMs() < now - windowMs) {
            window.remove(0);
        }
        JvmSample oldest = window.get(0);

        int extraThreads = s.threadCount() - baseThreads;
        judge("thread_growth", "threads", extraThreads > threadsGrowth, extraThreads <= threadsGrowth / 2,
                extraThreads * STACK_BYTES_PER_THREAD, "threshold_over_baseline", now, String.format(Locale.ROOT,
                        "{\"threads\":%d,\"baseline_threads\":%d,\"threshold\":%d,\"stack_bytes_per_thread_estimate\":%d}",
                        s.threadCount(), baseThreads, threadsGrowth, STACK_BYTES_PER_THREAD));

        int extraClasses = s.loadedClassCount() - baseClasses;
        boolean rising = now - oldest.recordedAtMs() >= windowMs / 2 && s.loadedClassCount() > oldest.loadedClassCount();
        long metaspaceGrowth = Math.max(0, (s.metaspaceUsedBytes() == null ? 0 : s.metaspaceUsedBytes()) - baseMetaspace);
        judge("class_growth", "classes", extraClasses > classesGrowth && rising, !rising, metaspaceGrowth,
                "threshold_over_baseline", now, String.format(Locale.ROOT,
                        "{\"loaded_classes\":%d,\"baseline_classes\":%d,\"threshold\":%d,\"classes_a_window_ago\":%d,"
                                + "\"metaspace_growth_bytes\":%d}",
                        s.loadedClassCount(), baseClasses, classesGrowth, oldest.loadedClassCount(), metaspaceGrowth));

        int n = window.size();
        long[] t = new long[n];
        double[] direct = new double[n];
        double[] heap = new double[n];
        for (int i = 0; i < n; i++) {
            JvmSample w = window.get(i);
            t[i] = w.recordedAtMs();
            direct[i] = w.directBufferBytes() == null ? 0 : w.directBufferBytes();
            heap[i] = w.oldGenUsedAfterGcBytes() == null ? w.heapUsedBytes() : w.oldGenUsedAfterGcBytes();
        }
        LinearFit d = LinearFit.of(t, direct, 0, n);
        LinearFit h = LinearFit.of(t, heap, 0, n);
        boolean spanned = n >= 8 && t[n - 1] - t[0] >= windowMs / 2;
        boolean directLeak = spanned && d.slopePerHour() > growthPerHour && d.r2() >= LeakDetector.MIN_R2
                && d.slopePerHour() > h.slopePerHour();
        judge("direct_buffer_growth", "direct buffers", directLeak, spanned && !directLeak,
                (long) Math.max(0, d.slopePerMs() * (t[n - 1] - t[0])), "least_squares_slope", now,
                String.format(Locale.ROOT, "{\"direct_bytes\":%d,\"direct_slope_bytes_per_hour\":%d,\"r2\":%.4f,"
                                + "\"heap_slope_bytes_per_hour\":%d,\"window_ms\":%d}", (long) direct[n - 1],
                        (long) d.slopePerHour(), d.r2(), (long) h.slopePerHour(), windowMs));
    }

    private void judge(String type, String source, boolean leaking, boolean over, long bytes, String method, long now,
                       String context) {
        Open o = open.get(type);
        if (leaking) {
            if (o == null) {
                o = new Open(now, source);
                open.put(type, o);
            }
            String severity = LeakRow.severityOf(bytes);
            o.row = new LeakRow(o.id, type, source, bytes, method, null, context, severity, false, null, o.detectedAtMs, 0);
            if (o.severity == null || !severity.equals(o.severity) || now - o.offeredAtMs >= UPDATE_EVERY_MS) {
                o.severity = severity;
                offer(o, o.row, now);
            }
        } else if (o != null && over) {
            offer(o, new LeakRow(o.id, type, source, o.row.leakedBytes(), method, null, o.row.contextJson(), o.row.severity(),
                    true, now, o.detectedAtMs, 0), now);
            open.remove(type);
        }
    }

    private void offer(Open o, LeakRow r, long now) {
        long updated = Math.max(now, o.updatedMs + 1);
        o.updatedMs = updated;
        o.offeredAtMs = now;
        LeakRow row = new LeakRow(r.leakId(), r.leakType(), r.leakSource(), r.leakedBytes(), r.detectionMethod(),
                r.stackTrace(), r.contextJson(), r.severity(), r.resolved(), r.resolvedAtMs(), r.detectedAtMs(), updated);
        o.row = row;
        seen.put(row.leakId(), row);
        sink.offer(row);
    }

    /** The latest version of each leak of this kind seen in this run. */
    public synchronized List<LeakRow> leaks() {
        List<LeakRow> out = new ArrayList<>(seen.values());
        for (Open o : open.values()) {
            out.removeIf(r -> r.leakId().equals(o.id));
            out.add(o.row);
        }
        return out;
    }

    public synchronized int openLeaks() {
        return open.size();
    }

    /** At exit: the open leaks' latest figures. */
    public synchronized void flush(long nowMs) {
        for (Open o : open.values()) {
            if (o.row != seen.get(o.id)) {
                offer(o, o.row, nowMs);
            }
        }
    }
}
