package io.memagent.it;

import static io.memagent.it.TestDatabase.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.FillHeapApp;
import io.memagent.testapps.GcApp;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JVM-wide half: samples, GC events, heap states and alerts, retention. */
class JvmSamplerIT extends SchemaPerTest {
    @Test
    void samplesComeEveryPeriodAndHoldTogether() throws Exception {
        AppRun.main(GcApp.class).database(db, schema, "sampler")
                .prop("memagent.sample.interval.ms", 200)
                .args("1", "3000").run().assertOk();
        List<Map<String, Object>> rows = db.query("SELECT * FROM " + schema + ".memory_metrics ORDER BY recorded_at");
        assertTrue(rows.size() >= 12, "about 3 s at 200 ms: " + rows.size() + " samples");
        long first = ((Timestamp) rows.get(0).get("recorded_at")).getTime();
        long last = ((Timestamp) rows.get(rows.size() - 1).get("recorded_at")).getTime();
        long expected = (last - first) / 200 + 1;
        assertTrue(Math.abs(rows.size() - expected) <= 1, rows.size() + " samples over " + (last - first) + " ms");
        for (Map<String, Object> r : rows) {
            long used = n(r, "heap_used_bytes");
            long committed = n(r, "heap_size_bytes");
            long max = n(r, "heap_max_bytes");
            assertTrue(used <= committed && committed <= max, r.toString());
            assertEquals(committed - used, n(r, "heap_free_bytes"));
            assertTrue(n(r, "non_heap_used_bytes") > 0 && n(r, "metaspace_used_bytes") > 0, r.toString());
            assertTrue(n(r, "thread_count") >= 2 && n(r, "loaded_class_count") > 500, r.toString());
            assertEquals(100.0 * used / max, ((Number) r.get("memory_utilization_pct")).doubleValue(), 0.001);
            assertEquals("normal", r.get("memory_state"));
        }
        Map<String, Object> lastRow = rows.get(rows.size() - 1);
        assertNotNull(lastRow.get("old_gen_used_after_gc_bytes"), "after a System.gc() the old generation has a figure");
        assertTrue(n(lastRow, "old_gen_used_after_gc_bytes") >= 4L * 1024 * 1024, "the app keeps 4 MiB alive");
        assertTrue(n(lastRow, "gc_count") >= 1);
        // The app allocates ~64 KB a millisecond: the rate must be in the megabytes per second.
        long rates = db.queryLong("SELECT count(*) FROM " + schema + ".memory_metrics WHERE allocation_rate_bytes_per_sec > 1000000");
        assertTrue(rates >= rows.size() / 2, rates + " of " + rows.size() + " samples show the app's allocation rate");
    }

