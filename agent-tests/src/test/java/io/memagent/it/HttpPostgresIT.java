package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.memagent.testapps.HttpApp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With PostgreSQL: the API serves the same shapes from memory while the writer stores the rows;
 * after the run, {@code java -jar memagent.jar report} prints the run's operations from the
 * database, and the Grafana views show them.
 */
class HttpPostgresIT extends SchemaPerTest {
    private AppRun.Result report(String... args) throws Exception {
        AppRun r = AppRun.jar(AppRun.AGENT_JAR).withoutAgent().args("report", "--jdbc-url", db.url, "--schema", schema);
        if (db.user != null) {
            r.args("--user", db.user);
        }
        if (db.password != null) {
            r.args("--password", db.password);
        }
        return r.args(args).run();
    }

    @Test
    void theApiServesTheSameShapesAndTheReportCommandReadsTheFinishedRun() throws Exception {
        long load;
        long query;
        long render;
        try (LiveApp app = new LiveApp(AppRun.main(HttpApp.class).database(db, schema, "http-pg")
                .prop("memagent.http.port", 0).prop("memagent.sample.interval.ms", 200)
                .prop("memagent.flush.interval.ms", 100))) {
            load = HttpApiIT.value(app.awaitLine("truth.load="));
            query = HttpApiIT.value(app.awaitLine("truth.query="));
            render = HttpApiIT.value(app.awaitLine("truth.render="));
            app.awaitLine("ready");
            HttpClientForTests http = HttpClientForTests.of(app);
            HttpApiIT.awaitCalls(http, 55);

            JsonNode status = http.json("/api/memory/status");
            assertEquals("postgresql", status.get("mode").asText());
            assertEquals("http-pg", status.get("service").asText());
            JsonNode ops = http.json("/api/memory/top-consumers").get("operations");
            assertEquals(List.of("Orders.load", "DB.query", "Report.render"), HttpApiIT.names(ops));
            assertEquals(20 * load, HttpApiIT.op(ops, "Orders.load").get("total_bytes").asLong());
            assertTrue(http.json("/api/memory/history").get("samples").size() >= 1);
            assertEquals(0, http.json("/api/memory/spikes").get("spikes").size());

            // The writer's own figures: wait until it has written all it was given.
            long deadline = System.nanoTime() + 60_000_000_000L;
            JsonNode w;
            while (true) {
                w = http.json("/api/memory/database").get("writer");
                if (w.get("rows_written").asLong() > 0 && w.get("rows_written").asLong() == w.get("rows_offered").asLong()) {
                    break;
                }
                assertTrue(System.nanoTime() < deadline, "the writer never caught up: " + w);
                Thread.sleep(100);
            }
            assertEquals("postgresql", w.get("mode").asText());
            assertEquals(0, w.get("queue_depth").asLong());
            assertEquals(0, w.get("rows_dropped").asLong());
            assertEquals(0, w.get("failures").asLong());
            assertTrue(w.get("batches_written").asLong() >= 1, w.toString());
            long samplesInDb = db.queryLong("SELECT count(*) FROM " + schema + ".memory_metrics");
            assertTrue(samplesInDb >= 1);
            assertEquals(143, app.terminate(60), "128 + SIGTERM");
        }

        AppRun.Result json = report("--service", "http-pg", "--format", "json").assertOk();
        JsonNode r = HttpClientForTests.JSON.readTree(json.stdout());
        assertEquals("http-pg", r.get("service").asText());
        assertEquals(1, r.get("runs").size());
        JsonNode dbOps = r.get("operations");
        assertEquals(List.of("Orders.load", "DB.query", "Report.render"), HttpApiIT.names(dbOps));
        JsonNode l = HttpApiIT.op(dbOps, "Orders.load");
        assertEquals(20, l.get("calls").asLong());
        assertEquals(20 * load, l.get("total_bytes").asLong());
        assertEquals(load, l.get("p99_bytes").asLong());
        assertEquals(30 * query, HttpApiIT.op(dbOps, "DB.query").get("total_bytes").asLong());
        assertEquals(5 * render, HttpApiIT.op(dbOps, "Report.render").get("total_bytes").asLong());
        assertTrue(r.at("/jvm/samples").asLong() >= 1);

        // Text: the exit report's table; --service defaults to the latest run's.
        AppRun.Result text = report("--since", "1h").assertOk();
        assertTrue(text.stdout().contains("==== memagent report: service http-pg, 1 run(s)"), text.stdout());
        assertTrue(text.stdout().matches("(?s).*\\nOrders\\.load +20 .*\\nDB\\.query +30 .*\\nReport\\.render +5 .*"),
                text.stdout());
        assertTrue(text.stdout().contains("Spikes: none") && text.stdout().contains("Rows dropped by the agent: 0"));

        AppRun.Result csv = report("--format", "csv").assertOk();
        String[] lines = csv.stdout().split("\r\n");
        assertEquals(4, lines.length, csv.stdout());
        assertTrue(lines[1].startsWith("Orders.load,io.memagent.testapps.HttpApp#load()[B,method,20,0,0,0," + 20 * load + ","),
                lines[1]);

        AppRun.Result bad = report("--since", "yesterday");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.stderr().contains("--since 'yesterday' is not valid"), bad.stderr());

        // The Grafana views, as a panel would query them.
        List<Map<String, Object>> top = db.query("SELECT operation, sum(calls) AS calls, sum(total_bytes) AS bytes FROM "
                + schema + ".memagent_top_consumers_per_interval WHERE service_name = 'http-pg' GROUP BY operation"
                + " ORDER BY bytes DESC");
        assertEquals(3, top.size());
        assertEquals("Orders.load", top.get(0).get("operation"));
        assertEquals(20L, ((Number) top.get(0).get("calls")).longValue());
        assertEquals(20 * load, ((Number) top.get(0).get("bytes")).longValue());
        assertEquals(db.queryLong("SELECT count(*) FROM " + schema + ".memory_metrics"),
                db.queryLong("SELECT count(*) FROM " + schema + ".memagent_heap_over_time WHERE service_name = 'http-pg'"
                        + " AND heap_used_bytes <= heap_committed_bytes"));
    }
}
