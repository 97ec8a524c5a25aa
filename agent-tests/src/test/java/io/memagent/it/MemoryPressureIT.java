package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.PressureApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the app's old generation stays above 95% after GC, the agent sheds its per-call rows
 * (counted as dropped, memory_pressure) and keeps its counters; below 75% it resumes.
 */
class MemoryPressureIT extends SchemaPerTest {
    @Test
    void shedsPerCallRowsUnderPressureKeepsCountersAndResumes(@TempDir Path tmp) throws Exception {
        Path go = tmp.resolve("go");
        String err;
        try (LiveApp app = new LiveApp(AppRun.main(PressureApp.class).database(db, schema, "pressure")
                .jvmArg("-XX:+UseSerialGC").jvmArg("-Xmx128m")
                .prop("memagent.calls.min.bytes", 4000).prop("memagent.flush.interval.ms", 100)
                .args("20", "30", "40", go.toString()))) {
            // Start once the agent writes: its GC listeners are installed by then.
            awaitFirstRow("memory_metrics");
            Files.createFile(go);
            app.awaitLine("done=");
            assertEquals(0, app.process.waitFor(60, TimeUnit.SECONDS) ? app.process.exitValue() : -1);
            err = app.stderr();
        }
        assertEquals(1, count(err, "WARN memory pressure: the old generation is"), err);
        assertEquals(1, count(err, "memory pressure is over"), err);
        assertTrue(err.contains("shed its own work 1 time(s)"), err);

        String op = "operation_type = 'PressureApp.fourThousandBytes'";
        assertEquals(90, db.queryLong("SELECT sum(calls) FROM " + schema + ".method_allocation_stats WHERE " + op),
                "counters are kept under pressure");
        assertEquals(90L * 4016, db.queryLong("SELECT sum(total_bytes) FROM " + schema + ".method_allocation_stats WHERE " + op));
        assertEquals(60, db.queryLong("SELECT count(*) FROM " + schema + ".memory_allocations WHERE " + op),
                "the 20 calls before and the 40 after have per-call rows; the 30 during have none");
        assertEquals(30, db.queryLong("SELECT (drops_by_reason->>'memory_pressure')::bigint FROM " + schema + ".agent_runs"));
        assertEquals(30, db.queryLong("SELECT records_dropped FROM " + schema + ".agent_runs"), "nothing else was dropped");
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
