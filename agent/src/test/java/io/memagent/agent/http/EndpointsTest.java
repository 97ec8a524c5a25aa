package io.memagent.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memagent.agent.config.Config;
import io.memagent.agent.runtime.Settings;
import io.memagent.agent.jvm.JvmHistory;
import io.memagent.agent.store.CopyLine;
import io.memagent.agent.store.InMemorySink;
import io.memagent.agent.store.RecentRows;
import io.memagent.agent.store.Row;
import io.memagent.agent.store.RunInfo;
import io.memagent.agent.store.Table;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Spikes and leaks are served from any row type of their tables, with no code in the http
 * package: these rows are written here the way the detectors write theirs.
 */
class EndpointsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A memory_spikes row, columns in Table.MEMORY_SPIKES order. */
    record SpikeRow(UUID id, String op, String severity, long bytes, long at) implements Row {
        @Override
        public Table table() {
            return Table.MEMORY_SPIKES;
        }

        @Override
        public void writeTo(CopyLine l) {
            l.uuid(id).text(op).text("a.B#c()V").text(severity).number(bytes).number(26_214_400L).text("main")
                    .text("at a.B.c(B.java:1)").text(null).timestamp(at).text(null).text(null);
        }
    }

    /** A memory_leak_detection row; a later row with the same leak_id updates it. */
    record LeakRow(UUID id, long leaked, boolean resolved, long at) implements Row {
        @Override
        public Table table() {
            return Table.MEMORY_LEAK_DETECTION;
        }

        @Override
        public void writeTo(CopyLine l) {
            l.uuid(id).text("old_gen_growth").text("heap").number(leaked).text("least_squares").text(null)
                    .json("{\"slope_mb_per_hour\":61.5}").text("medium").bool(resolved).timestamp((Long) null)
                    .timestamp(at).timestamp(at);
        }
    }

    private static Endpoints endpoints(RecentRows rows) {
        RunInfo run = new RunInfo(UUID.randomUUID(), "svc", 42, "host", "jvm", "dev", "{}", 1_000);
        return new Endpoints(new ApiSources(Settings.http(Config.defaults()), run, List::of, new JvmHistory(), rows, null, null, null, null, () -> "exact"), () -> JSON);
    }

    @Test
    void spikesAreServedByColumnNameNewestFirst() throws Exception {
        RecentRows rows = new RecentRows(new InMemorySink(100), 2);
        UUID a = UUID.randomUUID();
        rows.offer(new SpikeRow(a, "Orders.load", "medium", 30_000_000L, 1_700_000_000_000L));
        rows.offer(new SpikeRow(UUID.randomUUID(), "Orders.load", "high", 60_000_000L, 1_700_000_001_000L));
        rows.offer(new SpikeRow(UUID.randomUUID(), "Report.render", "critical", 120_000_000L, 1_700_000_002_000L));
        JsonNode j = JSON.valueToTree(endpoints(rows).spikes(100));
        assertEquals(3, j.get("detected_total").asLong(), "every spike made is counted");
        assertEquals(2, j.get("spikes").size(), "only the most recent 2 are held");
        JsonNode newest = j.get("spikes").get(0);
        assertEquals("Report.render", newest.get("operation_type").asText());
        assertEquals("critical", newest.get("severity").asText());
        assertEquals(120_000_000L, newest.get("allocated_bytes").asLong());
        assertEquals(26_214_400L, newest.get("threshold_bytes").asLong());
        assertTrue(newest.get("heap_dump_path").isNull());
        assertEquals("2023-11-14T22:13:22Z", newest.get("detected_at").asText());
        // The table's columns, the method as people write it, and the JVM's form of it beside them.
        List<String> fields = new java.util.ArrayList<>(Table.MEMORY_SPIKES.columns());
        fields.add("jvm_method");
        assertEquals(fields, List.copyOf(iterable(newest)));
        assertEquals("B.c()", newest.get("method").asText());
        assertEquals("a.B#c()V", newest.get("jvm_method").asText());
        assertEquals(1, JSON.valueToTree(endpoints(rows).spikes(1)).get("spikes").size());
    }

    @Test
    void largeCallsAreServedNewestFirstWithTheirSpansIds() throws Exception {
        RecentRows rows = new RecentRows(new InMemorySink(100), 2);
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String span = "00f067aa0ba902b7";
        rows.offer(new io.memagent.agent.aggregate.AllocationRow(1, 2, "Orders.load", "a.B#c()V", "method", "main",
                3_000_000L, 3_000_000L, 1_000, false, 0, 1_700_000_000_000L, null, null));
        rows.offer(new io.memagent.agent.aggregate.AllocationRow(3, 4, "Orders.load", "a.B#c()V", "method", "main",
                2_000_000L, 1_500_000L, 1_000, false, 0, 1_700_000_001_000L, trace, span));
        rows.offer(new io.memagent.agent.aggregate.AllocationRow(5, 6, "Report.render", "a.R#r(I)V", "method", "http-1",
                1_200_000L, 1_200_000L, 2_000, true, 1, 1_700_000_002_000L, null, null));
        JsonNode j = JSON.valueToTree(endpoints(rows).calls(100));
        assertEquals(3, j.get("recorded_total").asLong(), "every row made is counted");
        assertEquals(2, j.get("calls").size(), "only the most recent 2 are held");
        JsonNode newest = j.get("calls").get(0);
        JsonNode traced = j.get("calls").get(1);
        List<String> fields = new java.util.ArrayList<>(Table.MEMORY_ALLOCATIONS.columns());
        fields.add("jvm_method");
        assertEquals(fields, List.copyOf(iterable(newest)));
        assertEquals("Report.render", newest.get("operation_type").asText());
        assertEquals("R.r(int)", newest.get("method").asText());
        assertEquals("a.R#r(I)V", newest.get("jvm_method").asText());
        assertTrue(newest.get("trace_id").isNull() && newest.get("span_id").isNull(), newest.toString());
        assertEquals(new UUID(3, 4).toString(), traced.get("operation_id").asText());
        assertEquals(trace, traced.get("trace_id").asText());
        assertEquals(span, traced.get("span_id").asText());
        assertEquals(1_500_000L, traced.get("self_bytes").asLong());
        assertEquals(500_000L, traced.at("/allocation_pattern/nested_profiled_bytes").asLong(), "jsonb served as JSON");
        assertEquals(1, JSON.valueToTree(endpoints(rows).calls(1)).get("calls").size());
    }

    private static List<String> iterable(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aLeakUpdatedLaterIsServedOnceInItsLatestStateWithItsJson() throws Exception {
        RecentRows rows = new RecentRows(new InMemorySink(100), 10);
        UUID id = UUID.randomUUID();
        rows.offer(new LeakRow(id, 5_000_000L, false, 1_700_000_000_000L));
        rows.offer(new LeakRow(UUID.randomUUID(), 2_000_000L, true, 1_700_000_000_500L));
        rows.offer(new LeakRow(id, 9_000_000L, false, 1_700_000_001_000L));
        Endpoints e = endpoints(rows);
        JsonNode all = JSON.valueToTree(e.leaks("all"));
        assertEquals(1, all.get("open").asLong());
        assertEquals(2, all.get("leaks").size());
        JsonNode first = all.get("leaks").get(0);
        assertEquals(id.toString(), first.get("leak_id").asText());
        assertEquals(9_000_000L, first.get("leaked_bytes").asLong());
        assertEquals(61.5, first.at("/operation_context/slope_mb_per_hour").asDouble(), "jsonb served as JSON");
        assertEquals(1, JSON.valueToTree(e.leaks("open")).get("leaks").size());
        assertEquals(1, JSON.valueToTree(e.leaks("resolved")).get("leaks").size());
        assertEquals(3, rows.made(Table.MEMORY_LEAK_DETECTION));
    }

    @Test
    void parametersAreCheckedWithClearMessages() throws Exception {
        Params p = new Params("limit=5&sort=calls", Set.of("limit", "sort"));
        assertEquals(5, p.integer("limit", 10, 1, 100));
        assertEquals("calls", p.text("sort", "total_bytes", Set.of("calls", "total_bytes")));
        BadRequest e = assertThrows(BadRequest.class, () -> new Params("limit=-1", Set.of("limit")).integer("limit", 10, 1, 100));
        assertEquals("limit = '-1' is not valid: expected a whole number from 1 to 100", e.getMessage());
        assertEquals(400, e.status);
        e = assertThrows(BadRequest.class, () -> new Params("path=/etc/passwd", Set.of()));
        assertEquals("unknown parameter 'path': expected none", e.getMessage());
        assertThrows(BadRequest.class, () -> new Params("limit=1&limit=2", Set.of("limit")));
        assertEquals(1_000_000L - 90_000, new Params("since=90s", Set.of("since")).since("since", 1_000_000L));
        assertEquals(1_700_000_000_000L, new Params("since=2023-11-14T22:13:20Z", Set.of("since")).since("since", 0));
        assertEquals(123L, new Params("since=123", Set.of("since")).since("since", 0));
    }

    @Test
    void tokensAreNeededWhereTheRulesSay() {
        Auth loopback = new Auth("t0k", true);
        assertEquals(Auth.OK, loopback.check(false, null), "GET on loopback is open");
        assertEquals(401, loopback.check(true, null));
        assertEquals(401, loopback.check(true, "Basic dDBr"));
        assertEquals(403, loopback.check(true, "Bearer t0K"));
        assertEquals(Auth.OK, loopback.check(true, "Bearer t0k"));
        assertEquals(Auth.OK, loopback.check(true, "bearer t0k"));
        Auth remote = new Auth("t0k", false);
        assertEquals(401, remote.check(false, null), "off loopback every endpoint needs it");
        assertEquals(Auth.OK, remote.check(false, "Bearer t0k"));
        assertThrows(NullPointerException.class, () -> new Auth(null, true), "POSTs always need a token");
    }

    @Test
    void hostAndOriginMustNameThisServer() throws Exception {
        RequestGuard g = new RequestGuard("127.0.0.1", java.net.InetAddress.getByName("127.0.0.1"), 8080);
        for (String ok : List.of("127.0.0.1:8080", "localhost:8080", "LOCALHOST.", "[::1]:8080", "127.0.0.2", "127.0.0.1")) {
            assertEquals(null, g.checkHost(ok), ok);
        }
        assertEquals(null, g.checkHost(null), "HTTP/1.0 sends none");
        for (String bad : List.of("attacker.example", "attacker.example:8080", "127.attacker.example", "localhost.attacker.example",
                "0.0.0.0:8080", "192.0.2.2")) {
            assertEquals("Host '" + bad + "' is not this server's: expected one of 127.0.0.1, localhost, ::1 (memagent.http.host),"
                    + " with the port", g.checkHost(bad), bad);
        }
        assertEquals(null, g.checkOrigin(null));
        assertEquals(null, g.checkOrigin("http://127.0.0.1:8080"));
        assertEquals(null, g.checkOrigin("http://localhost:8080"));
        for (String bad : List.of("http://attacker.example", "http://127.0.0.1:9999", "null", "https://127.0.0.1:8080",
                "http://127.0.0.1")) {
            assertEquals("Origin '" + bad + "' is not this server's: POST endpoints accept only requests from"
                    + " http://127.0.0.1:8080 pages or without an Origin (curl, scripts)", g.checkOrigin(bad), bad);
        }
        RequestGuard any = new RequestGuard("0.0.0.0", java.net.InetAddress.getByName("0.0.0.0"), 80);
        assertEquals(null, any.checkHost("192.0.2.7"), "bound to every interface: any address of the machine");
        assertEquals(null, any.checkOrigin("http://192.0.2.7"));
    }

    @Test
    void prometheusLabelValuesAreEscaped() {
        assertEquals("operation=\"a\\\\b\\\"c\\nd\"", PrometheusText.label("operation", "a\\b\"c\nd"));
        assertEquals("20", PrometheusText.number(20));
        assertEquals("0.5", PrometheusText.number(0.5));
    }

    /**
     * Seeded fuzz of the query parser: any query either parses, or is a 400 whose message names
     * what is wrong; never another exception (which would be a 500 from the server).
     */
    @Test
    void fuzzedQueriesAreEitherValuesOrClearBadRequests() {
        java.util.Random random = new java.util.Random(20261123);
        String alphabet = "limit=sort&since%+-_.:/T Z0123456789abcxyz\u00e9\u4e2d%zz%2%41=&&==";
        int bad = 0;
        for (int n = 0; n < 5_000; n++) {
            StringBuilder q = new StringBuilder();
            int len = random.nextInt(40);
            for (int k = 0; k < len; k++) {
                q.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                Params p = new Params(q.toString(), Set.of("limit", "sort", "since"));
                p.integer("limit", 10, 1, 10_000);
                p.text("sort", "total_bytes", Set.of("total_bytes", "calls"));
                p.since("since", 1_700_000_000_000L);
            } catch (BadRequest e) {
                bad++;
                assertEquals(400, e.status, q.toString());
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank() && e.getMessage().length() < 400,
                        q + " -> " + e.getMessage());
            }
        }
        assertTrue(bad > 1_000 && bad < 5_000, "the fuzz reached both outcomes: " + bad + " of 5,000 refused");
    }
}
