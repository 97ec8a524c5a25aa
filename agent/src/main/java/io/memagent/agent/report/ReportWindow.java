package io.memagent.agent.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Which table answers which part of a report's window: the coarsest level that holds it whole.
 * Whole settled hours come from {@code method_allocation_stats_1h}, whole settled minutes around
 * them from {@code method_allocation_stats_1m}, and the rest (the window's ragged edges, and
 * everything too recent to be rolled up) from the raw buckets. Every part selects rows by
 * {@code bucket_start} in its range, and a bucket is in the minute and hour its
 * {@code bucket_start} falls in, so no call is counted twice or missed between levels.
 *
 * <p>Settled: a minute or hour is rolled up by each JVM's agent as its last bucket closes
 * ({@code memagent.stats.interval.ms}, 10 s by default) and written within a flush
 * ({@code memagent.flush.interval.ms}); the report treats levels as settled only up to
 * {@link #SETTLE_MS} before now, and reads raw buckets after that.
 */
public final class ReportWindow {
    public static final String RAW = "method_allocation_stats";
    public static final String MINUTES = "method_allocation_stats_1m";
    public static final String HOURS = "method_allocation_stats_1h";
    static final long SETTLE_MS = 120_000;
    private static final long MINUTE = 60_000;
    private static final long HOUR = 3_600_000;

    /**
     * Rows of {@code table} with {@code bucket_start} in [{@code fromMs}, {@code toMs}); when
     * {@code sinceByEnd}, the window's first part, also those that started before it but end after
     * {@code fromMs} (a bucket the window's start cuts through counts, as it always has).
     */
    public record Part(String table, long fromMs, long toMs, boolean sinceByEnd) {
    }

    private ReportWindow() {
    }

    /** @param withRollups false for a schema older than V8 (no rollup tables): everything raw */
    public static List<Part> plan(long sinceMs, long untilMs, long nowMs, boolean withRollups) {
        List<Part> parts = new ArrayList<>();
        long settled = Math.min(untilMs, nowMs - SETTLE_MS);
        long m0 = ceil(sinceMs, MINUTE);
        long m1 = floor(settled, MINUTE);
        if (!withRollups || m0 >= m1) {
            parts.add(new Part(RAW, sinceMs, untilMs, true));
            return parts;
        }
        add(parts, new Part(RAW, sinceMs, m0, true));
        long h0 = ceil(sinceMs, HOUR);
        long h1 = floor(settled, HOUR);
        if (h0 < h1) {
            add(parts, new Part(MINUTES, m0, h0, false));
            add(parts, new Part(HOURS, h0, h1, false));
            add(parts, new Part(MINUTES, h1, m1, false));
        } else {
            add(parts, new Part(MINUTES, m0, m1, false));
        }
        add(parts, new Part(RAW, m1, untilMs, false));
        return parts;
    }

    private static void add(List<Part> parts, Part p) {
        if (p.toMs() > p.fromMs() || p.sinceByEnd()) {
            parts.add(p);
        }
    }

    private static long floor(long ms, long unit) {
        return Math.floorDiv(ms, unit) * unit;
    }

    private static long ceil(long ms, long unit) {
        return -Math.floorDiv(-ms, unit) * unit;
    }
}
