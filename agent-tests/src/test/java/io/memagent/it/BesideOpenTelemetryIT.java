package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Spring Boot test app (Tomcat, JdbcTemplate, HikariCP, pgjdbc; HTTP and JDBC attribution on)
 * with the OpenTelemetry Java agent attached too, in either {@code -javaagent} order: memagent
 * weaves none of the other agent's classes and says nothing about them, and steady calls stay
 * exact to the byte against the app's own counter. The service name comes from the sources a
 * team already set, in memagent's order.
 */
class BesideOpenTelemetryIT {
    static final String OTEL_AGENT = Path.of(AppRun.APP_LIBS, "opentelemetry-javaagent.jar").toString();
    static final int MEASURED = 30;

    static TestDatabase db;
    static final List<String> schemas = new ArrayList<>();

    @BeforeAll
    static void database() {
        db = TestDatabase.get();
    }

    @AfterAll
    static void dropSchemas() {
        for (String s : schemas) {
            db.dropSchema(s);
        }
    }

    private static SpringBootIT.Session run(boolean otelFirst, boolean otelServiceName) throws Exception {
        String schema = db.newSchema();
        schemas.add(schema);
        schemas.add(schema + "_app");
        SpringBootIT.db = db;
        return SpringBootIT.Session.run(schema, schema + "_app", s -> {
            for (int n = 1; n <= MEASURED; n++) {
                s.measured(n);
            }
            s.expect(200, s.send("POST", "/orders/o1?amount=100", SpringBootIT.POST_ORDER));
            s.expect(200, s.send("GET", "/orders/o1", SpringBootIT.GET_ORDER));
        }, r -> {
            String otel = "-javaagent:" + OTEL_AGENT;
            if (otelFirst) {
                r.jvmArgBeforeAgent(otel);
            } else {
                r.jvmArg(otel);
            }
            // No exporter: the spans are made and dropped, nothing leaves the machine.
            r.prop("otel.traces.exporter", "none").prop("otel.metrics.exporter", "none").prop("otel.logs.exporter", "none")
                    .withoutProp("memagent.service.name");
            if (otelServiceName) {
                r.prop("otel.service.name", "orders-otel");
            }
        });
    }

    @Test
    void openTelemetryFirstThenMemagent() throws Exception {
        SpringBootIT.Session s = run(true, true);
        assertQuietAndExact(s, "'orders-otel' (from otel.service.name)");
    }

    @Test
    void memagentFirstThenOpenTelemetry() throws Exception {
        SpringBootIT.Session s = run(false, false);
        assertQuietAndExact(s, "'orders-app' (from spring.application.name in spring-app.jar!/BOOT-INF/classes/application.*)");
    }

    private static void assertQuietAndExact(SpringBootIT.Session s, String service) {
        assertTrue(s.stderr.contains("opentelemetry-javaagent - version: "), "the OpenTelemetry agent ran: " + s);
        List<String> agentLines = s.stderr.lines().filter(l -> l.startsWith("[memagent]")).toList();
        assertTrue(agentLines.get(0).contains(" started for service " + service + ": writing to "), agentLines.toString());
        assertEquals(List.of(), agentLines.stream().filter(l -> l.startsWith("[memagent] WARN")
                || l.startsWith("[memagent] ERROR") || l.contains("opentelemetry")).toList(), "nothing about the other agent");
        String schema = schemas.get(schemas.size() - 2);
        // Requests and SQL statements are attributed in either order: one call per request, by route template.
        for (Map.Entry<String, Long> sent : s.sentCounts().entrySet()) {
            assertEquals(sent.getValue(), SpringBootIT.callsOf(schema, sent.getKey()), sent.getKey());
        }
        assertEquals(1, SpringBootIT.callsOf(schema, "DB.INSERT.orders"), "SQL statements are operations too");
        // Every /measured call after its thread's first: the agent's row equals the app's own counter reading.
        Map<String, List<Long>> agentByThread = new HashMap<>();
        for (Map<String, Object> row : db.query("SELECT thread_name, allocated_bytes FROM " + schema
                + ".memory_allocations WHERE operation_type = 'OrderService.report'")) {
            agentByThread.computeIfAbsent((String) row.get("thread_name"), t -> new ArrayList<>())
                    .add(TestDatabase.n(row, "allocated_bytes"));
        }
        assertEquals(MEASURED, s.measured.size());
        assertEquals(MEASURED, agentByThread.values().stream().mapToInt(List::size).sum(), "one row per call");
        int compared = 0;
        List<String> mismatches = new ArrayList<>();
        for (JsonNode m : s.measured) {
            assertTrue(m.get("agent").asBoolean(), "the app found the agent: " + m);
            if (m.get("firstOnThread").asBoolean()) {
                continue;
            }
            compared++;
            List<Long> rows = agentByThread.get(m.get("thread").asText());
            if (rows == null || !rows.remove((Long) m.get("appBytes").asLong())) {
                mismatches.add(m + " vs rows " + rows);
            }
        }
        assertEquals(List.of(), mismatches, "steady calls whose bytes differ from the app's own counter");
        assertTrue(compared >= 10, "compared " + compared + " of " + MEASURED);
    }
}
