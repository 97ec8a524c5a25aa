package io.memagent.agent.detect;

import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.jvm.SampleListener;
import io.memagent.agent.jvm.NativeMemory;
import io.memagent.agent.store.RowSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Native leaks: memory outside the Java heap growing steadily while the old generation after GC
 * stays flat (direct buffers, threads, class loaders, JNI libraries, malloc). Two series, each
 * judged by the heap leak rules of {@link LeakDetector} (least-squares slope above
 * {@code memagent.leak.growth.mb.per.hour} with R² >= 0.8, points spanning half of
 * {@code memagent.leak.window.ms} and a floor that rose; or 100 MiB within 5 minutes, confirmed by
 * the last three points), with the same severities:
 * <ul>
 * <li>with {@code -XX:NativeMemoryTracking}: NMT's committed total minus its "Java Heap", one point
 * per reading; the row names the category that grew most between the window's first reading and
 * the latest ({@code leak_source} "native memory (NMT category Other)");</li>
 * <li>always on Linux: the resident set minus the heap's committed size, one point per sample
 * ({@code leak_source} "process resident memory outside the heap"). With NMT on, it is reported
 * only once NMT's series spans half a window, grew at less than half the resident set's pace, and
 * the NMT categories that grew over the window add up to less than half the resident set's growth:
 * then what grows is memory NMT does not see (native libraries' own malloc, glibc arenas).</li>
 * </ul>
 * "Flat" is the old generation after GC (the heap in use where no old collection has happened
 * yet), fitted over the same points, growing by less than a quarter of the native series: a heap
 * leak drags native memory along (its pages become resident), and is the heap detector's to
 * report. Nothing is looked at during {@code memagent.leak.native.warmup.ms} after the JVM
 * started: start-up grows native memory (JIT code, classes, the heap's first touch) without
 * leaking. One {@code memory_leak_detection} row of type {@code native_memory_growth} per leak,
 * updated at most every 30 s (or on a new severity), resolved after half a window without the
 * rule holding. Runs on the sampler's thread.
 */
public final class NativeLeaks implements SampleListener {
    public static final String TYPE = "native_memory_growth";
    static final String NMT = "nmt";
    static final String RSS = "rss";

    private final Supplier<NativeMemory.Reading> latestReading;
    private final long notBeforeMs;
    private final long windowMs;
    private final long growthPerHour;
    private final List<long[]> nmtPoints = new ArrayList<>(); // {atMs, committed outside the heap}
    private final List<NativeMemory.Reading> readings = new ArrayList<>();
    private final List<long[]> rssPoints = new ArrayList<>(); // {atMs, rss - heap committed}
    private final List<JvmSample> samples = new ArrayList<>();
    private final OpenLeaks leaks;


    /** What one series' rules found. */
    private record Verdict(boolean leaking, long growth, String method, LinearFit fit, long span, int points,
                           long rise, double heapSlopePerHour) {
    }

    /**
     * @param warmupMs {@code memagent.leak.native.warmup.ms}
     * @param jvmStartMs when the JVM started: nothing is judged until the warm-up after it has passed
     * @param latestReading the latest NMT reading (a sample that carries NMT figures was taken with it)
     */
    public NativeLeaks(LeakRules rules, long warmupMs, RowSink sink, long jvmStartMs,
                       Supplier<NativeMemory.Reading> latestReading) {
        this.leaks = new OpenLeaks(sink);
        this.latestReading = latestReading;
        this.notBeforeMs = jvmStartMs + warmupMs;
        this.windowMs = rules.windowMs();
        this.growthPerHour = rules.growthBytesPerHour();
    }

    @Override
    public synchronized void onSample(JvmSample s) {
        long now = s.recordedAtMs();
        if (now < notBeforeMs) {
            return;
        }
        samples.add(s);
        if (s.nativeCommittedBytes() != null) {
            NativeMemory.Reading r = latestReading.get();
            if (r != null) {
                readings.add(r);
                nmtPoints.add(new long[] {now, r.outsideHeapBytes()});
            }
        }
        if (s.processRssBytes() != null) {
            rssPoints.add(new long[] {now, s.processRssBytes() - s.heapCommittedBytes()});
        }
        long keepFrom = now - Math.max(windowMs, LeakDetector.FAST_WINDOW_MS);
        trim(nmtPoints, keepFrom);
        trim(rssPoints, keepFrom);
        while (!readings.isEmpty() && (readings.get(0).atMs() < keepFrom || readings.size() > LeakDetector.MAX_POINTS)) {
            readings.remove(0);
        }
        while (!samples.isEmpty() && (samples.get(0).recordedAtMs() < keepFrom || samples.size() > LeakDetector.MAX_POINTS)) {
            samples.remove(0);
        }

        Verdict nmt = judge(nmtPoints, now);
        String category = null;
        Map<String, Long> growth = categoryGrowth(now);
        if (!growth.isEmpty()) {
            category = growth.keySet().iterator().next();
        }
        String nmtContext = nmt == null ? null : context(nmt, "{\"series\":\"nmt_committed_outside_heap\",\"category\":"
                + (category == null ? "null" : quote(category)) + ",\"category_growth_bytes\":" + json(growth, 6) + ",");
        report(NMT, nmt, "native memory (NMT category " + (category == null ? "?" : category) + ")", nmtContext, now);

        Verdict rss = judge(rssPoints, now);
        // With NMT on, the resident set's growth is reported only once NMT's series has had a window's half to show
        // it, grew at less than half its pace, and the categories that grew account for less than half of it: then
        // it is memory NMT does not see. The categories matter where NMT's total hides them: buffers freed in a saw
        // pull the total down while metaspace and JIT code grow, which the resident set shows and NMT does see.
        long rssGrowth = rss == null ? 0 : (long) (rss.fit().slopePerMs() * rss.span());
        long nmtCategoriesGrew = growth.values().stream().mapToLong(Long::longValue).sum();
        boolean nmtExplains = !readings.isEmpty() && (nmt == null || nmt.points() < LeakDetector.MIN_POINTS
                || nmt.span() < windowMs / 2 || rss == null || nmt.fit().slopePerHour() >= rss.fit().slopePerHour() / 2
                || nmtCategoriesGrew >= rssGrowth / 2);
        String rssContext = rss == null ? null : context(rss, "{\"series\":\"rss_minus_heap_committed\","
                + "\"native_memory_tracking\":" + !readings.isEmpty() + (nmt == null ? "" : ",\"nmt_slope_bytes_per_hour\":"
                + (long) nmt.fit().slopePerHour()) + ",");
        report(RSS, rss == null ? null : nmtExplains ? new Verdict(false, 0, null, rss.fit(), rss.span(), rss.points(),
                rss.rise(), rss.heapSlopePerHour()) : rss, "process resident memory outside the heap", rssContext, now);
    }

    private static void trim(List<long[]> points, long keepFrom) {
        while (!points.isEmpty() && (points.get(0)[0] < keepFrom || points.size() > LeakDetector.MAX_POINTS)) {
            points.remove(0);
        }
    }

    /** The rules over one series' points of the last window (the fast rule over the last 5 minutes). */
    private Verdict judge(List<long[]> all, long now) {
        List<long[]> inWindow = new ArrayList<>();
        for (long[] p : all) {
            if (p[0] >= now - windowMs) {
                inWindow.add(p);
            }
        }
        if (all.isEmpty()) {
            return null;
        }
        int n = inWindow.size();
        long[] t = new long[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = inWindow.get(i)[0];
            y[i] = inWindow.get(i)[1];
        }
        LinearFit fit = LinearFit.of(t, y, 0, n);
        long span = n == 0 ? 0 : t[n - 1] - t[0];
        double heapSlope = heapSlopePerHour(n == 0 ? now : t[0]);
        boolean slopeLeak = n >= LeakDetector.MIN_POINTS && span >= windowMs / 2 && fit.slopePerHour() > growthPerHour
                && fit.r2() >= LeakDetector.MIN_R2 && LeakDetector.floorRose(y, n) && heapSlope < fit.slopePerHour() / 4;
        int m = all.size();
        long[] ft = new long[m];
        double[] fy = new double[m];
        for (int i = 0; i < m; i++) {
            ft[i] = all.get(i)[0];
            fy[i] = all.get(i)[1];
        }
        long rise = LeakDetector.confirmedRise(ft, fy, m, now);
        double heapRise = heapSlopePerHour(now - LeakDetector.FAST_WINDOW_MS) * LeakDetector.FAST_WINDOW_MS / 3_600_000.0;
        boolean fastLeak = rise >= LeakDetector.FAST_BYTES && heapRise < rise / 4.0;
        long growth = Math.max(slopeLeak ? (long) (fit.slopePerMs() * span) : 0, fastLeak ? rise : 0);
        return new Verdict(slopeLeak || fastLeak, growth, slopeLeak ? "least_squares_slope" : "growth_100mb_5min", fit,
                span, n, rise, heapSlope);
    }

    /** The old generation after GC (the heap in use where it has no figure yet), fitted from {@code fromMs}. */
    private double heapSlopePerHour(long fromMs) {
        List<JvmSample> in = new ArrayList<>();
        for (JvmSample s : samples) {
            if (s.recordedAtMs() >= fromMs) {
                in.add(s);
            }
        }
        long[] t = new long[in.size()];
        double[] y = new double[in.size()];
        for (int i = 0; i < in.size(); i++) {
            JvmSample s = in.get(i);
            t[i] = s.recordedAtMs();
            y[i] = s.oldGenUsedAfterGcBytes() != null ? s.oldGenUsedAfterGcBytes() : s.heapUsedBytes();
        }
        return LinearFit.of(t, y, 0, in.size()).slopePerHour();
    }

    /** Per NMT category but the heap, bytes committed now minus at the window's first reading; largest growth first. */
    private Map<String, Long> categoryGrowth(long now) {
        NativeMemory.Reading first = null;
        for (NativeMemory.Reading r : readings) {
            if (r.atMs() >= now - windowMs) {
                first = r;
                break;
            }
        }
        Map<String, Long> out = new LinkedHashMap<>();
        if (first == null || readings.isEmpty()) {
            return out;
        }
        NativeMemory.Reading last = readings.get(readings.size() - 1);
        Map<String, Long> delta = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : last.committedByCategory().entrySet()) {
            if (!e.getKey().equals("Java Heap")) {
                long d = e.getValue() - first.committedByCategory().getOrDefault(e.getKey(), 0L);
                if (d > 0) {
                    delta.put(e.getKey(), d);
                }
            }
        }
        delta.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEachOrdered(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private String context(Verdict v, String head) {
        JvmSample first = samples.isEmpty() ? null : samples.get(0);
        JvmSample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
        long direct = first == null || first.directBufferBytes() == null || last.directBufferBytes() == null ? 0
                : last.directBufferBytes() - first.directBufferBytes();
        int threads = first == null ? 0 : last.threadCount() - first.threadCount();
        long metaspace = first == null || first.metaspaceUsedBytes() == null || last.metaspaceUsedBytes() == null ? 0
                : last.metaspaceUsedBytes() - first.metaspaceUsedBytes();
        return head + String.format(Locale.ROOT, "\"slope_bytes_per_hour\":%d,\"r2\":%.4f,\"window_ms\":%d,\"span_ms\":%d,"
                        + "\"points\":%d,\"rise_in_5_min_bytes\":%d,\"old_gen_slope_bytes_per_hour\":%d,"
                        + "\"threshold_bytes_per_hour\":%d,\"direct_buffer_growth_bytes\":%d,\"thread_growth\":%d,"
                        + "\"metaspace_growth_bytes\":%d,\"process_rss_bytes\":%s}",
                (long) v.fit().slopePerHour(), v.fit().r2(), windowMs, v.span(), v.points(), v.rise(),
                (long) v.heapSlopePerHour(), growthPerHour, direct, threads, metaspace,
                last == null || last.processRssBytes() == null ? "null" : last.processRssBytes().toString());
    }

    private void report(String key, Verdict v, String source, String context, long now) {
        if (v != null && v.leaking()) {
            leaks.leaking(key, TYPE, source, v.method(), v.growth(), context, now);
            return;
        }
        Long leakingAt = leaks.leakingAtMs(key);
        if (leakingAt != null && now - leakingAt >= windowMs / 2) {
            leaks.resolve(key, TYPE, now);
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String json(Map<String, Long> m, int max) {
        StringBuilder sb = new StringBuilder("{");
        int i = 0;
        for (Map.Entry<String, Long> e : m.entrySet()) {
            if (i++ == max) {
                break;
            }
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(quote(e.getKey())).append(':').append(e.getValue());
        }
        return sb.append('}').toString();
    }

    /** The latest version of each native leak seen in this run. */
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
