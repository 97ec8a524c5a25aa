package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.OtelSpansApp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code memagent.allocated_bytes} on OpenTelemetry spans, with the real OpenTelemetry Java agent
 * attached first (and, for the manual spans, after memagent too) and memagent-otel as its extension;
 * the spans are read from the agent's logging exporter (one line per ended span, its attributes
 * included).
 */
class OpenTelemetrySpansIT {
    static final String OTEL_AGENT = Path.of(AppRun.APP_LIBS, "opentelemetry-javaagent.jar").toString();
    static final String OTEL_EXTENSION = new java.io.File(System.getProperty("memagenttest.otelJar")).getAbsolutePath();
    /**
     * What a span's figure may hold above the app's own over the same calls: the OpenTelemetry SDK
     * walks its span processors with an iterator (an {@code ArrayList$Itr}, 32 bytes) when a span
     * ends, before it reaches memagent's; once the JIT has compiled that loop with escape analysis
     * (after some thousands of spans) the iterator is not made any more, and the figure is the app's
     * to the byte.
     */
    static final long SDK_ITERATOR = 32;
    private static final Pattern SPAN_LINE = Pattern.compile(
            "LoggingSpanExporter - '([^']*)' : ([0-9a-f]{32}) ([0-9a-f]{16}) (\\w+) \\[tracer: ([^\\]]*)\\] (.*)$");
    private static final Pattern BYTES = Pattern.compile("memagent\\.allocated_bytes=(\\d+)");
    private static final String UNMEASURED = "memagent.allocated_bytes.unmeasured=true";

    /** One ended span as the logging exporter printed it. */
    record SpanLine(String name, String traceId, String spanId, String kind, String attributes) {
        Long bytes() {
            Matcher m = BYTES.matcher(attributes);
            return m.find() ? Long.parseLong(m.group(1)) : null;
        }

        boolean unmeasured() {
            return attributes.contains(UNMEASURED);
        }
    }

