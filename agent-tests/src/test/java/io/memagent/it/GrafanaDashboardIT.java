package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.memagent.testapps.GrafanaApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard (deploy/grafana) against a real run: an app with known allocations, a spike
 * and a thread leak writes to a fresh schema; every panel's and annotation's SQL, expanded as
 * Grafana's PostgreSQL data source expands it, runs there at several steps and returns the run's
 * figures. The same app's /metrics holds every metric the alert rules (deploy/prometheus) use.
 */
class GrafanaDashboardIT {
    static final Path DASHBOARD = DeploymentIT.ROOT.resolve("deploy/grafana/memagent-dashboard.json");
    static final Path ALERTS = DeploymentIT.ROOT.resolve("deploy/prometheus/memagent-alerts.yml");
    static final String SERVICE = "grafana-app";
    static final long CONTAINER_LIMIT = 4L << 30;

    static TestDatabase db;
    static String schema;
    static JsonNode dashboard;
    static long pid;
    static long truthLoad;
    static long truthSmall;
    static long truthHuge;
    static long hugeStartMs;
    static long hugeEndMs;
    static long threadsStartMs;
    static Instant from;
    static Instant to;
    static String metrics;

    @BeforeAll
    static void runTheApp(@TempDir Path tmp) throws Exception {
        db = TestDatabase.get();
        schema = db.newSchema();
        dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        from = Instant.now().minusSeconds(120);
        Path go = tmp.resolve("go");
        Path stop = tmp.resolve("stop");
        AppRun run = AppRun.main(GrafanaApp.class).database(db, schema, SERVICE).jvmArg("-Xmx256m").jvmArg("-XX:+UseG1GC")
                .prop("memagent.stats.interval.ms", 1000).prop("memagent.sample.interval.ms", 200)
                .prop("memagent.leak.threads.growth", 10).prop("memagent.container.memory.limit.bytes", CONTAINER_LIMIT)
                .prop("memagent.http.port", 0).args(go.toString(), stop.toString());
        try (LiveApp app = new LiveApp(run)) {
            pid = app.process.pid();
            truthLoad = HttpApiIT.value(app.awaitLine("truth.load="));
            truthSmall = HttpApiIT.value(app.awaitLine("truth.small="));
            truthHuge = HttpApiIT.value(app.awaitLine("truth.huge="));
            app.awaitLine("started");
            // The sampler (and with it the GC listeners and the leak baseline) runs before the work starts.
            awaitRow("memory_metrics");
            Files.createFile(go);
            hugeStartMs = HttpApiIT.value(app.awaitLine("hugeStartMs="));
            hugeEndMs = HttpApiIT.value(app.awaitLine("hugeEndMs="));
            threadsStartMs = HttpApiIT.value(app.awaitLine("threadsStartMs="));
            app.awaitLine("ready");
            HttpClientForTests http = HttpClientForTests.of(app);
            HttpClientForTests.Reply scrape = http.get("/metrics");
            assertEquals(200, scrape.status(), scrape.body());
            metrics = scrape.body();
            Files.createFile(stop);
            assertTrue(app.process.waitFor(60, TimeUnit.SECONDS), "the app did not exit");
            assertEquals(0, app.process.exitValue(), app.stderr());
        }
        to = Instant.now().plusSeconds(60);
    }

    @AfterAll
    static void drop() {
        if (db != null && schema != null) {
            db.dropSchema(schema);
        }
    }