    /** One row per System.gc(): a major collection on G1, Parallel and Serial, a GC cycle on ZGC. */
    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseG1GC", "-XX:+UseParallelGC", "-XX:+UseSerialGC", "-XX:+UseZGC"})
    void everyCollectorGivesOneEventPerSystemGcAndOldGenerationFigures(String collector,
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path go = tmp.resolve("go");
        try (LiveApp app = new LiveApp(AppRun.main(GcApp.class).database(db, schema, "collector").jvmArg(collector)
                .prop("memagent.sample.interval.ms", 200).prop("memagent.flush.interval.ms", 100)
                .args("3", "1500", go.toString()))) {
            // System.gc() while the agent is still starting could land before its GC listener, or
            // be skipped by the JVM while a starting thread holds a JNI critical section.
            awaitFirstRow("memory_metrics"); // the GC listener is installed by then
            java.nio.file.Files.createFile(go);
            app.awaitLine("gcs=");
            assertEquals(0, app.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) ? app.process.exitValue() : -1);
        }
        long perSystemGc = db.queryLong("SELECT count(*) FROM " + schema + ".gc_events WHERE gc_cause = 'System.gc()'"
                + " AND gc_action IN ('end of major GC', 'end of GC cycle')");
        assertEquals(3, perSystemGc, collector + ": " + db.query("SELECT gc_name, gc_action, gc_cause FROM " + schema + ".gc_events"));
        assertEquals(0, db.queryLong("SELECT count(*) FROM " + schema + ".gc_events WHERE duration_ms < 0 OR occurred_at > now()"
                + " OR (heap_before_bytes <= 0 AND gc_action IN ('end of major GC', 'end of GC cycle'))"),
                "ZGC's pause notifications carry no heap figures; collections and cycles do");
        assertTrue(db.queryLong("SELECT max(old_gen_used_after_gc_bytes) FROM " + schema + ".memory_metrics") >= 4L * 1024 * 1024,
                collector + ": old generation after GC holds the app's 4 MiB");
    }

    @Test
    void fillingTheHeapPastSeventyFivePercentRaisesExactlyOneWarning(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path go = tmp.resolve("go");
        try (LiveApp app = new LiveApp(AppRun.main(FillHeapApp.class).database(db, schema, "fill")
                .jvmArg("-XX:+UseG1GC").jvmArg("-Xmx256m")
                .prop("memagent.sample.interval.ms", 200)
                .args("0.78", "2000", go.toString()))) {
            // Fill only once the agent has migrated: this test is about the alert, not start-up under pressure.
            awaitFirstRow("agent_runs");
            java.nio.file.Files.createFile(go);
            app.awaitLine("done=");
            assertEquals(0, app.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) ? app.process.exitValue() : -1);
            String err = app.stderr();
            assertTrue(err.contains("written to PostgreSQL, 0 dropped"), err);
            List<Map<String, Object>> alerts = db.query("SELECT alert_type, severity, message FROM " + schema + ".system_alerts");
            assertEquals(1, alerts.size(), alerts + "\n" + db.query("SELECT memory_state, memory_utilization_pct FROM "
                    + schema + ".memory_metrics ORDER BY recorded_at") + "\n" + err);
            assertEquals("heap_warning", alerts.get(0).get("alert_type"));
            assertEquals("warning", alerts.get(0).get("severity"));
            assertTrue(db.queryLong("SELECT count(*) FROM " + schema + ".memory_metrics WHERE memory_state = 'warning'") >= 3,
                    "the heap stayed in warning for several samples, and that is still one alert");
        }
    }

    @Test
    void retentionDeletesOldRowsAndKeepsNewOnes() throws Exception {
        AppRun.main(GcApp.class).database(db, schema, "retained").args("0", "100").run().assertOk(); // migrates
        String old = "now() - interval '30 days'";
        String t = schema + ".";
        // gc_events is partitioned by day (V7): the old day has its partition, as the agent made it that day.
        long day = Math.floorDiv(System.currentTimeMillis() - 30 * 86_400_000L, 86_400_000L) * 86_400_000L;
        String oldPartition = "gc_events_p" + java.time.LocalDate.ofInstant(java.time.Instant.ofEpochMilli(day),
                java.time.ZoneOffset.UTC).toString().replace("-", "");
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + t + oldPartition + " PARTITION OF " + t + "gc_events FOR VALUES FROM ('"
                    + java.time.Instant.ofEpochMilli(day) + "') TO ('" + java.time.Instant.ofEpochMilli(day + 86_400_000L) + "')");
        }
        for (String when : List.of(old, "now()")) {
            db.query("INSERT INTO " + t + "system_alerts (alert_id, run_id, service_name, process_id, alert_type, severity,"
                    + " message, created_at) VALUES (gen_random_uuid(), gen_random_uuid(), 'retained', 1, 'x', 'warning', 'm', "
                    + when + ") RETURNING 1");
            db.query("INSERT INTO " + t + "gc_events (run_id, service_name, process_id, gc_id, gc_name, gc_action, gc_cause,"
                    + " duration_ms, heap_before_bytes, heap_after_bytes, occurred_at) VALUES (gen_random_uuid(), 'retained', 1,"
                    + " 1, 'g', 'a', 'c', 1, 2, 1, " + when + ") RETURNING 1");
        }
        // Another service's old row is not ours to delete.
        db.query("INSERT INTO " + t + "system_alerts (alert_id, run_id, service_name, process_id, alert_type, severity,"
                + " message, created_at) VALUES (gen_random_uuid(), gen_random_uuid(), 'someone-else', 1, 'x', 'warning', 'm', "
                + old + ") RETURNING 1");
        // Retention runs once the writer has connected and migrated, never while the JVM exits: the app runs 4 s,
        // which leaves room for that on a loaded machine (with 1.5 s, it exited first once, under the full suite).
        AppRun.Result r = AppRun.main(GcApp.class).database(db, schema, "retained")
                .prop("memagent.retention.days", 7).args("0", "4000").run().assertOk();
        // The old alert is deleted; the old GC event goes with its day's partition.
        assertTrue(r.stderr().contains("retention: dropped partitions [" + oldPartition + "], deleted 1 rows"
                + " (memagent.retention.days = 7,"), r.stderr());
        assertEquals(0, db.queryLong("SELECT count(*) FROM " + t + "system_alerts WHERE service_name = 'retained'"
                + " AND created_at < now() - interval '7 days'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM " + t + "system_alerts WHERE service_name = 'retained'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM " + t + "gc_events WHERE service_name = 'retained' AND gc_name = 'g'"));
        assertEquals(1, db.queryLong("SELECT count(*) FROM " + t + "system_alerts WHERE service_name = 'someone-else'"));
        assertEquals(2, db.queryLong("SELECT count(*) FROM " + t + "agent_runs"), "both runs are recent");
    }
}
