package io.memagent.agent.http;

import io.memagent.agent.aggregate.BucketHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/memory/allocation-rates}: self bytes per second (without nested profiled calls, so
 * each byte counts once however deep the calls nest) of the operations that allocated most, per
 * closed statistics bucket, for the dashboard's "what is allocating right now" chart.
 * Read from the buckets the aggregator keeps in memory ({@link BucketHistory}); each bucket
 * lists its 20 largest operations, so an operation outside a bucket's 20 reads 0 there.
 */
final class AllocationRates {
    static final int MAX_TOP = BucketHistory.PER_BUCKET;

    private AllocationRates() {
    }

    /**
     * @param buckets oldest first
     * @param top     how many operations: those with the most bytes over all {@code buckets}
     */
    static Map<String, Object> answer(List<BucketHistory.Bucket> buckets, int top) {
        Map<String, Long> sums = new HashMap<>();
        for (BucketHistory.Bucket b : buckets) {
            for (int i = 0; i < b.operations().size(); i++) {
                sums.merge(b.operations().get(i), b.bytes()[i], Long::sum);
            }
        }
        List<Map.Entry<String, Long>> largest = new ArrayList<>(sums.entrySet());
        largest.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<Map<String, Object>> ops = new ArrayList<>();
        for (Map.Entry<String, Long> e : largest.subList(0, Math.min(top, largest.size()))) {
            List<Long> rates = new ArrayList<>();
            for (BucketHistory.Bucket b : buckets) {
                int i = b.operations().indexOf(e.getKey());
                rates.add(perSecond(i < 0 ? 0 : b.bytes()[i], b));
            }
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("operation", e.getKey());
            op.put("self_bytes", e.getValue());
            op.put("self_bytes_per_second", rates);
            ops.add(op);
        }
        List<Map<String, Object>> bs = new ArrayList<>();
        for (BucketHistory.Bucket b : buckets) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bucket_start", Instant.ofEpochMilli(b.startMs()).toString());
            m.put("bucket_end", Instant.ofEpochMilli(b.endMs()).toString());
            m.put("self_bytes_per_second", perSecond(b.selfBytes(), b));
            bs.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("buckets", bs);
        m.put("operations", ops);
        return m;
    }

    private static long perSecond(long bytes, BucketHistory.Bucket b) {
        return Math.round(bytes * 1000.0 / Math.max(1, b.endMs() - b.startMs()));
    }
}