    private static void awaitRow(String table) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (db.queryLong("SELECT count(*) FROM pg_tables WHERE schemaname = ? AND tablename = ?", schema, table) == 0
                || db.queryLong("SELECT count(*) FROM " + schema + "." + table) == 0) {
            assertTrue(System.nanoTime() < deadline, "the agent never wrote a row of " + table);
            Thread.sleep(20);
        }
    }

    /** The variables as a user leaves them: schema set to the agents', service from its own query. */
    private static Map<String, String> variables() {
        Map<String, String> v = new LinkedHashMap<>();
        for (JsonNode var : dashboard.at("/templating/list")) {
            String name = var.get("name").asText();
            switch (var.get("type").asText()) {
                case "datasource" -> v.put(name, "postgres-uid");
                case "textbox", "custom" -> v.put(name, var.at("/current/value").asText());
                case "query" -> v.put(name, "(query)");
                default -> throw new AssertionError("a variable type the test does not know: " + var);
            }
        }
        assertEquals("public", v.get("schema"), "the schema variable defaults to memagent.db.schema's default");
        v.put("schema", schema);
        v.put("service", SERVICE);
        return v;
    }

    private static List<Map<String, Object>> run(String sql, Duration interval) {
        String expanded = GrafanaQueries.expand(sql, new GrafanaQueries.Context(variables(), from, to, interval));
        return db.query(expanded);
    }

    @Test
    void theServiceVariableListsTheServicesOfTheSchema() {
        JsonNode service = null;
        for (JsonNode var : dashboard.at("/templating/list")) {
            if (var.get("name").asText().equals("service")) {
                service = var;
            }
        }
        assertNotNull(service, "a service variable");
        assertEquals("query", service.get("type").asText());
        assertEquals("${DS}", service.at("/datasource/uid").asText());
        JsonNode ds = dashboard.at("/templating/list/0");
        assertEquals("DS", ds.get("name").asText());
        assertEquals("datasource", ds.get("type").asText());
        assertEquals("grafana-postgresql-datasource", ds.get("query").asText());
        List<Map<String, Object>> rows = run(service.get("query").asText(), Duration.ofMinutes(1));
        assertEquals(List.of(SERVICE), rows.stream().map(r -> r.values().iterator().next()).toList());
    }

    @Test
    void everyPanelReturnsTheRunsFigures() {
        Set<String> checked = new LinkedHashSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            String title = panel.get("title").asText();
            assertEquals("${DS}", panel.at("/datasource/uid").asText(), title);
            assertEquals(1, panel.get("targets").size(), title);
            JsonNode target = panel.at("/targets/0");
            assertEquals("${DS}", target.at("/datasource/uid").asText(), title);
            String sql = target.get("rawSql").asText();
            String format = target.get("format").asText();
            Duration min = panel.has("interval") ? GrafanaQueries.parseInterval(panel.get("interval").asText()) : Duration.ZERO;
            Map<Duration, List<Map<String, Object>>> byStep = new LinkedHashMap<>();
            for (Duration step : List.of(Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofHours(1))) {
                Duration interval = step.compareTo(min) < 0 ? min : step;
                if (byStep.containsKey(interval)) {
                    continue;
                }
                List<Map<String, Object>> rows = run(sql, interval);
                System.out.println("panel '" + title + "' at " + GrafanaQueries.formatInterval(interval) + ": " + rows.size()
                        + " rows; " + rows.subList(0, Math.min(rows.size(), 4)));
                assertFalse(rows.isEmpty(), title + " at " + interval + " returned no rows");
                if (format.equals("time_series")) {
                    checkSeries(title, rows, interval);
                }
                byStep.put(interval, rows);
            }
            byStep.forEach((interval, rows) -> checkPanel(title, rows, interval));
            checked.add(title);
        }
        assertEquals(List.of("Top operations: bytes allocated per second", "Top operations in the range",
                "Bytes per call: p50 and p99", "Heap, resident set and container limit", "Garbage collections", "Open leaks",
                "Spikes"), List.copyOf(checked));
    }

    /** What Grafana needs of a time series: a time column first, in the range, in order, numbers for values. */
    private static void checkSeries(String title, List<Map<String, Object>> rows, Duration interval) {
        double last = Double.NEGATIVE_INFINITY;
        for (Map<String, Object> row : rows) {
            assertEquals("time", row.keySet().iterator().next(), title);
            double t = ((Number) row.get("time")).doubleValue();
            assertTrue(t >= last, title + ": rows not ordered by time");
            last = t;
            // Rollup panels also show the minute or hour that began before the range and overlaps it.
            long floorFrom = Math.floorDiv(from.getEpochSecond() - 3600, interval.toSeconds()) * interval.toSeconds();
            assertTrue(t >= floorFrom && t <= to.getEpochSecond(), title + ": time " + t + " outside the range");
            assertEquals(0, t % interval.toSeconds(), title + ": time not on a step of " + interval);
            row.forEach((k, v) -> {
                if (!k.equals("time") && !k.equals("metric")) {
                    assertTrue(v == null || v instanceof Number, title + ": " + k + " is no number: " + v);
                }
            });
        }
    }

    private static void checkPanel(String title, List<Map<String, Object>> rows, Duration interval) {
        double stepSeconds = interval.toMillis() / 1000.0;
        switch (title) {
            case "Top operations: bytes allocated per second" -> {
                assertEquals(List.of("time", "metric", "bytes/s"), List.copyOf(rows.get(0).keySet()), title);
                Map<String, Long> bytes = new LinkedHashMap<>();
                for (Map<String, Object> r : rows) {
                    bytes.merge((String) r.get("metric"), Math.round(((Number) r.get("bytes/s")).doubleValue() * stepSeconds),
                            Long::sum);
                }
                assertEquals(Map.of("Orders.load", GrafanaApp.LOADS * truthLoad, "Cart.small", GrafanaApp.SMALLS * truthSmall,
                        "Batch.huge", truthHuge), bytes, title + " at " + interval + ": bytes/s x step, summed");
            }
            case "Top operations in the range" -> {
                assertEquals(List.of("operation", "bytes", "bytes/s", "calls", "bytes per call", "largest call"),
                        List.copyOf(rows.get(0).keySet()), title);
                assertEquals(List.of("Orders.load", "Batch.huge", "Cart.small"), rows.stream().map(r -> r.get("operation")).toList(),
                        title + ": the most bytes first");
                Map<String, Object> top = rows.get(0);
                assertEquals(GrafanaApp.LOADS * truthLoad, TestDatabase.n(top, "bytes"));
                assertEquals(GrafanaApp.LOADS, TestDatabase.n(top, "calls"));
                assertEquals(truthLoad, TestDatabase.n(top, "bytes per call"));
                assertEquals(truthLoad, TestDatabase.n(top, "largest call"));
                double perSecond = GrafanaApp.LOADS * truthLoad / (Duration.between(from, to).toNanos() / 1e9);
                assertEquals(perSecond, ((Number) top.get("bytes/s")).doubleValue(), perSecond * 1e-6, "bytes over the range's seconds");
                assertEquals(truthHuge, TestDatabase.n(rows.get(1), "bytes"));
                assertEquals(GrafanaApp.SMALLS * truthSmall, TestDatabase.n(rows.get(2), "bytes"));
            }
            case "Bytes per call: p50 and p99" -> {
                assertEquals(List.of("time", "metric", "p50", "p99"), List.copyOf(rows.get(0).keySet()), title);
                Map<String, Set<String>> seen = new LinkedHashMap<>();
                for (Map<String, Object> r : rows) {
                    seen.computeIfAbsent((String) r.get("metric"), k -> new TreeSet<>()).add(r.get("p50") + "/" + r.get("p99"));
                }
                // Constant-size calls: every percentile is the exact size.
                assertEquals(Set.of(truthLoad + "/" + truthLoad), seen.get("Orders.load"), title + ": " + seen);
                assertEquals(Set.of(truthSmall + "/" + truthSmall), seen.get("Cart.small"), title + ": " + seen);
            }
            case "Heap, resident set and container limit" -> {
                assertEquals(List.of("time", "metric", "heap used", "heap max", "old gen after GC", "resident set",
                        "container limit"), List.copyOf(rows.get(0).keySet()), title);
                for (Map<String, Object> r : rows) {
                    assertEquals("pid " + pid, r.get("metric"), title);
                    assertEquals(256L << 20, TestDatabase.n(r, "heap max"), title + ": -Xmx256m");
                    assertEquals(CONTAINER_LIMIT, TestDatabase.n(r, "container limit"), title + ": the configured limit");
                    long used = TestDatabase.n(r, "heap used");
                    long rss = TestDatabase.n(r, "resident set");
                    assertTrue(used > 0 && used <= 256L << 20, title + ": heap used " + used);
                    assertTrue(rss > 16L << 20 && rss < CONTAINER_LIMIT, title + ": resident set " + rss);
                }
                long samples = db.queryLong("SELECT count(*) FROM " + schema + ".memory_metrics");
                if (interval.toMillis() <= 1000) {
                    assertTrue(rows.size() >= 3 && rows.size() <= samples, title + ": " + rows.size() + " steps of " + samples);
                }
            }
            case "Garbage collections" -> {
                assertEquals(List.of("time", "metric", "collections", "pause ms"), List.copyOf(rows.get(0).keySet()), title);
                Map<String, Long> collections = new LinkedHashMap<>();
                long pauses = 0;
                for (Map<String, Object> r : rows) {
                    collections.merge((String) r.get("metric"), TestDatabase.n(r, "collections"), Long::sum);
                    pauses += TestDatabase.n(r, "pause ms");
                }
                assertEquals(2L, collections.get("G1 Old Generation"), title + ": the app's two System.gc(): " + collections);
                assertEquals(db.queryLong("SELECT count(*) FROM " + schema + ".gc_events"),
                        collections.values().stream().mapToLong(Long::longValue).sum(), title);
                assertEquals(db.queryLong("SELECT sum(duration_ms) FROM " + schema + ".gc_events"), pauses, title);
            }
            case "Open leaks" -> {
                assertEquals(List.of("time", "updated", "pid", "type", "source", "bytes", "severity", "method"),
                        List.copyOf(rows.get(0).keySet()), title);
                assertEquals(1, rows.size(), title + ": " + rows);
                Map<String, Object> leak = rows.get(0);
                assertEquals("thread_growth", leak.get("type"));
                assertEquals(pid, TestDatabase.n(leak, "pid"));
                // 1 MiB of stack per thread over the baseline: the app's 20, and any the JVM added.
                long bytes = TestDatabase.n(leak, "bytes");
                assertTrue(bytes >= GrafanaApp.THREADS * (1L << 20) && bytes % (1L << 20) == 0, title + ": " + bytes);
            }
            case "Spikes" -> {
                assertEquals(List.of("time", "operation", "severity", "bytes", "threshold", "pid", "thread", "heap dump"),
                        List.copyOf(rows.get(0).keySet()), title);
                List<Map<String, Object>> huge = rows.stream().filter(r -> "Batch.huge".equals(r.get("operation"))).toList();
                assertEquals(1, huge.size(), title + ": " + rows);
                assertEquals("medium", huge.get(0).get("severity"));
                assertEquals(truthHuge, TestDatabase.n(huge.get(0), "bytes"));
                assertEquals(25L << 20, TestDatabase.n(huge.get(0), "threshold"));
                assertEquals("main", huge.get(0).get("thread"));
            }
            default -> throw new AssertionError("a panel this test does not check yet: " + title);
        }
    }

    @Test
    void theAnnotationsMarkTheSpikeAndTheLeak() {
        Map<String, List<Map<String, Object>>> byName = new LinkedHashMap<>();
        for (JsonNode a : dashboard.at("/annotations/list")) {
            if (a.has("builtIn")) {
                continue;
            }
            assertEquals("${DS}", a.at("/datasource/uid").asText());
            assertEquals("table", a.at("/target/format").asText());
            List<Map<String, Object>> rows = run(a.at("/target/rawSql").asText(), Duration.ofMinutes(1));
            System.out.println("annotation '" + a.get("name").asText() + "': " + rows);
            byName.put(a.get("name").asText(), rows);
        }
        assertEquals(List.of("Spikes", "Leaks"), List.copyOf(byName.keySet()));

        List<Map<String, Object>> spikes = byName.get("Spikes");
        assertEquals(List.of("time", "text", "tags"), List.copyOf(spikes.get(0).keySet()));
        String expected = "Batch.huge: " + String.format(java.util.Locale.ROOT, "%,d", truthHuge) + " bytes, medium (pid "
                + pid + ", main)";
        List<Map<String, Object>> huge = spikes.stream().filter(r -> ((String) r.get("text")).startsWith("Batch.huge")).toList();
        assertEquals(1, huge.size(), spikes.toString());
        assertEquals(expected, huge.get(0).get("text"));
        assertEquals("spike,medium", huge.get(0).get("tags"));
        long at = ((Timestamp) huge.get(0).get("time")).getTime();
        assertTrue(at >= hugeStartMs && at <= hugeEndMs + 5_000, "the spike's mark " + at + " at the call, "
                + hugeStartMs + ".." + hugeEndMs);

        List<Map<String, Object>> leaks = byName.get("Leaks");
        assertEquals(List.of("time", "timeend", "text", "tags"), List.copyOf(leaks.get(0).keySet()));
        assertEquals(1, leaks.size(), leaks.toString());
        Map<String, Object> leak = leaks.get(0);
        String text = (String) leak.get("text");
        assertTrue(text.startsWith("leak: thread_growth, threads, ") && text.endsWith(" bytes, "
                + db.query("SELECT severity FROM " + schema + ".memory_leak_detection").get(0).get("severity") + " (open) (pid "
                + pid + ")"), text);
        long start = ((Timestamp) leak.get("time")).getTime();
        long end = ((Timestamp) leak.get("timeend")).getTime();
        assertTrue(start >= threadsStartMs && start <= threadsStartMs + 5_000, "the leak's mark " + start
                + " after the threads started at " + threadsStartMs);
        assertTrue(end > start, "an open leak spans from its detection to its last update: " + start + ".." + end);
    }

    /** Every metric an alert rule reads is one the agent serves (or Prometheus's own up). */
    @Test
    void everyAlertReadsMetricsTheAgentServes() throws Exception {
        Set<String> served = new TreeSet<>();
        for (String line : metrics.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                served.add(line.split("[{ ]", 2)[0]);
            }
        }
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile());
        Map<String, Set<String>> used = new LinkedHashMap<>();
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                used.put(rule.get("alert").asText(), metricNames(rule.get("expr").asText()));
            }
        }
        assertEquals(10, used.size(), used.toString());
        for (Map.Entry<String, Set<String>> e : used.entrySet()) {
            assertFalse(e.getValue().isEmpty(), e.getKey());
            for (String name : e.getValue()) {
                assertTrue(name.equals("up") || served.contains(name), e.getKey() + " reads " + name
                        + ", which the agent's /metrics does not serve: " + served);
            }
        }
        System.out.println("alert metrics: " + used);
    }

    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "offset", "bool");

    /** The metric names of a PromQL expression: identifiers that are not functions, keywords, labels or durations. */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"") // strings
                .replaceAll("\\{[^}]*}", "") // label matchers
                .replaceAll("\\[[^]]*]", "") // ranges
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " "); // label lists
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*(\\s*\\()?").matcher(s);
        while (m.find()) {
            String token = m.group().replaceAll("[\\s(]", "");
            int start = m.start();
            boolean number = start > 0 && Character.isDigit(s.charAt(start - 1));
            if (m.group(1) == null && !PROMQL_WORDS.contains(token) && !number) {
                names.add(token);
            }
        }
        return names;
    }
}
