package io.memagent.it;

import static io.memagent.it.TestDatabase.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.ExactBytesApp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The product's promise, end to end: a real JVM with the real agent jar, a real PostgreSQL,
 * and exact bytes per call compared with twins measured in the same JVM.
 */
class ExactBytesIT {
    static final int CALLS = 200;

    @RegisterExtension
    static final AppPerClass app = AppPerClass.of(a -> AppRun.main(ExactBytesApp.class)
            .database(a.db(), a.schema(), "exact-bytes")
            .prop("memagent.flush.interval.ms", 200)
            .args(String.valueOf(CALLS)));

    private static void assertExact(String operation, String truthKey) {
        long truth = app.run().value(truthKey);
        Map<String, Object> s = app.stats(operation);
        assertEquals(CALLS, n(s, "calls"), operation + " calls");
        assertEquals(0, n(s, "errors"), operation + " errors");
        assertEquals(0, n(s, "unmeasured"), operation + " unmeasured");
        assertEquals(truth * CALLS, n(s, "total"), operation + " total bytes");
        assertEquals(truth * CALLS, n(s, "self"), operation + " self bytes");
        assertEquals(truth, n(s, "min"), operation + " min bytes");
        assertEquals(truth, n(s, "max"), operation + " max bytes");
        assertEquals(truth, n(s, "p50_low"), operation + " p50 bytes");
        assertEquals(truth, n(s, "p99_high"), operation + " p99 bytes");
        assertEquals(Boolean.TRUE, s.get("ordered"));
    }

    @Test
    void oneMillionBytesIsExactly1000016PerCall() {
        assertEquals(1_000_016, app.run().value("truth.oneMillionBytes"), "default heap layout");
        // Called directly and from Nested.outer: 2 x CALLS calls of exactly the same size.
        Map<String, Object> s = app.stats("ExactBytesApp.oneMillionBytes");
        assertEquals(2L * CALLS, n(s, "calls"));
        assertEquals(2L * CALLS * 1_000_016, n(s, "total"));
        assertEquals(1_000_016, n(s, "min"));
        assertEquals(1_000_016, n(s, "max"));
        assertEquals(1_000_016, n(s, "p99_high"));
    }

    @Test
    void everySizeMatchesItsTwin() {
        assertExact("ExactBytesApp.fourThousandBytes", "truth.fourThousandBytes");
        assertExact("ExactBytesApp.thousandLongs", "truth.thousandLongs");
        assertExact("ExactBytesApp.tenReferences", "truth.tenReferences");
        assertExact("ExactBytesApp.twoMillionBytesOfInts", "truth.twoMillionBytesOfInts");
    }

    @Test
    void selfBytesExcludeTheNestedProfiledCall() {
        Map<String, Object> s = app.stats("Nested.outer");
        long inner = app.run().value("truth.oneMillionBytes");
        long own = app.run().value("truth.oneThousandBytes");
        assertEquals(CALLS, n(s, "calls"));
        assertEquals((inner + own) * CALLS, n(s, "total"));
        assertEquals(own * CALLS, n(s, "self"));
        assertEquals(inner + own, n(s, "min"));
    }

    @Test
    void throwingCallsAreCountedAndTheExceptionReachesTheCallerUnchanged() {
        assertEquals(CALLS, app.run().value("caught"));
        Map<String, Object> s = app.stats("ExactBytesApp.fails");
        assertEquals(CALLS, n(s, "calls"));
        assertEquals(CALLS, n(s, "errors"));
    }

