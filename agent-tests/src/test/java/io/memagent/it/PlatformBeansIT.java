package io.memagent.it;

import static io.memagent.it.TestDatabase.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.PlatformBeansApp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent takes the memory, collector and buffer-pool beans from the JDK's own factory rather than from
 * {@code ManagementFactory} (which generates a dozen classes for its registry), and loads {@code jdk.management}'s
 * native library before its beans need it. What the app sees of the management API is unchanged, and the agent's
 * samples read the same figures as the app's own beans.
 */
class PlatformBeansIT extends SchemaPerTest {
    @Test
    void theAppsManagementApiWorksAndTheAgentReadsWhatItReads() throws Exception {
        AppRun.Result r = AppRun.main(PlatformBeansApp.class).database(db, schema, "beans")
                .jvmArgBeforeAgent("-XX:NativeMemoryTracking=summary")
                .prop("memagent.sample.interval.ms", 200)
                .run().assertOk();
        assertEquals(1, r.value("app.gc.notified"), "the app's own GC listener\n" + r);
        assertEquals(1, r.value("app.nmt.summary"), "the app's HotSpotDiagnosticMXBean\n" + r);
        long direct = r.value("app.direct.bytes");
        assertTrue(direct >= 1_000_000, "the app holds a 1,000,000-byte direct buffer: " + direct);

        List<Map<String, Object>> rows = db.query("SELECT * FROM " + schema + ".memory_metrics ORDER BY recorded_at");
        Map<String, Object> last = rows.get(rows.size() - 1);
        assertEquals(direct, n(last, "direct_buffer_bytes"), "the agent's direct-buffer figure, the app's last: " + last);
        // Native memory tracking is read on the first sample, then every memagent.nmt.interval.ms (60 s by default).
        List<Map<String, Object>> nativeRows = db.query("SELECT * FROM " + schema
                + ".memory_metrics WHERE native_memory_committed_bytes IS NOT NULL");
        assertEquals(1, nativeRows.size(), "the agent read that native memory tracking is on: " + rows);
        assertTrue(n(nativeRows.get(0), "native_memory_committed_bytes") > n(nativeRows.get(0), "heap_size_bytes"),
                "the JVM's committed memory, heap and all: " + nativeRows.get(0));
        // The agent's own GC listener, installed without a notification filter, recorded the app's System.gc().
        assertEquals(1, db.queryLong("SELECT count(*) FROM " + schema + ".gc_events WHERE gc_cause = 'System.gc()'"),
                "gc_events for the one System.gc()");
    }
}
