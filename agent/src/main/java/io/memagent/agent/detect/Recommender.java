package io.memagent.agent.detect;

import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.jvm.JvmSample;
import io.memagent.agent.jvm.SampleListener;
import io.memagent.agent.store.RowSink;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code memory_optimization_recommendations} from the last hour, as the SPEC's rules say, with
 * the heap's size (its max, or committed when max is undefined) as "used" in the heap-size rules:
 * <ul>
 * <li>average utilization >= 75%: {@code increase_heap_size}, limit 1.5x the heap size;</li>
 * <li>average utilization <= 25%: {@code reduce_heap_size}, limit 0.6x, savings 0.4x the heap size;</li>
 * <li>GC time >= 10% of the hour: {@code gc_tuning};</li>
 * <li>the operation that allocated most: {@code reduce_allocation}.</li>
 * </ul>
 * A rule is judged only once samples cover at least 55 of the last 60 minutes, at most once a
 * minute, and each type is recommended at most once per service per UTC day (the database's
 * unique index enforces the same across JVMs). The hour is kept as 60 one-minute buckets, so the
 * window does not depend on the sample period or the sample history's size.
 */
public final class Recommender implements SampleListener {
    static final long WINDOW_MS = 3_600_000;
    static final int MINUTES = 60;
    static final int MIN_COVERED_MINUTES = 55;
    static final double GC_SHARE_PCT = 10.0;

    private final RowSink sink;
    private final Supplier<List<OperationSummary>> operations;
    private final long[] minuteOf = new long[MINUTES];
    private final double[] pctSum = new double[MINUTES];
    private final int[] samples = new int[MINUTES];
    private final long[] heapSize = new long[MINUTES];
    private final long[] gcTimeMs = new long[MINUTES];
    private final Map<String, LocalDate> lastRecommended = new HashMap<>();
    private long lastEvaluatedMinute = Long.MIN_VALUE;

    public Recommender(RowSink sink, Supplier<List<OperationSummary>> operations) {
        this.sink = sink;
        this.operations = operations;
        java.util.Arrays.fill(minuteOf, Long.MIN_VALUE);
    }

    /** Called with every sample, on the sampler's thread. */
    @Override
    public void onSample(JvmSample s) {
        long minute = Math.floorDiv(s.recordedAtMs(), 60_000L);
        int slot = (int) Math.floorMod(minute, (long) MINUTES);
        if (minuteOf[slot] != minute) {
            minuteOf[slot] = minute;
            pctSum[slot] = 0;
            samples[slot] = 0;
        }
        pctSum[slot] += s.utilizationPct();
        samples[slot]++;
        heapSize[slot] = s.heapMaxBytes() != null ? s.heapMaxBytes() : s.heapCommittedBytes();
        gcTimeMs[slot] = s.gcTimeMs();
        if (minute != lastEvaluatedMinute) {
            lastEvaluatedMinute = minute;
            evaluate(minute, s.recordedAtMs());
        }
    }

    private void evaluate(long nowMinute, long nowMs) {
        int covered = 0;
        double pct = 0;
        int n = 0;
        long oldestMinute = Long.MAX_VALUE;
        int oldestSlot = -1;
        int newestSlot = (int) Math.floorMod(nowMinute, (long) MINUTES);
        for (int i = 0; i < MINUTES; i++) {
            if (minuteOf[i] > nowMinute - MINUTES && minuteOf[i] <= nowMinute) {
                covered++;
                pct += pctSum[i];
                n += samples[i];
                if (minuteOf[i] < oldestMinute) {
                    oldestMinute = minuteOf[i];
                    oldestSlot = i;
                }
            }
        }
        if (covered < MIN_COVERED_MINUTES || n == 0) {
            return;
        }
        double avg = pct / n;
        long size = heapSize[newestSlot];
        LocalDate today = Instant.ofEpochMilli(nowMs).atZone(ZoneOffset.UTC).toLocalDate();
        if (avg >= 75.0) {
            recommend(today, nowMs, "increase_heap_size", size, Math.round(size * 1.5), 0L, "high",
                    strategy("increase_heap_allocation", "consistent_high_utilization", avg));
        } else if (avg <= 25.0) {
            recommend(today, nowMs, "reduce_heap_size", size, Math.round(size * 0.6), Math.round(size * 0.4), "medium",
                    strategy("reduce_heap_allocation", "consistent_low_utilization", avg));
        }
        long gcMs = gcTimeMs[newestSlot] - gcTimeMs[oldestSlot];
        long spanMs = (nowMinute - oldestMinute) * 60_000L;
        if (spanMs > 0) {
            double share = 100.0 * gcMs / spanMs;
            if (share >= GC_SHARE_PCT) {
                recommend(today, nowMs, "gc_tuning", size, null, null, share >= 2 * GC_SHARE_PCT ? "high" : "medium",
                        String.format(Locale.ROOT, "{\"strategy\":\"tune_gc\",\"reason\":\"high_gc_time_share\","
                                + "\"gc_time_share_pct\":%.2f,\"gc_time_ms\":%d,\"window_ms\":%d,\"suggestion\":\"review the"
                                + " collector and its pause goals, or give the heap more room\"}", share, gcMs, spanMs));
            }
        }
        List<OperationSummary> ops = operations.get();
        if (!ops.isEmpty() && ops.get(0).totalBytes() > 0) {
            OperationSummary top = ops.get(0);
            long all = 0;
            for (OperationSummary o : ops) {
                all += o.totalBytes();
            }
            double share = 100.0 * top.totalBytes() / all;
            recommend(today, nowMs, "reduce_allocation", top.totalBytes(), null, null, share >= 50 ? "medium" : "low",
                    String.format(Locale.ROOT, "{\"strategy\":\"reduce_allocation\",\"reason\":\"top_allocating_operation\","
                                    + "\"operation\":%s,\"method\":%s,\"calls\":%d,\"total_bytes\":%d,\"average_bytes\":%d,"
                                    + "\"p99_bytes\":%s,\"share_of_profiled_bytes_pct\":%.2f}",
                            io.memagent.agent.util.Json.string(top.name()), io.memagent.agent.util.Json.string(top.method()),
                            top.calls(), top.totalBytes(), top.averageBytes(), top.p99Bytes(), share));
        }
    }

    private static String strategy(String strategy, String reason, double avg) {
        return String.format(Locale.ROOT, "{\"strategy\":\"%s\",\"reason\":\"%s\",\"current_avg_utilization\":%.2f}",
                strategy, reason, avg);
    }

    private void recommend(LocalDate today, long nowMs, String type, long current, Long limit, Long savings,
                           String priority, String strategyJson) {
        if (today.equals(lastRecommended.get(type))) {
            return; // one open recommendation of a type per service per day
        }
        lastRecommended.put(type, today);
        sink.offer(new RecommendationRow(UUID.randomUUID(), type, current, limit, strategyJson, savings, priority, nowMs));
    }
}