    @Test
    void callsAtOrAboveTheThresholdGetOneRowEach() {
        long truth = app.run().value("truth.twoMillionBytesOfInts");
        List<Map<String, Object>> rows = app.db().query("SELECT operation_type, method, kind, allocated_bytes, self_bytes,"
                + " threw, thread_name, allocation_pattern::text AS pattern FROM " + app.schema() + ".memory_allocations");
        // Only the 2,000,016-byte calls reach memagent.calls.min.bytes (1 MiB); 1,000,016 does not.
        assertEquals(CALLS, rows.size());
        for (Map<String, Object> r : rows) {
            assertEquals("ExactBytesApp.twoMillionBytesOfInts", r.get("operation_type"));
            assertEquals("io.memagent.testapps.ExactBytesApp#twoMillionBytesOfInts()[I", r.get("method"));
            assertEquals("method", r.get("kind"));
            assertEquals(truth, ((Number) r.get("allocated_bytes")).longValue());
            assertEquals(truth, ((Number) r.get("self_bytes")).longValue());
            assertEquals(Boolean.FALSE, r.get("threw"));
            assertEquals("main", r.get("thread_name"));
            assertTrue(((String) r.get("pattern")).contains("gc_count_during"), String.valueOf(r.get("pattern")));
        }
    }

    @Test
    void theAgentWritesNothingToTheAppsOutputButItsOwnLines() {
        List<String> foreign = java.util.Arrays.stream(app.run().stderr().split("\n"))
                .filter(l -> !l.isBlank() && !l.startsWith("[memagent] ")).toList();
        assertEquals(List.of(), foreign, "no library logging (Flyway, HikariCP, pgjdbc) on the app's stderr");
        // started ..., (JDK 21+) virtual threads: ..., stopped ..., then the top 10 operations (memagent.exit.summary).
        List<String> lines = app.run().agentLines();
        int stopped = AppRun.javaFeatureVersion() >= 21 ? 2 : 1;
        assertTrue(lines.get(0).startsWith("[memagent] memagent ") && lines.get(0).contains(" started for service"),
                app.run().stderr());
        assertEquals(AppRun.javaFeatureVersion() >= 21 ? 1 : 0, lines.stream()
                .filter(l -> l.startsWith("[memagent] virtual threads: exact")).count(), app.run().stderr());
        assertTrue(lines.get(stopped).startsWith("[memagent] stopped: "), app.run().stderr());
        List<String> summary = lines.subList(stopped + 1, lines.size());
        assertEquals("[memagent] Top operations by bytes allocated (inclusive); average, min and max in exact bytes"
                + " per call:", summary.get(0), app.run().stderr());
        assertTrue(summary.get(1).matches("\\[memagent\\] operation +calls +total +average .*"), summary.get(1));
        // ExactBytesApp.oneMillionBytes leads: 400 calls of 1,000,016 bytes, to the byte.
        assertTrue(summary.get(2).matches("\\[memagent\\] ExactBytesApp\\.oneMillionBytes +400 +381\\.5 MiB +1,000,016"
                + " +1,000,016 +1,000,016 .*"), summary.get(2));
        long operations = app.db().queryLong("SELECT count(DISTINCT operation_type) FROM " + app.schema()
                + ".method_allocation_stats");
        assertEquals(3 + Math.min(10, operations) + (operations > 10 ? 1 : 0), summary.size(),
                "header, column names, the top 10, a count of the rest, the columns' meaning:\n" + app.run().stderr());
    }

    @Test
    void theRunIsRecordedWithItsEnd() {
        List<Map<String, Object>> runs = app.db().query("SELECT service_name, process_id, stopped_at, records_dropped,"
                + " config->>'memagent.db.schema' AS cfg_schema, agent_version, jvm_version FROM " + app.schema() + ".agent_runs");
        assertEquals(1, runs.size());
        Map<String, Object> r = runs.get(0);
        assertEquals("exact-bytes", r.get("service_name"));
        assertNotNull(r.get("stopped_at"), "stopped_at after a normal exit");
        assertEquals(0L, ((Number) r.get("records_dropped")).longValue());
        assertEquals(app.schema(), r.get("cfg_schema"));
        // Every row carries the run's service and process.
        assertEquals(0, app.db().queryLong("SELECT count(*) FROM " + app.schema() + ".method_allocation_stats"
                + " WHERE service_name <> 'exact-bytes' OR process_id <> ?", r.get("process_id")));
    }
}
