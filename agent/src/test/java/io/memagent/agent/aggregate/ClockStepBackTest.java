package io.memagent.agent.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.agent.instrument.OperationRegistry;
import io.memagent.agent.store.InMemorySink;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.Table;
import io.memagent.agent.RecorderReset;
import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.RecordingThresholds;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 13 item 4: a wall clock stepping back past a closed bucket must not repeat a
 * {@code bucket_start} (the key of {@code method_allocation_stats} is run, operation, method,
 * kind, bucket_start). The open bucket stays open until the clock passes its end again, so
 * bucket starts only ever grow; this test holds that, with the clock stepped back 10 s, 1 h and
 * to before the first bucket.
 */
@ExtendWith(RecorderReset.class)
class ClockStepBackTest {
    @Test
    void aClockSteppingBackNeverRepeatsABucketStart() throws Exception {
        RecordingThresholds.configure(1_000_000, 0);
        HotPath.setEnabled(true);
        AtomicLong clock = new AtomicLong(1_000_000_000_000L);
        OperationRegistry registry = new OperationRegistry(20_000);
        InMemorySink rows = new InMemorySink(100_000);
        Aggregator aggregator = new Aggregator(1_000, 1_000_000, registry, rows, clock::get);
        int op = registry.register("stepped", "T#stepped()V", "method");
        long[] steps = {0, 1_500, -10_000, 12_000, -3_600_000, 3_700_000, -1_000_000_000_000L + 5, 1_000_000_000_000L + 200_000};
        int calls = 0;
        for (long step : steps) {
            clock.addAndGet(step);
            for (int i = 0; i < 3; i++) {
                int token = HotPath.enter();
                HotPath.exit(op, token, false);
                calls++;
            }
            aggregator.collectNow(); // a drain moves the thread on, the next collects: both, at this clock
        }
        aggregator.stop();
        List<Long> starts = new ArrayList<>();
        long total = 0;
        for (Row r : rows.rows(Table.METHOD_ALLOCATION_STATS)) {
            StatsRow s = (StatsRow) r;
            if (s.operationType().equals("stepped")) {
                starts.add(s.bucketStartMs());
                total += s.calls();
            }
        }
        assertEquals(24, calls);
        assertEquals(24, total, "every call in exactly one bucket: " + starts);
        assertEquals(starts.stream().distinct().sorted().toList(), starts, "bucket starts strictly grow: " + starts);
        assertEquals(5, starts.size(), "buckets: " + starts);
    }
}
