package io.memagent.agent.detect;

import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.jvm.SampleListener;
import io.memagent.agent.store.RowSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Leaks of the old generation, from its usage after GC as a time series, one point per sample
 * that saw a new collection: the old generation's usage after its own last collection when that
 * changed (a full, mixed or ZGC cycle), else, after a young collection, its usage now. G1 and
 * Parallel update the former only when they collect the old generation, which a slow leak may
 * not cause for a long time; right after a young collection the old generation holds what it
 * held after it plus nothing but that collection's promotions, so its usage then is an after-GC
 * figure too. Rules:
 * <ul>
 * <li>{@code least_squares_slope}: over the last {@code memagent.leak.window.ms}, once points span
 * at least half of it, the fitted slope is above {@code memagent.leak.growth.mb.per.hour} with
 * R² >= {@link #MIN_R2}, and the floor rose: the lowest point of the last third is above the
 * highest of the first third. A live set that is flat, however much garbage passes through and
 * whatever the collector, saws up and down: its floor does not rise and its R² is low;</li>
 * <li>{@code growth_100mb_5min}: the last {@link #FAST_CONFIRM_POINTS} points all stand at least
 * 100 MiB above the lowest point of the last 5 minutes.</li>
 * </ul>
 * Both need proof that the growth is live: young collections promote garbage as well, which only
 * a collection of the old generation itself (G1 mixed or full, Parallel or Serial full, every ZGC
 * cycle; a class histogram forces one) removes. So the figures after the old generation's own
 * collections must show the same growth: rising faster than the threshold between the first and
 * the last such collection in the window, or by 100 MiB within 5 minutes. A leak on G1 or
 * Parallel is therefore reported once the old generation has been collected at least twice while
 * it grew, which heap pressure brings about.
 * A leak is one row (one {@code leak_id}) while it lasts: updated as it grows (at most every
 * {@link #UPDATE_EVERY_MS}, or when its severity changes or a new class histogram says more), and
 * marked {@code resolved} once the rule has not held for half a window. Severity by the growth:
 * low < 1 MB, medium >= 1 MB, high >= 10 MB, critical >= 100 MB. Runs on the sampler's thread.
 */
public final class LeakDetector implements SampleListener {
    static final double MIN_R2 = 0.8;
    static final int MIN_POINTS = 8;
    static final long FAST_WINDOW_MS = 300_000;
    static final long FAST_BYTES = 100L << 20;
    static final int FAST_CONFIRM_POINTS = 3;
    static final long UPDATE_EVERY_MS = 30_000;
    static final int MAX_POINTS = 4_096;

    private final RowSink sink;
    private final ClassHistogram histogram;
    private final String oldGenSource;
    private final long windowMs;
    private final long growthPerHour;
    private final List<long[]> points = new ArrayList<>(); // {recordedAtMs, oldGenUsedAfterGcBytes}
    /** Points after the old generation's own collections only: what proves the growth is live. */
    private final List<long[]> ownPoints = new ArrayList<>();
    private long lastGcCount = -1;
    private long lastAfterOwnGc = -1;
    private final java.util.function.LongSupplier oldGenUsedNow;
    private Open oldGen;
    private final Map<UUID, LeakRow> leaks = new LinkedHashMap<>();

    /** What an open leak has said so far. */
    private static final class Open {
        final UUID id = UUID.randomUUID();
        final long detectedAtMs;
        final String method;
        long lastHeldMs;
        long lastOfferedMs = Long.MIN_VALUE;
        String lastSeverity;
        long lastHistogramMs;
        long lastUpdatedMs;
        LeakRow row;

        Open(long detectedAtMs, String method) {
            this.detectedAtMs = detectedAtMs;
            this.method = method;
        }
    }

    public LeakDetector(LeakRules rules, RowSink sink, ClassHistogram histogram, String oldGenSource,
                        java.util.function.LongSupplier oldGenUsedNow) {
        this.oldGenUsedNow = oldGenUsedNow;
        this.sink = sink;
        this.histogram = histogram;
        this.oldGenSource = oldGenSource;
        this.windowMs = rules.windowMs();
        this.growthPerHour = rules.growthBytesPerHour();
    }

    /** Called with every sample, on the sampler's thread. */
    @Override
    public synchronized void onSample(JvmSample s) {
        long now = s.recordedAtMs();
        if (s.gcCount() != lastGcCount) {
            lastGcCount = s.gcCount();
            Long own = s.oldGenUsedAfterGcBytes();
            if (own != null && own > 0 && own != lastAfterOwnGc) {
                lastAfterOwnGc = own;
                points.add(new long[] {now, own});
                ownPoints.add(new long[] {now, own});
            } else {
                points.add(new long[] {now, oldGenUsedNow.getAsLong()});
            }
        }
        while (!points.isEmpty() && (points.get(0)[0] < now - windowMs || points.size() > MAX_POINTS)) {
            points.remove(0);
        }
        while (!ownPoints.isEmpty() && (ownPoints.get(0)[0] < now - Math.max(windowMs, FAST_WINDOW_MS)
                || ownPoints.size() > MAX_POINTS)) {
            ownPoints.remove(0);
        }
        evaluateOldGen(now);
    }

    private void evaluateOldGen(long now) {
        int n = points.size();
        long[] t = new long[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = points.get(i)[0];
            y[i] = points.get(i)[1];
        }
        LinearFit fit = LinearFit.of(t, y, 0, n);
        long span = n == 0 ? 0 : t[n - 1] - t[0];
        boolean slopeLeak = false;
        if (n >= MIN_POINTS && span >= windowMs / 2) {
            slopeLeak = fit.slopePerHour() > growthPerHour && fit.r2() >= MIN_R2 && floorRose(y, n)
                    && ownGrowthPerHour(now - windowMs) > growthPerHour;
        }
        long fastRise = 0;
        if (n >= FAST_CONFIRM_POINTS + 1) {
            fastRise = Math.min(confirmedRise(t, y, n, now), ownRise(now - FAST_WINDOW_MS));
        }
        boolean fastLeak = fastRise >= FAST_BYTES;
        if (slopeLeak || fastLeak) {
            long growth = Math.max(slopeLeak ? (long) (fit.slopePerMs() * span) : 0, fastLeak ? fastRise : 0);
            if (oldGen == null) {
                oldGen = new Open(now, slopeLeak ? "least_squares_slope" : "growth_100mb_5min");
            }
            oldGen.lastHeldMs = now;
            ClassHistogram.Diff diff = histogram.latestDiff();
            String context = String.format(Locale.ROOT, "{\"slope_bytes_per_hour\":%d,\"r2\":%.4f,\"window_ms\":%d,"
                            + "\"span_ms\":%d,\"points\":%d,\"old_gen_used_after_gc_bytes\":%d,\"rise_in_5_min_bytes\":%d,"
                            + "\"threshold_bytes_per_hour\":%d%s}",
                    (long) fit.slopePerHour(), fit.r2(), windowMs, span, n, (long) y[n - 1], fastRise, growthPerHour,
                    diff == null ? "" : ",\"histogram_from\":" + diff.fromMs() + ",\"histogram_to\":" + diff.toMs()
                            + ",\"top_growing_classes\":" + ClassHistogram.json(diff));
            String severity = LeakRow.severityOf(growth);
            long histogramAt = diff == null ? 0 : diff.toMs();
            Open o = oldGen;
            if (o.lastOfferedMs == Long.MIN_VALUE || !severity.equals(o.lastSeverity) || histogramAt != o.lastHistogramMs
                    || now - o.lastOfferedMs >= UPDATE_EVERY_MS) {
                o.lastSeverity = severity;
                o.lastHistogramMs = histogramAt;
                offer(o, new LeakRow(o.id, "old_generation_growth", oldGenSource, growth, o.method, null, context,
                        severity, false, null, o.detectedAtMs, 0), now);
            } else {
                o.row = new LeakRow(o.id, "old_generation_growth", oldGenSource, growth, o.method, null, context,
                        severity, false, null, o.detectedAtMs, 0); // kept for the final flush
            }
        } else if (oldGen != null && now - oldGen.lastHeldMs >= windowMs / 2) {
            Open o = oldGen;
            LeakRow last = o.row;
            offer(o, new LeakRow(o.id, last.leakType(), last.leakSource(), last.leakedBytes(), last.detectionMethod(),
                    last.stackTrace(), last.contextJson(), last.severity(), true, now, last.detectedAtMs(), 0), now);
            oldGen = null;
        }
    }

    /**
     * The least-squares rule's second half: the floor rose, the lowest of the last third of the
     * points above the highest of the first third. A level that saws up and down does not pass.
     */
    static boolean floorRose(double[] y, int n) {
        int k = n / 3;
        double maxFirst = Double.NEGATIVE_INFINITY;
        double minLast = Double.POSITIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            maxFirst = Math.max(maxFirst, y[i]);
            minLast = Math.min(minLast, y[n - 1 - i]);
        }
        return minLast > maxFirst;
    }

    /**
     * The fast rule's rise: the lowest of the last {@link #FAST_CONFIRM_POINTS} points minus the
     * lowest point of the last {@link #FAST_WINDOW_MS}; needs at least one point more than that.
     */
    static long confirmedRise(long[] t, double[] y, int n, long now) {
        if (n < FAST_CONFIRM_POINTS + 1) {
            return 0;
        }
        double low = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (t[i] >= now - FAST_WINDOW_MS) {
                low = Math.min(low, y[i]);
            }
        }
        double confirmed = Double.POSITIVE_INFINITY;
        for (int i = n - FAST_CONFIRM_POINTS; i < n; i++) {
            confirmed = Math.min(confirmed, y[i]);
        }
        return (long) (confirmed - low);
    }

    /**
     * Growth per hour between the first and the last point after an old-generation collection
     * since {@code sinceMs}; 0 with fewer than two. Young collections promote garbage too: only a
     * collection of the old generation itself shows that what it holds is live.
     */
    private double ownGrowthPerHour(long sinceMs) {
        long[] first = null;
        long[] last = null;
        for (long[] p : ownPoints) {
            if (p[0] >= sinceMs) {
                if (first == null) {
                    first = p;
                }
                last = p;
            }
        }
        if (first == null || last == first || last[0] == first[0]) {
            return 0;
        }
        return (last[1] - first[1]) * 3_600_000.0 / (last[0] - first[0]);
    }

    /** The last point after an old-generation collection minus the lowest since {@code sinceMs}; 0 with fewer than two. */
    private long ownRise(long sinceMs) {
        long low = Long.MAX_VALUE;
        int n = 0;
        for (long[] p : ownPoints) {
            if (p[0] >= sinceMs) {
                low = Math.min(low, p[1]);
                n++;
            }
        }
        return n < 2 ? 0 : ownPoints.get(ownPoints.size() - 1)[1] - low;
    }

    /** Offers a new version of an open leak's row, its {@code updated_at} strictly after the last one's. */
    private void offer(Open o, LeakRow r, long now) {
        long updated = Math.max(now, o.lastUpdatedMs + 1);
        o.lastUpdatedMs = updated;
        o.lastOfferedMs = now;
        LeakRow row = new LeakRow(r.leakId(), r.leakType(), r.leakSource(), r.leakedBytes(), r.detectionMethod(),
                r.stackTrace(), r.contextJson(), r.severity(), r.resolved(), r.resolvedAtMs(), r.detectedAtMs(), updated);
        o.row = row;
        leaks.put(row.leakId(), row);
        sink.offer(row);
    }

    /** At exit: writes the latest figures of the open leaks that changed since they were last written. */
    public synchronized void flush(long nowMs) {
        if (oldGen != null && oldGen.row != null && oldGen.row != leaks.get(oldGen.id)) {
            offer(oldGen, oldGen.row, nowMs);
        }
    }

    /** The latest version of every leak seen in this run, in order of detection. */
    public synchronized List<LeakRow> leaks() {
        List<LeakRow> out = new ArrayList<>(leaks.values());
        if (oldGen != null && oldGen.row != null) {
            out.removeIf(r -> r.leakId().equals(oldGen.id));
            out.add(oldGen.row);
        }
        return out;
    }

    /** Leaks still open. */
    public synchronized int openLeaks() {
        return oldGen != null ? 1 : 0;
    }
}
