package io.memagent.it;

import static io.memagent.it.TestDatabase.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.memagent.testapps.NativeMemoryApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Memory beyond the heap in forked JVMs: the resident set against /proc, NMT against jcmd, the
 * container state and its alert with a low configured limit, and native leaks (direct buffers kept
 * with a flat heap) against a steady twin that frees the same buffers.
 */
class ProcessMemoryIT extends SchemaPerTest {
    private static final Pattern JCMD_TOTAL = Pattern.compile("(?m)^Total: reserved=\\d+KB, committed=(\\d+)KB");
    static final long LIMIT = 32L << 20;

    static long vmRss(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }

    static long jcmdTotalCommitted(long pid) throws Exception {
        ExternalTool.Output out = ExternalTool.run(List.of(Path.of(AppRun.javaHome(), "bin", "jcmd").toString(),
                String.valueOf(pid), "VM.native_memory", "summary"), 60);
        Matcher m = JCMD_TOTAL.matcher(out.stdout());
        assertTrue(out.exitCode() == 0 && m.find(), out.stdout() + out.stderr());
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** The last sample the agent took, through its HTTP API. */
    static JsonNode lastSample(HttpClientForTests http) throws Exception {
        JsonNode samples = http.json("/api/memory/history").get("samples");
        return samples.get(samples.size() - 1);
    }

    @Test
    void residentSetNativeMemoryAndALowContainerLimit(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "Linux only");
        Path stop = tmp.resolve("stop");
        try (LiveApp app = new LiveApp(AppRun.main(NativeMemoryApp.class).database(db, schema, "native")
                .jvmArg("-XX:NativeMemoryTracking=summary").jvmArg("-Xmx256m")
                .prop("memagent.sample.interval.ms", 200).prop("memagent.nmt.interval.ms", 500)
                .prop("memagent.flush.interval.ms", 100).prop("memagent.http.port", 0)
                .prop("memagent.container.memory.limit.bytes", LIMIT).args("idle", stop.toString()))) {
            app.awaitLine("ready");
            HttpClientForTests http = HttpClientForTests.of(app);
            long pid = app.process.pid();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (http.json("/api/memory/status").get("native_memory").isNull()
                    || http.json("/api/memory/history").get("samples").size() < 5) {
                assertTrue(System.nanoTime() < deadline, "no NMT reading: " + http.json("/api/memory/status"));
                Thread.sleep(100);
            }
            // The resident set: a sample taken between two reads of /proc/<pid>/status that agree within 2%. Early on the
            // resident set moves by tens of MB within a second (the collector shrinks the heap, compiler arenas are
            // freed), so the reads must bracket the sample, and be taken once it has settled.
            long before;
            long after;
            long readAt;
            JsonNode sample;
            int tries = 0;
            do {
                before = vmRss(pid);
                readAt = System.currentTimeMillis();
                Thread.sleep(450); // two sample periods: the last sample is taken after the first read
                sample = lastSample(http);
                after = vmRss(pid);
            } while ((Math.abs(before - after) > before / 50
                    || java.time.Instant.parse(sample.get("recorded_at").asText()).toEpochMilli() < readAt) && ++tries < 40);
            long sampled = sample.get("process_rss_bytes").asLong();
            long proc = (before + after) / 2;
            System.out.printf("RSS: sample %d, /proc %d and %d around it (%.2f%%), after %d tries%n", sampled, before, after,
                    100.0 * (sampled - proc) / proc, tries + 1);
            assertTrue(Math.abs(sampled - proc) <= proc / 10, "within 10%: " + sampled + " vs " + before + "/" + after);

            // NMT: the agent's latest reading against jcmd's, taken between two readings of the agent's.
            JsonNode nmt1 = http.json("/api/memory/status").get("native_memory");
            long jcmd = jcmdTotalCommitted(pid);
            JsonNode nmt2 = http.json("/api/memory/status").get("native_memory");
            long agent = nmt2.get("committed_bytes").asLong();
            long agentBefore = nmt1.get("committed_bytes").asLong();
            long nearest = Math.abs(agent - jcmd) < Math.abs(agentBefore - jcmd) ? agent : agentBefore;
            System.out.printf("NMT total committed: agent %d and %d, jcmd %d (%.2f%%); categories %s; a reading costs %.0f us%n",
                    agentBefore, agent, jcmd, 100.0 * (nearest - jcmd) / jcmd, nmt2.get("categories"),
                    nmt2.get("read_cost_micros").asDouble());
            assertTrue(Math.abs(nearest - jcmd) <= jcmd / 20, "within 5%: " + nearest + " vs jcmd's " + jcmd);
            long sum = 0;
            for (JsonNode v : nmt2.get("categories")) {
                sum += v.asLong();
            }
            assertEquals(agent, sum, "the categories add up to the total (bytes, scale=b)");
            for (String c : List.of("Java Heap", "Class", "Thread", "Code", "GC", "Internal", "Other")) {
                assertTrue(nmt2.get("categories").has(c), c + " in " + nmt2.get("categories"));
            }

            JsonNode status = http.json("/api/memory/status");
            assertEquals("critical", status.at("/container/state").asText(), status.toString());
            assertEquals("configured", status.at("/container/limit_source").asText());
            assertEquals("normal", status.at("/heap/state").asText(), "heap fine, container not: " + status);
            String metrics = http.get("/metrics").body();
            for (String gauge : List.of("memagent_process_resident_memory_bytes ", "memagent_container_memory_limit_bytes "
                    + LIMIT, "memagent_native_memory_committed_bytes{category=\"Java Heap\"} ",
                    "memagent_container_memory_state{state=\"critical\"} 1")) {
                assertTrue(metrics.contains("\n" + gauge), gauge + " in\n" + metrics);
            }
            Files.createFile(stop);
            app.awaitLine("done");
            assertEquals(0, app.process.waitFor(60, TimeUnit.SECONDS) ? app.process.exitValue() : -1);
            assertTrue(app.stderr().contains("written to PostgreSQL, 0 dropped"), app.stderr());
        }
        List<Map<String, Object>> rows = db.query("SELECT * FROM " + schema + ".memory_metrics ORDER BY recorded_at");
        assertTrue(rows.size() >= 5, rows.size() + " samples");
        int withNmt = 0;
        for (Map<String, Object> r : rows) {
            long rss = n(r, "process_rss_bytes");
            assertTrue(rss > 10L << 20, r.toString());
            assertEquals(LIMIT, n(r, "container_memory_limit_bytes"));
            assertEquals(100.0 * rss / LIMIT, ((Number) r.get("container_memory_utilization_pct")).doubleValue(), 1e-6);
            assertEquals("critical", r.get("container_memory_state"));
            assertEquals("normal", r.get("memory_state"));
            if (r.get("native_memory_committed_bytes") != null) {
                withNmt++;
                assertNotNull(r.get("native_memory"));
            }
        }
        assertTrue(withNmt >= 2 && withNmt < rows.size(), withNmt + " of " + rows.size()
                + " samples carry an NMT reading (every 500 ms, samples every 200 ms)");
        List<Map<String, Object>> alerts = db.query("SELECT alert_type, severity, message, context::text AS ctx,"
                + " context->'largest_outside_heap'->0->>'name' AS top, context->>'outside_heap_source' AS src FROM "
                + schema + ".system_alerts");
        assertEquals(1, alerts.size(), "one alert on entering critical, not one per sample: " + alerts);
        Map<String, Object> alert = alerts.get(0);
        System.out.println("container alert: " + alert);
        assertEquals("container_memory_critical", alert.get("alert_type"));
        assertEquals("critical", alert.get("severity"));
        assertEquals("native_memory_tracking", alert.get("src"));
        assertTrue(((String) alert.get("message")).contains("(native memory tracking): " + alert.get("top") + " "),
                "the message names the largest NMT category outside the heap: " + alert);
        assertTrue(!alert.get("top").equals("Java Heap"), alert.toString());
    }

