package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.memagent.testapps.HttpApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP API of one forked JVM in in-memory mode (loopback, with a token, under
 * -XX:+DisableExplicitGC): every endpoint's JSON against what {@link HttpApp} did, the token
 * rules, parameter validation, /metrics through promtool, the GC and heap dump endpoints.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiIT {
    static final String TOKEN = "it-token-8c1f";
    LiveApp app;
    HttpClientForTests http;
    Path dumps;
    long load;
    long query;
    long render;
    long retained;

    @BeforeAll
    void start() throws Exception {
        dumps = Files.createTempDirectory("memagent-http-it").resolve("dumps");
        app = new LiveApp(AppRun.main(HttpApp.class).prop("memagent.http.port", 0).prop("memagent.http.token", TOKEN)
                .prop("memagent.sample.interval.ms", 200).prop("memagent.heapdump.dir", dumps)
                .prop("memagent.service.name", "http-it").jvmArg("-XX:+DisableExplicitGC"));
        load = value(app.awaitLine("truth.load="));
        query = value(app.awaitLine("truth.query="));
        render = value(app.awaitLine("truth.render="));
        retained = value(app.awaitLine("truth.retained="));
        app.awaitLine("ready");
        http = HttpClientForTests.of(app);
        awaitCalls(http, 55);
    }

    static long value(String line) {
        return Long.parseLong(line.substring(line.indexOf('=') + 1));
    }

    /** The drain thread folds calls in within ~100 ms; wait until all 55 are in. */
    static void awaitCalls(HttpClientForTests http, long calls) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            JsonNode s = http.json("/api/memory/status");
            if (s.at("/profiled/calls").asLong() == calls) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "never saw " + calls + " calls: " + s);
            Thread.sleep(50);
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (dumps != null && Files.exists(dumps)) {
            try (Stream<Path> files = Files.list(dumps)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dumps);
        }
        Files.deleteIfExists(dumps.getParent());
    }

    static JsonNode op(JsonNode ops, String name) {
        for (JsonNode o : ops) {
            if (o.get("operation").asText().equals(name)) {
                return o;
            }
        }
        throw new AssertionError("no " + name + " in " + ops);
    }

    @Test
    void topConsumersAreTheAppsOperationsWithExactFigures() throws Exception {
        JsonNode top = http.json("/api/memory/top-consumers");
        assertEquals("total_bytes", top.get("sort").asText());
        assertEquals(3, top.get("operations_total").asInt());
        JsonNode ops = top.get("operations");
        assertEquals(List.of("Orders.load", "DB.query", "Report.render"), names(ops));
        JsonNode l = op(ops, "Orders.load");
        assertEquals(20, l.get("calls").asLong());
        assertEquals(20 * load, l.get("total_bytes").asLong());
        assertEquals(load, l.get("average_bytes").asLong());
        assertEquals(load, l.get("p50_bytes").asLong());
        assertEquals(load, l.get("p99_bytes").asLong());
        assertEquals(load, l.get("max_bytes").asLong());
        assertEquals(0, l.get("errors").asLong());
        assertEquals("io.memagent.testapps.HttpApp#load()[B", l.get("method").asText());
        assertEquals(30 * query, op(ops, "DB.query").get("total_bytes").asLong());
        assertEquals(5 * render, op(ops, "Report.render").get("total_bytes").asLong());

        JsonNode byCalls = http.json("/api/memory/top-consumers?sort=calls&limit=2");
        assertEquals(List.of("DB.query", "Orders.load"), names(byCalls.get("operations")));
        assertEquals(2, byCalls.get("limit").asInt());
    }

    static List<String> names(JsonNode ops) {
        List<String> out = new ArrayList<>();
        ops.forEach(o -> out.add(o.get("operation").asText()));
        return out;
    }

    @Test
    void badParametersAreRefusedWithAMessage() throws Exception {
        HttpClientForTests.Reply r = http.get("/api/memory/top-consumers?limit=abc");
        assertEquals(400, r.status());
        assertEquals("limit = 'abc' is not valid: expected a whole number from 1 to 10000", r.json().get("error").asText());
        assertEquals(400, http.get("/api/memory/top-consumers?limit=0").status());
        assertEquals(400, http.get("/api/memory/top-consumers?limit=10001").status());
        r = http.get("/api/memory/top-consumers?sort=bytes");
        assertEquals(400, r.status());
        assertTrue(r.json().get("error").asText().startsWith("sort = 'bytes' is not valid: expected one of total_bytes,"), r.body());
        assertEquals(400, http.get("/api/memory/top-consumers?limt=5").status());
        assertEquals(400, http.get("/api/memory/history?since=yesterday").status());
        assertEquals(400, http.get("/api/memory/report?format=xml").status());
        assertEquals(404, http.get("/api/memory/nothing").status());
        assertEquals(405, http.send("DELETE", "/api/memory/status", TOKEN).status());
        assertEquals(405, http.get("/api/memory/gc").status());
    }

    @Test
    void statusHealthDatabaseAndConfig() throws Exception {
        JsonNode s = http.json("/api/memory/status");
        assertEquals("http-it", s.get("service").asText());
        assertEquals(app.process.pid(), s.get("process_id").asLong());
        assertEquals("memory", s.get("mode").asText());
        // JDK 21+: exact, set up when the app makes its first virtual thread (this app makes none); JDK 17: none.
        assertEquals(AppRun.javaFeatureVersion() >= 21 ? "\"exact\"" : "null", s.get("virtual_threads").toString());
        assertEquals(3, s.at("/profiled/operations").asInt());
        assertEquals(55, s.at("/profiled/calls").asLong());
        assertEquals(20 * load + 30 * query + 5 * render, s.at("/profiled/self_bytes").asLong());
        assertEquals("Orders.load", s.at("/profiled/top_operation").asText());
        assertEquals("normal", s.at("/heap/state").asText());
        assertTrue(s.at("/heap/used_bytes").asLong() <= s.at("/heap/committed_bytes").asLong(), s.toString());

        assertEquals("{\"status\":\"up\"}", http.json("/health").toString());

        JsonNode db = http.json("/api/memory/database");
        assertEquals(List.of("DB.query"), names(db.get("operations")));
        assertEquals(30, db.get("operations").get(0).get("calls").asLong());
        JsonNode w = db.get("writer");
        assertEquals("memory", w.get("mode").asText());
        assertEquals(0, w.get("rows_dropped").asLong());
        assertEquals(0, w.get("failures").asLong());
        assertTrue(w.get("last_error").isNull());
        assertEquals(w.get("rows_offered").asLong(), w.get("rows_written").asLong());

        HttpClientForTests.Reply c = http.get("/api/memory/config");
        assertEquals("****", c.json().at("/config/memagent.http.token").asText());
        assertFalse(c.body().contains(TOKEN), "the token never appears: " + c.body());
        assertEquals("200", c.json().at("/config/memagent.sample.interval.ms").asText());
    }

    @Test
    void historyHasSamplesAndGcEventsAndFiltersBySince() throws Exception {
        JsonNode h = http.json("/api/memory/history");
        JsonNode samples = h.get("samples");
        assertTrue(samples.size() >= 1, h.toString());
        JsonNode first = samples.get(0);
        for (String col : List.of("heap_size_bytes", "heap_used_bytes", "heap_max_bytes", "memory_state", "recorded_at")) {
            assertTrue(first.has(col), col + " in " + first);
        }
        assertEquals(first.get("heap_size_bytes").asLong() - first.get("heap_used_bytes").asLong(),
                first.get("heap_free_bytes").asLong());
        assertTrue(h.get("gc_events").isArray());
        long future = System.currentTimeMillis() + 3_600_000;
        JsonNode later = http.json("/api/memory/history?since=" + future);
        assertEquals(0, later.get("samples").size());
        assertEquals(0, later.get("gc_events").size());
        assertEquals(java.time.Instant.ofEpochMilli(future).toString(), later.get("since").asText());
        assertTrue(http.json("/api/memory/history?since=1h").get("samples").size() >= samples.size());
    }

    @Test
    void spikesAndLeaksAreEmptyWithoutDetectors() throws Exception {
        JsonNode sp = http.json("/api/memory/spikes");
        assertEquals(0, sp.get("detected_total").asLong());
        assertEquals(0, sp.get("spikes").size());
        JsonNode lk = http.json("/api/memory/leaks");
        assertEquals(0, lk.get("open").asLong());
        assertEquals(0, lk.get("leaks").size());
    }

    @Test
    void reportAsJsonAndCsv() throws Exception {
        JsonNode r = http.json("/api/memory/report");
        for (String part : List.of("status", "top_consumers", "spikes", "leaks", "alerts", "recommendations", "database",
                "history", "config")) {
            assertTrue(r.has(part), part);
        }
        assertEquals(List.of("Orders.load", "DB.query", "Report.render"), names(r.at("/top_consumers/operations")));
        HttpClientForTests.Reply csv = http.get("/api/memory/report?format=csv");
        assertEquals(200, csv.status());
        assertTrue(csv.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        String[] lines = csv.body().split("\r\n");
        assertEquals(4, lines.length, csv.body());
        assertTrue(lines[0].startsWith("operation,method,kind,calls,errors,unmeasured_calls,cold_calls,total_bytes,"), lines[0]);
        assertEquals("Orders.load,io.memagent.testapps.HttpApp#load()[B,method,20,0,0,0," + 20 * load + "," + 20 * load
                + "," + load + "," + load + "," + load + "," + load + "," + load + "," + load, lines[1].substring(0,
                lines[1].lastIndexOf(',', lines[1].lastIndexOf(',') - 1)));
    }

    @Test
    void postEndpointsNeedTheTokenAndGetsDoNotOnLoopback() throws Exception {
        HttpClientForTests.Reply none = http.send("POST", "/api/memory/gc", null);
        assertEquals(401, none.status());
        assertEquals("Bearer realm=\"memagent\"", none.raw().headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(403, http.send("POST", "/api/memory/gc", "wrong").status());
        assertEquals(403, http.send("POST", "/api/memory/snapshot", TOKEN + "x").status());
        assertEquals(401, http.send("POST", "/api/memory/snapshot", null).status());
        assertEquals(200, http.get("/api/memory/status").status());
        assertEquals(200, http.get("/metrics").status());
        assertEquals(200, http.get("/").status());
    }

    @Test
    void gcRunsEvenUnderDisableExplicitGc() throws Exception {
        assertEquals(0, countGcs("Diagnostic Command"));
        HttpClientForTests.Reply r = http.send("POST", "/api/memory/gc", TOKEN);
        assertEquals(200, r.status(), r.body());
        JsonNode j = r.json();
        assertTrue(j.get("ran").asBoolean());
        assertTrue(j.get("explicit_gc_disabled").asBoolean(), "the app runs with -XX:+DisableExplicitGC");
        assertEquals("DiagnosticCommand GC.run", j.get("via").asText());
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (countGcs("Diagnostic Command") == 0) { // GC notifications arrive on the JVM's own thread
            assertTrue(System.nanoTime() < deadline, "no GC event caused by the Diagnostic Command");
            Thread.sleep(50);
        }
        assertEquals(1, countGcs("Diagnostic Command"));
    }

    private long countGcs(String cause) throws Exception {
        long n = 0;
        for (JsonNode e : http.json("/api/memory/history").get("gc_events")) {
            if (e.get("gc_cause").asText().equals(cause) && !e.get("gc_action").asText().contains("minor")) {
                n++;
            }
        }
        return n;
    }

    @Test
    void heapAnalysisCountsTheAppsObjectsAndTheirGrowth() throws Exception {
        HttpClientForTests.Reply taken = http.send("POST", "/api/memory/heap-analysis?limit=10000", TOKEN);
        assertEquals(200, taken.status(), taken.body());
        JsonNode first = taken.json();
        JsonNode r = retainedEntry(first);
        assertEquals(50, r.get("instances").asLong());
        assertEquals(50 * retained, r.get("bytes").asLong());
        assertTrue(r.get("instances_growth").isNull(), "no earlier histogram");
        assertEquals(first.get("taken_at").asText(), http.json("/api/memory/heap-analysis").get("taken_at").asText(),
                "GET serves the last one");
        Thread.sleep(5_000); // at most one histogram per 5 s
        JsonNode second = http.send("POST", "/api/memory/heap-analysis?limit=10000", TOKEN).json();
        assertEquals(first.get("taken_at").asText(), second.get("previous_taken_at").asText());
        assertEquals(0, retainedEntry(second).get("instances_growth").asLong());
        assertEquals(2, http.json("/api/memory/heap-analysis?limit=2").get("classes").size());
    }

    private static JsonNode retainedEntry(JsonNode histogram) {
        for (JsonNode c : histogram.get("classes")) {
            if (c.get("class").asText().equals("io.memagent.testapps.HttpApp$Retained")) {
                return c;
            }
        }
        throw new AssertionError("no HttpApp$Retained in " + histogram);
    }

    @Test
    void snapshotWritesAPrivateHeapDumpWhereTheAgentChooses() throws Exception {
        assertEquals(400, http.send("POST", "/api/memory/snapshot?path=/tmp/evil.hprof", TOKEN).status());
        HttpClientForTests.Reply r = http.send("POST", "/api/memory/snapshot", TOKEN);
        assertEquals(200, r.status(), r.body());
        Path file = Path.of(r.json().get("path").asText());
        assertEquals(dumps.toAbsolutePath(), file.getParent());
        assertTrue(file.getFileName().toString().startsWith("memagent-http-it-" + app.process.pid() + "-"), file.toString());
        assertTrue(file.getFileName().toString().endsWith(".hprof"));
        assertEquals(Files.size(file), r.json().get("size_bytes").asLong());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dumps)));
        byte[] head = new byte[18];
        try (var in = Files.newInputStream(file)) {
            assertEquals(18, in.read(head));
        }
        assertEquals("JAVA PROFILE 1.0.2", new String(head, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void metricsPassPromtoolAndCarryTheAppsOperations() throws Exception {
        HttpClientForTests.Reply m = http.get("/metrics");
        assertEquals(200, m.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", m.raw().headers().firstValue("Content-Type").orElse(""));
        String body = m.body();
        assertTrue(body.contains("\nmemagent_operation_calls_total{operation=\"Orders.load\"} 20\n"), body);
        assertTrue(body.contains("\nmemagent_operation_calls_total{operation=\"DB.query\"} 30\n"), body);
        assertTrue(body.contains("\nmemagent_operation_allocated_bytes_sum{operation=\"Orders.load\"} " + 20 * load + "\n"), body);
        assertTrue(body.contains("\nmemagent_operation_allocated_bytes{operation=\"Orders.load\",quantile=\"0.99\"} " + load + "\n"), body);
        assertTrue(body.contains("\nmemagent_writer_rows_dropped_total{reason=\"queue_full\"} 0\n"), body);
        assertTrue(body.contains("\nmemagent_writer_queue_depth 0\n"), body);
        assertTrue(body.contains("\nmemagent_jvm_heap_used_bytes "), body);
        Promtool.check(body);
    }
}
