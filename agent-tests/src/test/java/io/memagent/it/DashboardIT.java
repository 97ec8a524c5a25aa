package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.memagent.testapps.HttpApp;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard in a real browser (headless Chromium) and /metrics scraped by a real
 * Prometheus server, both against a forked {@link HttpApp} (with its two {@code Cart.build} calls,
 * one inside a span of its own OpenTelemetry SDK).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardIT {
    private static final Pattern CONSOLE = Pattern.compile("(?m)^.*:CONSOLE[:(].*$");
    LiveApp app;
    HttpClientForTests http;
    /** The trace id and span id of the app's span around its traced {@code Cart.build} call. */
    String traceId;
    String spanId;

    @BeforeAll
    void start() throws Exception {
        app = new LiveApp(OpenTelemetrySdkIT.withSdk(AppRun.main(HttpApp.class)).prop("memagent.http.port", 0)
                .prop("httpapp.traced", true).prop("memagent.calls.min.bytes", 500_000).prop("memagent.spike.medium.mb", 1)
                .prop("memagent.spike.heap.warmup.ms", 86_400_000) // no heap-level spike at this low threshold
                .prop("memagent.sample.interval.ms", 200).prop("memagent.service.name", "dashboard-it")
                .prop("memagent.container.memory.limit.bytes", 512L << 20) // a limit line on the heap chart
                .prop("memagent.include", "io.memagent.testapps.HttpApp$Overloads#work")
                .prop("memagent.stats.interval.ms", 500) // buckets for the allocation-rate chart
                .jvmArg("-Xms256m").jvmArg("-Xmx4g")); // the limit on the heap chart's scale, the max far above it
        String[] traced = app.awaitLine("traced=").substring("traced=".length()).split(" ");
        traceId = traced[0];
        spanId = traced[1];
        app.awaitLine("ready");
        http = HttpClientForTests.of(app);
        HttpApiIT.awaitCalls(http, 55 + 12 + 2);
        // A few samples, so the heap chart has a line to draw.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (http.json("/api/memory/history").get("samples").size() < 3) {
            assertTrue(System.nanoTime() < deadline, "the sampler never took 3 samples");
            Thread.sleep(100);
        }
        // Two closed buckets after the one holding the app's calls, so the rate chart has steps to draw.
        while (http.json("/api/memory/allocation-rates").get("buckets").size() < 3) {
            assertTrue(System.nanoTime() < deadline, "no three statistics buckets closed");
            Thread.sleep(100);
        }
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static List<String> chromium(Path profile, String... args) {
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void dashboardRendersTheAppsOperationsAndChartsWithoutConsoleErrors() throws Exception {
        HttpClientForTests.Reply page = http.get("/");
        assertEquals(200, page.status());
        assertTrue(page.body().length() < 20_480, "one small file: " + page.body().length() + " bytes");
        assertFalse(page.body().matches("(?s).*(src|href)=\"https?://.*"), "nothing loaded from elsewhere");

        Path profile = Files.createTempDirectory("memagent-chromium");
        try {
            ExternalTool.Output out = ExternalTool.run(chromium(profile, "--dump-dom", http.base + "/"), 120);
            assertEquals(0, out.exitCode(), out.stderr());
            String dom = out.stdout();
            Matcher console = CONSOLE.matcher(out.stderr());
            String consoleLine = console.find() ? console.group() : null;
            assertNull(consoleLine, "the page wrote to the console (an error, or a log line)");
            assertTrue(dom.contains("data-loaded=\"true\""), "the page loaded its data:\n" + dom);
            assertFalse(dom.contains("data-errors="), "the page saw errors:\n" + dom);
            for (String op : List.of("Orders.load", "DB.query", "Report.render")) {
                // The name whole in the title, wrapping only after its dot.
                assertTrue(dom.contains("<td title=\"" + op + "\">" + op.replace(".", ".<wbr>") + "</td>"), op + " in the table:\n" + dom);
            }
            assertTrue(dom.contains("<td>20</td>") && dom.contains("<td>30</td>"), "call counts shown:\n" + dom);
            // The heap chart: a used line and a committed line, drawn as SVG paths.
            assertTrue(dom.matches("(?s).*<svg id=\"heap-chart\".*<path d=\"M[0-9.]+ [0-9.]+ L.*class=\"used\".*</svg>.*"),
                    "a heap chart with a line:\n" + dom);
            // The resident set as a line, and the container's limit, on the same chart (Linux gives the resident set).
            if (Files.isReadable(Path.of("/proc/self/status"))) {
                assertTrue(dom.matches("(?s).*<svg id=\"heap-chart\".*<path d=\"M[0-9.]+ [0-9.]+ L[^\"]*\" class=\"rss\".*</svg>.*"),
                        "the resident set's line:\n" + dom);
                assertTrue(dom.matches("(?s).*<span id=\"rss\"[^>]*>RSS [0-9.]+ MiB of limit 512.0 MiB - \\w+</span>.*"),
                        "the resident set against the limit in the header:\n" + dom);
            }
            assertTrue(dom.matches("(?s).*<svg id=\"heap-chart\".*<path d=\"M[0-9.]+ [0-9.]+ L[^\"]*\" class=\"limit\".*</svg>.*"),
                    "the limit's line:\n" + dom);
            assertTrue(dom.matches("(?s).*<div class=\"legend\" id=\"heap-legend\">(<span><b [^>]*></b>[^<]+</span>)*<span><b [^>]*></b>container limit</span></div>.*"),
                    "the limit in the heap chart's legend:\n" + dom);

            // The heap's max (4 GiB) is far above committed, resident and limit: not drawn, but said.
            assertTrue(dom.matches("(?s).*<svg id=\"heap-chart\".*<text [^>]*id=\"heap-note\">above this scale: max 4\\.0 GiB</text>.*"),
                    "the heap's max as a note:\n" + dom);
            // Bytes/s of the top operations, largest first: a stepped line each, named in the legend.
            assertTrue(dom.matches("(?s).*<div class=\"legend\" id=\"rate-legend\"><span><b [^>]*></b>Orders\\.load</span><span><b [^>]*></b>Cart\\.build</span><span><b [^>]*></b>DB\\.query</span><span>.*"),
                    "the rate chart's legend:\n" + dom);
            for (int k = 0; k < 5; k++) {
                assertTrue(dom.matches("(?s).*<svg id=\"rate-chart\".*<path d=\"M[0-9.]+ [0-9.]+ L[^\"]*\" class=\"s" + k + "\".*</svg>.*"),
                        "operation " + k + "'s line:\n" + dom);
            }

            // The traced call's row and its spike, each with a line of the span's ids under it; the untraced call's
            // row without one.
            String ids = "<tr><td colspan=\"10\" class=\"ids\"><span>trace <code>" + traceId + "</code></span> <span>span <code>"
                    + spanId + "</code></span> </td></tr>";
            String calls = table(dom, "calls");
            assertTrue(calls.matches("<tbody><tr class=\"traced\"><td title=\"Cart.build\">Cart.<wbr>build</td>"
                    + "<td title=\"1,100,016 B, self 1,100,016 B\">1.0 MiB</td><td>main</td><td>[^<]+</td></tr>"
                    + java.util.regex.Pattern.quote(ids)
                    + "<tr><td title=\"Cart.build\">Cart.<wbr>build</td><td title=\"600,016 B, self 600,016 B\">586.0 KiB</td>"
                    + "<td>main</td><td>[^<]+</td></tr></tbody>"), "the large calls:\n" + calls);
            String spikes = table(dom, "spikes");
            assertTrue(spikes.matches("<tbody><tr class=\"traced\"><td title=\"Cart.build\">Cart.<wbr>build</td><td>medium</td>"
                    + "<td title=\"1,100,016 B\">1.0 MiB</td><td>main</td><td>[^<]+</td></tr>"
                    + java.util.regex.Pattern.quote(ids) + "</tbody>"), "the spikes:\n" + spikes);

            Path png = Path.of("target", "dashboard.png").toAbsolutePath();
            Files.deleteIfExists(png);
            ExternalTool.Output shot = ExternalTool.run(chromium(profile, "--hide-scrollbars", "--window-size=1280,620",
                    "--screenshot=" + png, http.base + "/"), 120);
            assertEquals(0, shot.exitCode(), shot.stderr());
            byte[] head = Files.readAllBytes(png);
            assertTrue(head.length > 10_000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', "a PNG screenshot");
        } finally {
            ExternalTool.deleteTree(profile);
        }
    }

    /** The body of the table with this id in the page's DOM. */
    private static String table(String dom, String id) {
        int at = dom.indexOf("<table id=\"" + id + "\">");
        assertTrue(at >= 0, id + " in the page:\n" + dom);
        return dom.substring(dom.indexOf("<tbody>", at), dom.indexOf("</table>", at));
    }

    /** The API's large calls and spikes: the traced ones with the span's ids, the untraced call with nulls. */
    @Test
    void theApiServesTheTracedCallsAndSpikesWithTheirSpansIds() throws Exception {
        JsonNode calls = http.json("/api/memory/calls").get("calls");
        assertEquals(2, calls.size(), calls.toString());
        assertEquals(List.of("Cart.build 1100016 " + traceId + " " + spanId, "Cart.build 600016 null null"),
                List.of(idsOf(calls.get(0)), idsOf(calls.get(1))));
        assertEquals("TracedCart.build(int)", calls.get(0).get("method").asText());
        JsonNode spikes = http.json("/api/memory/spikes").get("spikes");
        assertEquals(1, spikes.size(), spikes.toString());
        assertEquals("Cart.build 1100016 " + traceId + " " + spanId, idsOf(spikes.get(0)));
    }

    private static String idsOf(JsonNode row) {
        return row.get("operation_type").asText() + " " + row.get("allocated_bytes").asLong() + " "
                + row.get("trace_id").asText() + " " + row.get("span_id").asText();
    }

    @Test
    void theOperationsTableSortsByAnyColumnAndFiltersByName() throws Exception {
        JsonNode rates = http.json("/api/memory/allocation-rates?since=1h&top=2");
        assertEquals(2, rates.get("operations").size(), rates.toString());
        assertEquals("Orders.load", rates.at("/operations/0/operation").asText());
        long ordersLoad = http.json("/api/memory/top-consumers?limit=1").at("/operations/0/self_bytes").asLong();
        assertEquals(ordersLoad, rates.at("/operations/0/self_bytes").asLong(), "every call in one of the buckets kept");
        Path profile = Files.createTempDirectory("memagent-chromium");
        try {
            // Sort and filter are read from the address, as a click and typing leave them there.
            ExternalTool.Output out = ExternalTool.run(chromium(profile, "--dump-dom", http.base + "/#sort=calls&order=asc&q=O"), 120);
            assertEquals(0, out.exitCode(), out.stderr());
            String dom = out.stdout();
            assertFalse(dom.contains("data-errors="), "the page saw errors:\n" + dom);
            String body = dom.substring(dom.indexOf("<table id=\"ops\">"), dom.indexOf("</table>", dom.indexOf("<table id=\"ops\">")));
            List<String> names = new ArrayList<>();
            Matcher m = Pattern.compile("<tr><td title=\"([^\"]+)\">(?:[^<]|<wbr>)+</td><td>(\\d+)</td>").matcher(body);
            while (m.find()) {
                names.add(m.group(1) + " " + m.group(2));
            }
            // Names holding an "o" (any case), fewest calls first: DB.query has none.
            assertEquals(List.of("Report.render 5", "Overloads.work 12", "Orders.load 20"), names, body);
            assertTrue(body.contains("<th data-k=\"calls\" class=\"asc\">calls</th>"), body);
        } finally {
            ExternalTool.deleteTree(profile);
        }
    }

    @Test
    void noTwoMetricSeriesShareTheirLabels() throws Exception {
        String metrics = http.get("/metrics").body();
        java.util.Map<String, Long> series = new java.util.HashMap<>();
        for (String line : metrics.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                series.merge(line.substring(0, line.lastIndexOf(' ')), 1L, Long::sum);
            }
        }
        assertEquals(List.of(), series.entrySet().stream().filter(e -> e.getValue() > 1).map(Object::toString).toList());
        assertTrue(metrics.contains("\nmemagent_agent_overhead_bytes_total "), metrics);
        assertTrue(metrics.contains("\nmemagent_agent_overhead_seconds_total "), metrics);
    }

    @Test
    void aRealPrometheusScrapesTheMetrics() throws Exception {
        Path dir = Files.createTempDirectory("memagent-prometheus");
        int port = ExternalTool.freePort();
        String target = http.base.substring("http://".length());
        Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n"
                + "scrape_configs:\n  - job_name: memagent\n    static_configs:\n      - targets: ['" + target + "']\n");
        Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        try {
            HttpClientForTests api = new HttpClientForTests("http://127.0.0.1:" + port);
            String query = "/api/v1/query?query=" + URLEncoder.encode(
                    "memagent_operation_calls_total{operation=\"Orders.load\",job=\"memagent\"}", StandardCharsets.UTF_8);
            long deadline = System.nanoTime() + 60_000_000_000L;
            JsonNode result = null;
            while (System.nanoTime() < deadline) {
                try {
                    result = api.json(query).at("/data/result");
                    if (result.size() == 1) {
                        break;
                    }
                } catch (java.io.IOException | AssertionError notYet) {
                    // Prometheus is still starting
                }
                Thread.sleep(200);
            }
            assertTrue(result != null && result.size() == 1, "Prometheus never had the series; its log:\n"
                    + Files.readString(dir.resolve("log.txt")));
            assertEquals("20", result.get(0).at("/value/1").asText());
            // Three overloads matched by one pattern are one operation, one series: Prometheus keeps one
            // of several series with equal labels, and would show 4 calls instead of 12.
            JsonNode overloads = api.json("/api/v1/query?query=" + URLEncoder.encode(
                    "memagent_operation_calls_total{operation=\"Overloads.work\",job=\"memagent\"}",
                    StandardCharsets.UTF_8)).at("/data/result");
            assertEquals(1, overloads.size(), overloads.toString());
            assertEquals("12", overloads.get(0).at("/value/1").asText());
            JsonNode up = api.json("/api/v1/query?query=up").at("/data/result/0/value/1");
            assertEquals("1", up.asText());
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
            ExternalTool.deleteTree(dir);
        }
    }
}
