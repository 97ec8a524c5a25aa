package io.memagent.agent.detect;

import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.jvm.SampleListener;
import io.memagent.agent.store.RowSink;
import io.memagent.agent.util.Text;
import java.util.ArrayList;
import java.util.List;

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
public final class ResourceLeaks implements SampleListener {
    static final long BASELINE_MS = 60_000;
    static final long STACK_BYTES_PER_THREAD = 1L << 20;

    private final int threadsGrowth;
    private final long classesGrowth;
    private final long windowMs;
    private final long growthPerHour;
    private long firstMs = Long.MIN_VALUE;
    private int baseThreads = Integer.MAX_VALUE;
    private int baseClasses = Integer.MAX_VALUE;
    private long baseMetaspace;
    private final List<JvmSample> window = new ArrayList<>();
    private final OpenLeaks leaks;


    /**
     * @param threadsGrowth {@code memagent.leak.threads.growth}
     * @param classesGrowth {@code memagent.leak.classes.growth}
     */
    public ResourceLeaks(LeakRules rules, int threadsGrowth, long classesGrowth, RowSink sink) {
        this.leaks = new OpenLeaks(sink);
        this.threadsGrowth = threadsGrowth;
        this.classesGrowth = classesGrowth;
        this.windowMs = rules.windowMs();
        this.growthPerHour = rules.growthBytesPerHour();
    }

    /**
     * Each leak's context is written only while it is being recorded: this runs at every sample from the JVM's start
     * on, and formatting three contexts a sample was most of the sampler's CPU in an app's start (the formatter's
     * first use sets up locale data).
     */
    @Override
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
        if (extraThreads > threadsGrowth) {
            leaks.leaking("thread_growth", "thread_growth", "threads", "threshold_over_baseline",
                    extraThreads * STACK_BYTES_PER_THREAD, Text.format(
                            "{\"threads\":%d,\"baseline_threads\":%d,\"threshold\":%d,"
                                    + "\"stack_bytes_per_thread_estimate\":%d}",
                            s.threadCount(), baseThreads, threadsGrowth, STACK_BYTES_PER_THREAD), now);
        } else if (extraThreads <= threadsGrowth / 2) {
            leaks.resolve("thread_growth", "thread_growth", now);
        }

        int extraClasses = s.loadedClassCount() - baseClasses;
        boolean rising = now - oldest.recordedAtMs() >= windowMs / 2 && s.loadedClassCount() > oldest.loadedClassCount();
        if (extraClasses > classesGrowth && rising) {
            long metaspaceGrowth = Math.max(0,
                    (s.metaspaceUsedBytes() == null ? 0 : s.metaspaceUsedBytes()) - baseMetaspace);
            leaks.leaking("class_growth", "class_growth", "classes", "threshold_over_baseline", metaspaceGrowth,
                    Text.format("{\"loaded_classes\":%d,\"baseline_classes\":%d,\"threshold\":%d,"
                                    + "\"classes_a_window_ago\":%d,\"metaspace_growth_bytes\":%d}",
                            s.loadedClassCount(), baseClasses, classesGrowth, oldest.loadedClassCount(),
                            metaspaceGrowth), now);
        } else if (!rising) {
            leaks.resolve("class_growth", "class_growth", now);
        }

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
        if (directLeak) {
            leaks.leaking("direct_buffer_growth", "direct_buffer_growth", "direct buffers", "least_squares_slope",
                    (long) Math.max(0, d.slopePerMs() * (t[n - 1] - t[0])),
                    Text.format("{\"direct_bytes\":%d,\"direct_slope_bytes_per_hour\":%d,\"r2\":%.4f,"
                                    + "\"heap_slope_bytes_per_hour\":%d,\"window_ms\":%d}", (long) direct[n - 1],
                            (long) d.slopePerHour(), d.r2(), (long) h.slopePerHour(), windowMs), now);
        } else if (spanned) {
            leaks.resolve("direct_buffer_growth", "direct_buffer_growth", now);
        }
    }

    /** The latest version of each leak of this kind seen in this run. */
    public synchronized List<LeakRow> leaks() {
        return leaks.all();
    }

    public synchronized int openLeaks() {
        return leaks.count();
    }

    /** At exit: the open leaks' latest figures. */
    public synchronized void flush(long nowMs) {
        leaks.flush(nowMs);
    }
}
