package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.memagent.testapps.ColdStartApp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cold calls in a forked JVM: a first call that loads a class allocating over the spike threshold is counted, cold,
 * and raises no spike, while a warm call over the threshold still does; and the headline figures count each byte
 * once (self bytes) when profiled calls nest.
 */
class ColdCallsIT extends SchemaPerTest {
    @Test
    void aColdFirstCallOverTheThresholdIsCountedButNoSpikeAndAWarmOneStillIs() throws Exception {
        AppRun.Result r = AppRun.main(ColdStartApp.class).database(db, schema, "cold").jvmArg("-Xmx512m")
                .prop("memagent.sample.interval.ms", 3_600_000).run().assertOk();
        long truth1 = r.value("truth1");
        long truth30 = r.value("truth30");
        long cold = r.value("cold");
        assertTrue(cold >= truth1 + (30L << 20), "the first call allocated the class's 30 MiB too: " + r);

        Map<String, Object> stats = db.query("SELECT sum(calls) AS calls, sum(cold_calls) AS cold_calls,"
                + " sum(total_bytes) AS total_bytes, sum(self_bytes) AS self_bytes, min(min_bytes) AS min_bytes,"
                + " max(max_bytes) AS max_bytes FROM " + schema + ".method_allocation_stats"
                + " WHERE operation_type = 'ColdStartApp.handle'").get(0);
        assertEquals(3L, TestDatabase.n(stats, "calls"), stats.toString());
        assertEquals(1L, TestDatabase.n(stats, "cold_calls"), stats.toString());
        assertEquals(cold + truth30 + truth1, TestDatabase.n(stats, "total_bytes"), "the cold call's bytes are in the total");
        assertEquals(cold + truth30 + truth1, TestDatabase.n(stats, "self_bytes"));
        assertEquals(truth1, TestDatabase.n(stats, "min_bytes"));
        assertEquals(cold, TestDatabase.n(stats, "max_bytes"), "the maximum is over every call, cold ones included");
        // The minute rollup carries the column too.
        assertEquals(1L, db.queryLong("SELECT coalesce(sum(cold_calls), 0) FROM " + schema
                + ".method_allocation_stats_1m WHERE operation_type = 'ColdStartApp.handle'"));

        List<Map<String, Object>> spikes = db.query("SELECT operation_type, severity, allocated_bytes FROM " + schema
                + ".memory_spikes");
        assertEquals(List.of("ColdStartApp.handle medium " + truth30), spikes.stream()
                .map(m -> m.get("operation_type") + " " + m.get("severity") + " " + m.get("allocated_bytes")).toList(),
                "only the warm call over the threshold is a spike");
    }

    @Test
    void theStatusCountsEachByteOnceWhenCallsNest() throws Exception {
        int calls = 40;
        try (LiveApp app = new LiveApp(AppRun.main(ColdStartApp.class).args("nested", String.valueOf(calls))
                .prop("memagent.http.port", 0))) {
            long query = HttpApiIT.value(app.awaitLine("truth.query="));
            long handler = HttpApiIT.value(app.awaitLine("truth.handler="));
            long request = HttpApiIT.value(app.awaitLine("truth.request="));
            long truth30 = HttpApiIT.value(app.awaitLine("truth30="));
            long cold = HttpApiIT.value(app.awaitLine("cold="));
            app.awaitLine("ready");
            HttpClientForTests http = HttpClientForTests.of(app);
            HttpApiIT.awaitCalls(http, 3L * calls + 2);
            JsonNode status = http.json("/api/memory/status");
            JsonNode ops = http.json("/api/memory/top-consumers?limit=100").get("operations");
            long selfSum = 0;
            long totalSum = 0;
            long coldSum = 0;
            for (JsonNode o : ops) {
                selfSum += o.get("self_bytes").asLong();
                totalSum += o.get("total_bytes").asLong();
                coldSum += o.get("cold_calls").asLong();
            }
            assertEquals(4, ops.size(), ops.toString());
            assertEquals(selfSum, status.at("/profiled/self_bytes").asLong(), status.toString());
            assertEquals(calls * (request + handler + query) + cold + truth30, status.at("/profiled/self_bytes").asLong(),
                    "each byte once, against the app's own truth");
            assertEquals(calls * (request + 2 * handler + 3 * query) + cold + truth30, totalSum, "inclusive figures"
                    + " count nested bytes at every level, which is why the headline does not sum them");
            assertEquals(3L * calls + 2, status.at("/profiled/calls").asLong());
            assertEquals(coldSum, status.at("/profiled/cold_calls").asLong(), status.toString());
            assertEquals(1, HttpApiIT.op(ops, "ColdStartApp.handle").get("cold_calls").asLong(), ops.toString());
            assertTrue(status.at("/profiled/allocated_bytes").isMissingNode(), status.toString());

            // The warm call's spike, its method as people write it; the JVM's form beside it, as in the table.
            JsonNode spikes = http.json("/api/memory/spikes").get("spikes");
            assertEquals(1, spikes.size(), spikes.toString());
            assertEquals(truth30, spikes.get(0).get("allocated_bytes").asLong());
            assertEquals("ColdStartApp.handle(int)", spikes.get(0).get("method").asText());
            assertEquals("io.memagent.testapps.ColdStartApp#handle(I)V", spikes.get(0).get("jvm_method").asText());
        }
    }
}
