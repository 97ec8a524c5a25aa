package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.testapps.ManyBlocksApp;
import org.junit.jupiter.api.Test;

/**
 * A bucket close offers one statistics row per active operation at once: with 15,000 operations
 * in one bucket (under the default {@code memagent.operations.max} of 20,000) every row must
 * arrive. The aggregate queue's room was a tenth of {@code memagent.queue.capacity} (10,000), so
 * 5,000 rows were dropped as {@code aggregate_queue_full}.
 */
class BucketCloseIT extends SchemaPerTest {
    @Test
    void fifteenThousandOperationsInOneBucketAllArrive() throws Exception {
        int n = 15_000;
        AppRun.Result r = AppRun.main(ManyBlocksApp.class).database(db, schema, "bucket-close")
                .prop("memagent.stats.interval.ms", 86_400_000L).args(String.valueOf(n)).run().assertOk();
        assertEquals(n, r.value("blocks"));
        assertEquals(n, db.queryLong("SELECT count(DISTINCT operation_type) FROM " + schema
                + ".method_allocation_stats WHERE operation_type LIKE 'many-%'"), r.toString());
        assertEquals(n, db.queryLong("SELECT sum(calls) FROM " + schema
                + ".method_allocation_stats WHERE operation_type LIKE 'many-%'"));
        assertEquals(0, db.queryLong("SELECT records_dropped FROM " + schema + ".agent_runs"), r.toString());
    }
}
