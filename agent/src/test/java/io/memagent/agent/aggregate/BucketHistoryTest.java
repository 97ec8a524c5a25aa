package io.memagent.agent.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BucketHistoryTest {
    @Test
    void keepsEachBucketsLargestOperationsAndItsTotal() {
        BucketHistory h = new BucketHistory();
        for (int i = 0; i < 25; i++) {
            h.add("op" + i, 1000L * i);
        }
        h.close(10_000, 20_000);
        List<BucketHistory.Bucket> all = h.since(Long.MIN_VALUE);
        assertEquals(1, all.size());
        BucketHistory.Bucket b = all.get(0);
        assertEquals(BucketHistory.PER_BUCKET, b.operations().size());
        assertEquals("op24", b.operations().get(0));
        assertEquals("op5", b.operations().get(19));
        assertEquals(24_000, b.bytes()[0]);
        assertEquals(300_000, b.selfBytes(), "0 + 1,000 + ... + 24,000: the five left out count in the total");
    }

    @Test
    void anIdleStretchIsAnEmptyBucketAndOldBucketsAgeOut() {
        BucketHistory h = new BucketHistory();
        h.add("a", 5);
        h.close(0, 10);
        h.close(50, 60); // no bucket closed between 10 and 50
        h.close(55, 65); // a clock that stepped back never repeats a bucket
        List<BucketHistory.Bucket> all = h.since(Long.MIN_VALUE);
        assertEquals(3, all.size());
        assertArrayEquals(new long[] {0, 10, 10, 50, 50, 60}, all.stream()
                .flatMapToLong(b -> java.util.stream.LongStream.of(b.startMs(), b.endMs())).toArray());
        assertEquals(List.of(), all.get(1).operations());
        assertEquals(2, h.since(10).size(), "buckets that ended after 10 ms");
        for (int i = 0; i < BucketHistory.MAX_BUCKETS + 5; i++) {
            h.close(100 + 10L * i, 110 + 10L * i);
        }
        all = h.since(Long.MIN_VALUE);
        assertEquals(BucketHistory.MAX_BUCKETS, all.size());
        assertEquals(150, all.get(0).startMs());
    }
}