    private AppRun leakApp(String schema, String mode) {
        // A 10 s window instead of 30 minutes, so the growth threshold is scaled up with it (1 MiB/s instead of
        // 50 MiB/h): both apps get the same settings. The warm-up is 5 s: with both twins and the build on 2 cores,
        // JIT code and metaspace still grow for seconds after start, which a 10 s window's slope rule would see.
        return AppRun.main(NativeMemoryApp.class).database(db, schema, mode)
                .jvmArg("-XX:NativeMemoryTracking=summary").jvmArg("-Xmx64m").jvmArg("-XX:MaxDirectMemorySize=512m")
                .prop("memagent.sample.interval.ms", 200).prop("memagent.nmt.interval.ms", 500)
                .prop("memagent.leak.window.ms", 10_000).prop("memagent.leak.native.warmup.ms", 5_000)
                .prop("memagent.leak.growth.mb.per.hour", 3_600).args(mode, "20", "200");
    }

    @Test
    void directBuffersKeptWithAFlatHeapAreANativeLeakAndFreedOnesAreNot() throws Exception {
        String steadySchema = db.newSchema();
        try {
            CompletableFuture<AppRun.Result> steady = CompletableFuture.supplyAsync(() -> {
                try {
                    return leakApp(steadySchema, "steady").run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            AppRun.Result leak = leakApp(schema, "leak").run().assertOk();
            AppRun.Result flat = steady.get().assertOk();

            List<Map<String, Object>> rows = db.query("SELECT leak_type, leak_source, leaked_bytes, detection_method,"
                    + " severity, resolved, detected_at, operation_context->>'category' AS category,"
                    + " operation_context::text AS ctx FROM " + schema + ".memory_leak_detection WHERE leak_type = 'native_memory_growth'");
            System.out.println("native leak rows: " + rows + "\nall leak rows: " + db.query("SELECT leak_type, leak_source,"
                    + " leaked_bytes, severity FROM " + schema + ".memory_leak_detection"));
            assertEquals(1, rows.size(), "one native leak, updated in place: " + rows + "\n" + leak.stderr());
            Map<String, Object> row = rows.get(0);
            assertEquals("native memory (NMT category Other)", row.get("leak_source"), "direct buffers are NMT's Other");
            assertEquals("Other", row.get("category"));
            assertEquals(false, row.get("resolved"));
            long leaked = ((Number) row.get("leaked_bytes")).longValue();
            long kept = leak.value("keptBytes");
            assertEquals(kept, 200L << 20);
            assertTrue(leaked >= 20L << 20 && leaked <= kept + (16L << 20), leaked + " of " + kept);
            assertEquals(leaked >= 100L << 20 ? "critical" : "high", row.get("severity"));
            long latency = ((java.sql.Timestamp) row.get("detected_at")).getTime() - leak.value("leakStartMs");
            System.out.println("native leak detected " + latency + " ms after the app began keeping buffers");
            assertTrue(latency < 20_000, "within the run: " + latency);

            assertEquals(0, db.queryLong("SELECT count(*) FROM " + steadySchema + ".memory_leak_detection"),
                    "buffers freed by the collector are no leak: " + db.query("SELECT * FROM " + steadySchema
                            + ".memory_leak_detection") + "\n" + db.query("SELECT recorded_at, process_rss_bytes,"
                            + " native_memory->>'Other' AS other, direct_buffer_bytes, old_gen_used_after_gc_bytes FROM "
                            + steadySchema + ".memory_metrics ORDER BY recorded_at") + "\n" + flat.stderr());
            long steadyPeak = db.queryLong("SELECT max(direct_buffer_bytes) FROM " + steadySchema + ".memory_metrics");
            long steadyGcs = db.queryLong("SELECT max(gc_count) FROM " + steadySchema + ".memory_metrics");
            System.out.println("steady app: direct buffers at most " + steadyPeak + " bytes, " + steadyGcs + " collections");
            assertTrue(steadyGcs >= 5, steadyGcs + " collections freed its buffers");
        } finally {
            db.dropSchema(steadySchema);
        }
    }
}