    static Map<String, SpanLine> spans(String output) {
        Map<String, SpanLine> out = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            Matcher m = SPAN_LINE.matcher(line);
            if (m.find()) {
                out.put(m.group(3), new SpanLine(m.group(1), m.group(2), m.group(3), m.group(4), m.group(6)));
            }
        }
        return out;
    }

    /** Both agents, the OpenTelemetry one first (it builds its SDK before memagent starts), spans to the log. */
    static void bothAgents(AppRun r) {
        bothAgents(r, true);
    }

    /** Both agents, in this order, spans to the log. */
    static void bothAgents(AppRun r, boolean otelFirst) {
        if (otelFirst) {
            r.jvmArgBeforeAgent("-javaagent:" + OTEL_AGENT);
        } else {
            r.jvmArg("-javaagent:" + OTEL_AGENT);
        }
        r.prop("otel.javaagent.extensions", OTEL_EXTENSION)
                .prop("otel.traces.exporter", "logging").prop("otel.metrics.exporter", "none")
                .prop("otel.logs.exporter", "none");
    }

    /**
     * What a steady server span's figure may hold above the app's first filter's body: the
     * container's request parsing and response completion, the OpenTelemetry agent's server
     * instrumentation, its span and attributes, and the filter's own line. Measured 4,752 to 5,824
     * bytes on this app (JDK 17 and 25); the bound leaves room for JIT and container variation but
     * not for another request's bytes. The first requests load classes and are held only to
     * "at least".
     */
    static final long SERVER_EXCESS_BOUND = 16 * 1024;
    /** Requests that may load classes (the first on the container and its first threads): no upper bound. */
    static final int WARM_UP_REQUESTS = 5;

    @Test
    void everyServerSpanOfTheSpringAppCarriesAtLeastItsFirstFiltersBytes() throws Exception {
        TestDatabase db = TestDatabase.get();
        String schema = db.newSchema();
        SpringBootIT.db = db;
        try {
            SpringBootIT.Session s = SpringBootIT.Session.run(schema, schema + "_app", session -> {
                for (int n = 1; n <= 30; n++) {
                    session.measured(n);
                }
            }, OpenTelemetrySpansIT::bothAgents);
            Map<String, SpanLine> spans = spans(s.stderr);
            Map<String, Long> filter = new LinkedHashMap<>();
            Matcher m = Pattern.compile("(?m)^filter-window span=([0-9a-f]{16}) bytes=(\\d+)$").matcher(s.stdout);
            while (m.find()) {
                filter.put(m.group(1), Long.parseLong(m.group(2)));
            }
            List<SpanLine> servers = spans.values().stream().filter(x -> x.kind().equals("SERVER")).toList();
            assertEquals(30, servers.size(), "one server span per request: " + servers);
            List<String> wrong = new ArrayList<>();
            List<Long> excess = new ArrayList<>();
            for (int i = 0; i < servers.size(); i++) {
                SpanLine server = servers.get(i);
                Long bytes = server.bytes();
                Long body = filter.get(server.spanId());
                boolean steady = i >= WARM_UP_REQUESTS;
                if (bytes == null || body == null || bytes < body || (steady && bytes - body > SERVER_EXCESS_BOUND)) {
                    wrong.add(server + " filter body " + body);
                } else if (steady) {
                    excess.add(bytes - body);
                }
            }
            System.out.println("OpenTelemetrySpansIT on JDK " + AppRun.javaFeatureVersion()
                    + ": steady server spans' bytes above the first filter's body: " + excess);
            assertEquals(List.of(), wrong, "server spans without memagent.allocated_bytes, or below the app's own"
                    + " measurement of its first filter, or (steady) more than " + SERVER_EXCESS_BOUND + " above it");
            assertEquals(List.of(), spans.values().stream().filter(SpanLine::unmeasured).toList(),
                    "every span of these requests starts and ends on one thread");
        } finally {
            db.dropSchema(schema);
            db.dropSchema(schema + "_app");
        }
    }

    /**
     * The OpenTelemetry agent's JDBC instrumentation traces any {@code java.sql} implementation, memagent's own
     * PostgreSQL driver too (shaded under {@code io.memagent.shaded}): without a setting, memagent's batches show as
     * client spans on its {@code memagent-writer} thread. {@code otel.javaagent.exclude-classes} leaves them out, as
     * the docs say; the app's own spans are untouched.
     */
    @Test
    void memagentsOwnWritesAreTracedUnlessItsClassesAreExcluded() throws Exception {
        TestDatabase db = TestDatabase.get();
        SpringBootIT.db = db;
        for (boolean excluded : new boolean[] {false, true}) {
            String schema = db.newSchema();
            try {
                SpringBootIT.Session s = SpringBootIT.Session.run(schema, schema + "_app", session -> {
                    for (int n = 1; n <= 5; n++) {
                        session.measured(n);
                    }
                    awaitOwnWrites(db, schema);
                }, r -> {
                    bothAgents(r);
                    if (excluded) {
                        r.prop("otel.javaagent.exclude-classes", "io.memagent.shaded.*");
                    }
                });
                Map<String, SpanLine> spans = spans(s.stderr);
                long own = spans.values().stream().filter(x -> x.attributes().contains("thread.name=memagent-")).count();
                long servers = spans.values().stream().filter(x -> x.kind().equals("SERVER")).count();
                System.out.println("OpenTelemetrySpansIT on JDK " + AppRun.javaFeatureVersion() + ": spans on memagent's"
                        + " threads " + (excluded ? "with" : "without") + " exclude-classes: " + own);
                assertEquals(5, servers, "the app's server spans: " + spans.values());
                if (excluded) {
                    assertEquals(0, own, "spans of memagent's own writes: " + spans.values());
                } else {
                    assertTrue(own >= 1, "memagent's writes are traced without the setting: " + spans.values());
                }
            } finally {
                db.dropSchema(schema);
                db.dropSchema(schema + "_app");
            }
        }
    }

    /**
     * Until memagent has migrated its schema and written the calls' rows there (at most 30 s): it builds its runtime,
     * the connection and the schema among it, once the app's start is over, so an app stopped sooner would leave
     * nothing of memagent's to trace, or to exclude.
     */
    private static void awaitOwnWrites(TestDatabase db, String schema) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (System.nanoTime() - deadline < 0) {
            try {
                if (db.queryLong("SELECT count(*) FROM " + schema + ".memory_allocations") > 0) {
                    return;
                }
                last = "no rows yet";
            } catch (IllegalStateException notMigratedYet) {
                last = notMigratedYet.getMessage();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("memagent wrote no memory_allocations row to " + schema + " in 30 s: " + last);
    }

    /**
     * A call over memagent.calls.min.bytes and over the spike threshold, inside a span and then outside any (after
     * a span started on the thread was ended on another): the per-call row and the spike of the first carry the
     * span's trace and span ids, the second's none.
     */
    @Test
    void aSpikeInsideASpanCarriesItsTraceAndSpanIds(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        TestDatabase db = TestDatabase.get();
        String schema = db.newSchema();
        Path jfr = dir.resolve("spikes.jfr");
        try {
            AppRun run = AppRun.main(OtelSpansApp.class).args("spike")
                    .jvmArg("-XX:StartFlightRecording=filename=" + jfr + ",dumponexit=true")
                    .classpath(Path.of(AppRun.APP_LIBS, "opentelemetry-api.jar").toString())
                    .classpath(Path.of(AppRun.APP_LIBS, "opentelemetry-context.jar").toString())
                    .database(db, schema, "otel-spikes").prop("memagent.spike.medium.mb", 1);
            bothAgents(run);
            AppRun.Result r = run.run().assertOk();
            String[] traced = r.stdout().lines().filter(l -> l.startsWith("traced=")).findFirst().orElseThrow()
                    .substring(7).split(" ");
            assertEquals(traced[1], spans(r.stderr()).values().stream().filter(x -> x.name().equals("traced-spike"))
                    .findFirst().orElseThrow().spanId(), "the exported span is the one the app made");
            List<String> expected = List.of(traced[0] + " " + traced[1], "null null");
            assertEquals(expected, db.query("SELECT trace_id, span_id FROM " + schema + ".memory_allocations"
                    + " WHERE operation_type = 'Profiled.big' ORDER BY trace_id NULLS LAST").stream()
                    .map(m -> m.get("trace_id") + " " + m.get("span_id")).toList(), "per-call rows");
            assertEquals(expected, db.query("SELECT trace_id, span_id FROM " + schema + ".memory_spikes"
                    + " WHERE operation_type = 'Profiled.big' ORDER BY trace_id NULLS LAST").stream()
                    .map(m -> m.get("trace_id") + " " + m.get("span_id")).toList(), "spikes");
            // And in the JFR events of the calls and spikes: one each with the ids, one each without.
            for (String type : List.of("memagent.Call", "memagent.Spike")) {
                String json = JfrIT.jfrPrint("--json", "--events", type, jfr.toString());
                assertEquals(2, JfrIT.count(json, "\"type\": \"" + type + "\""), json);
                assertEquals(1, JfrIT.count(json, "\"traceId\": \"" + traced[0] + "\""), json);
                assertEquals(1, JfrIT.count(json, "\"spanId\": \"" + traced[1] + "\""), json);
                assertEquals(1, JfrIT.count(json, "\"traceId\": null"), json);
            }
        } finally {
            db.dropSchema(schema);
        }
    }

    /**
     * JDK 21+: a span on a virtual thread that stays mounted has the bytes of its {@code new byte[100_000]} (plus
     * the SDK's iterator); one during which the thread parks (and unmounts) is unmeasured.
     */
    @Test
    void onAVirtualThreadASpanIsMeasuredWhileMountedAndUnmeasuredAcrossAnUnmount() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(AppRun.javaFeatureVersion() >= 21, "virtual threads: JDK 21+");
        AppRun run = AppRun.main(OtelSpansApp.class).args("virtual")
                .classpath(Path.of(AppRun.APP_LIBS, "opentelemetry-api.jar").toString())
                .classpath(Path.of(AppRun.APP_LIBS, "opentelemetry-context.jar").toString())
                .prop("memagent.service.name", "otel-virtual");
        bothAgents(run);
        AppRun.Result r = run.run().assertOk();
        Map<String, SpanLine> spans = spans(r.stderr());
        List<String> mounted = r.stdout().lines().filter(l -> l.startsWith("mounted=")).map(l -> l.substring(8)).toList();
        List<String> parked = r.stdout().lines().filter(l -> l.startsWith("parked=")).map(l -> l.substring(7)).toList();
        assertEquals(3, mounted.size(), r.stdout());
        for (String id : mounted) {
            Long bytes = spans.get(id).bytes();
            assertTrue(bytes != null && (bytes == 100_016 || bytes == 100_016 + SDK_ITERATOR), spans.get(id).toString());
        }
        for (String id : parked) {
            assertTrue(spans.get(id).unmeasured() && spans.get(id).bytes() == null, spans.get(id).toString());
        }
    }

    /**
     * In either {@code -javaagent} order (the OpenTelemetry agent first builds its SDK before memagent starts;
     * memagent first is running when it does), one JVM each: steady manual spans, spans holding memagent's own
     * first-call bytes, a handed-over span.
     */
    @ParameterizedTest(name = "OpenTelemetry agent first: {0}")
    @ValueSource(booleans = {true, false})
    void aManualSpanCarriesTheAppsOwnBytesAndAHandedOverSpanIsUnmeasured(boolean otelFirst) throws Exception {
        int measured = 20;
        AppRun run = AppRun.main(OtelSpansApp.class).args("200", String.valueOf(measured))
                .classpath(Path.of(AppRun.APP_LIBS, "opentelemetry-api.jar").toString())
                .classpath(Path.of(AppRun.APP_LIBS, "opentelemetry-context.jar").toString())
                .prop("memagent.service.name", "otel-spans");
        bothAgents(run, otelFirst);
        AppRun.Result r = run.run().assertOk();
        int otelAt = r.command().indexOf("-javaagent:" + OTEL_AGENT);
        int memagentAt = r.command().indexOf("-javaagent:" + AppRun.AGENT_JAR);
        assertEquals(otelFirst, otelAt >= 0 && otelAt < memagentAt, "the order asked for: " + r.command());
        Map<String, SpanLine> spans = spans(r.stderr());
        List<String> wrong = new ArrayList<>();
        Map<Long, Integer> aboveApp = new java.util.TreeMap<>();
        int steady = 0;
        int own = 0;
        for (String line : r.stdout().split("\n")) {
            Matcher m = Pattern.compile("^(span|own)=([0-9a-f]{16}) app=(\\d+)(?: agent=(\\d+))?$").matcher(line);
            if (!m.find()) {
                continue;
            }
            SpanLine span = spans.get(m.group(2));
            long app = Long.parseLong(m.group(3));
            assertTrue(span != null, "the span " + m.group(2) + " was exported: " + r);
            if (m.group(1).equals("span")) {
                steady++;
                assertEquals(100_016, app, "a new byte[100_000] is 100,016 bytes: " + line);
            } else {
                own++;
                long agent = Long.parseLong(m.group(4));
                assertTrue(agent > 0, "memagent allocated inside this span (a first call's slot): " + line);
            }
            Long bytes = span.bytes();
            if (bytes == null || (bytes != app + SDK_ITERATOR && bytes != app) || span.unmeasured()) {
                wrong.add(line + " -> " + span);
            } else {
                aboveApp.merge(bytes - app, 1, Integer::sum);
            }
        }
        System.out.println("OpenTelemetrySpansIT on JDK " + AppRun.javaFeatureVersion() + (otelFirst
                ? ", OpenTelemetry agent first" : ", memagent first") + ": manual spans' bytes above the app's own"
                + " (bytes above -> spans): " + aboveApp);
        assertEquals(measured, steady, r.stdout());
        assertEquals(3, own, r.stdout());
        assertEquals(List.of(), wrong, "spans whose memagent.allocated_bytes is not the app's own (+ the SDK's iterator)");

        String handed = r.stdout().lines().filter(l -> l.startsWith("handed=")).findFirst().orElseThrow().substring(7);
        SpanLine h = spans.get(handed);
        assertTrue(h != null && h.unmeasured() && h.bytes() == null,
                "a span ended on another thread is unmeasured, with no number: " + h);
        // Every other span is measured: nothing ends unmeasured that need not.
        assertEquals(List.of(handed), spans.values().stream().filter(SpanLine::unmeasured).map(SpanLine::spanId).toList());
        assertEquals(List.of(), r.agentLines().stream().filter(l -> l.contains("WARN") || l.contains("ERROR")).toList());
    }
}
