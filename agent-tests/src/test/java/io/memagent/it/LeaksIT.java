package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.LeakApp;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Old-generation leak detection in forked JVMs: an app keeping ~8 MB/s is reported within its
 * 25 s run as one open leak whose class histogram diff names byte[]; an app pushing the same
 * bytes through a flat live set, at the same time and with the same settings, is not.
 */
class LeaksIT {
    TestDatabase db;
    String leakSchema;
    String steadySchema;

    @BeforeEach
    void schema() {
        db = TestDatabase.get();
        leakSchema = db.newSchema();
        steadySchema = db.newSchema();
    }

    @AfterEach
    void drop() {
        db.dropSchema(leakSchema);
        db.dropSchema(steadySchema);
    }

    private AppRun app(String schema, String mode, String heap) {
        return AppRun.main(LeakApp.class).database(db, schema, mode).jvmArg(heap)
                .prop("memagent.sample.interval.ms", 250).prop("memagent.leak.window.ms", 20_000).args(mode, "25");
    }

    @Test
    void aRetainingAppIsALeakAndASteadyOneIsNot() throws Exception {
        // Both at once: the suite's wall time, and the same machine load for both.
        CompletableFuture<AppRun.Result> steady = CompletableFuture.supplyAsync(() -> {
            try {
                return app(steadySchema, "steady", "-Xmx96m").run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        AppRun.Result leak = app(leakSchema, "leak", "-Xmx512m").jvmArg("-Xmn24m").prop("memagent.histogram.interval.ms", 7_000).run().assertOk();
        AppRun.Result flat = steady.get().assertOk();

        List<Map<String, Object>> rows = db.query("SELECT leak_type, leak_source, leaked_bytes, detection_method, severity,"
                + " resolved, resolved_at, detected_at, updated_at, operation_context::text AS ctx,"
                + " operation_context->'top_growing_classes'->0->>'class' AS top_class,"
                + " (operation_context->'top_growing_classes'->0->>'bytes_delta')::bigint AS top_bytes"
                + " FROM " + leakSchema + ".memory_leak_detection");
        assertEquals(1, rows.size(), "one leak, updated in place: " + rows + "\n" + leak.stderr());
        Map<String, Object> row = rows.get(0);
        assertEquals("old_generation_growth", row.get("leak_type"));
        System.out.println("leak row: " + row + "\nold gen after GC: " + db.query("SELECT DISTINCT ON (gc_count)"
                + " (extract(epoch from recorded_at) * 1000)::bigint - " + leak.value("leakStartMs") + " AS ms,"
                + " old_gen_used_after_gc_bytes / 1048576 AS mib FROM " + leakSchema + ".memory_metrics ORDER BY gc_count, recorded_at"));
        // Whichever rule held first: the slope over the window, or 100 MiB within 5 minutes (8 MB/s gets there in ~13 s).
        assertTrue(List.of("least_squares_slope", "growth_100mb_5min").contains(row.get("detection_method")), row.toString());
        assertEquals(false, row.get("resolved"));
        assertEquals(null, row.get("resolved_at"));
        assertTrue(((String) row.get("leak_source")).startsWith("old generation ("), row.toString());
        assertEquals("byte[]", row.get("top_class"), row.toString());
        // Snapshots 7 s apart or more while the app kept 8 MB/s: at least 5 s worth of arrays, even on a busy machine.
        assertTrue(((Number) row.get("top_bytes")).longValue() >= 5 * 8_000_000L, row.toString());
        long leaked = ((Number) row.get("leaked_bytes")).longValue();
        assertEquals(leaked >= 100L << 20 ? "critical" : leaked >= 10L << 20 ? "high" : "medium", row.get("severity"));
        // The old generation's growth: what the app kept, plus the garbage that happened to be promoted with it.
        long retained = leak.value("retainedBytes");
        assertTrue(leaked >= 10L << 20 && leaked <= retained + retained / 4, leaked + " of " + retained);
        long detectedAt = ((Timestamp) row.get("detected_at")).getTime();
        long latencyMs = detectedAt - leak.value("leakStartMs");
        System.out.println("leak detection latency: " + latencyMs + " ms after the app began retaining; final row "
                + row);
        assertTrue(latencyMs < 25_000, "reported within the run");
        assertTrue(((Timestamp) row.get("updated_at")).getTime() > detectedAt, "the open row was updated as it grew");

        assertEquals(0, db.queryLong("SELECT count(*) FROM " + steadySchema + ".memory_leak_detection"),
                "a flat live set is no leak: " + db.query("SELECT * FROM " + steadySchema + ".memory_leak_detection") + db.query("SELECT recorded_at, old_gen_used_after_gc_bytes, gc_count FROM "
                        + steadySchema + ".memory_metrics ORDER BY recorded_at") + "\n" + flat.stderr());
        // A small heap, so that the steady app is collected often and its 1 s-lived arrays reach the old generation.
        long gcs = db.queryLong("SELECT max(gc_count) FROM " + steadySchema + ".memory_metrics");
        System.out.println("steady app: " + gcs + " collections, no leak row");
        assertTrue(gcs >= 20, gcs + " collections");
    }
}
