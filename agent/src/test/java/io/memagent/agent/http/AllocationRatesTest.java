package io.memagent.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.agent.aggregate.BucketHistory.Bucket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllocationRatesTest {
    @Test
    void theTopOperationsOverTheWindowWithBytesPerSecondPerBucket() {
        List<Bucket> buckets = List.of(
                new Bucket(0, 10_000, List.of("a", "b", "c"), new long[] {50_000, 30_000, 10_000}, 95_000),
                new Bucket(10_000, 20_000, List.of(), new long[0], 0),
                new Bucket(20_000, 25_000, List.of("c", "a"), new long[] {100_000, 5_000}, 105_000));
        Map<String, Object> m = AllocationRates.answer(buckets, 2);
        assertEquals(List.of(
                Map.of("bucket_start", "1970-01-01T00:00:00Z", "bucket_end", "1970-01-01T00:00:10Z", "self_bytes_per_second", 9_500L),
                Map.of("bucket_start", "1970-01-01T00:00:10Z", "bucket_end", "1970-01-01T00:00:20Z", "self_bytes_per_second", 0L),
                Map.of("bucket_start", "1970-01-01T00:00:20Z", "bucket_end", "1970-01-01T00:00:25Z", "self_bytes_per_second", 21_000L)),
                m.get("buckets"));
        assertEquals(List.of(
                Map.of("operation", "c", "self_bytes", 110_000L, "self_bytes_per_second", List.of(1_000L, 0L, 20_000L)),
                Map.of("operation", "a", "self_bytes", 55_000L, "self_bytes_per_second", List.of(5_000L, 0L, 1_000L))),
                m.get("operations"));
    }
}
