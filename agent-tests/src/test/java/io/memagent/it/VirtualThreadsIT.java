package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.VirtualThreadApp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** On a virtual thread the allocation counter reads -1: calls are unmeasured, never 0 bytes. */
class VirtualThreadsIT {
    @Test
    void callsOnVirtualThreadsAreCountedAsUnmeasuredAndSaidOnce() throws Exception {
        // Virtual threads exist from JDK 21: this runs in the jdk25 execution.
        Assumptions.assumeTrue(AppRun.javaFeatureVersion() >= 21, "virtual threads need JDK 21+ for the app JVM");
        TestDatabase db = TestDatabase.get();
        String schema = db.newSchema();
        try {
            AppRun.Result r = AppRun.main(VirtualThreadApp.class).database(db, schema, "virtual").run().assertOk();
            assertEquals(25, db.queryLong("SELECT sum(calls) FROM " + schema + ".method_allocation_stats"));
            assertEquals(25, db.queryLong("SELECT sum(unmeasured_calls) FROM " + schema + ".method_allocation_stats"));
            assertEquals(0, db.queryLong("SELECT sum(total_bytes) FROM " + schema + ".method_allocation_stats"));
            assertEquals(0, db.queryLong("SELECT count(min_bytes) FROM " + schema + ".method_allocation_stats"),
                    "no byte figures for unmeasured calls");
            assertEquals(1, r.agentLines().stream().filter(l -> l.contains("unmeasured")).count(), r.toString());
            assertTrue(r.stderr().contains("virtual"), r.stderr());
        } finally {
            db.dropSchema(schema);
        }
    }
}
